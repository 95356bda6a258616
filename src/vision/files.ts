// Turns the CLI's `<image|folder>...` into a list of files: folders are walked (recursively, sorted)
// for image files; files named explicitly are kept whatever their extension, so that a bad one is
// reported instead of silently skipped. Pictures emoscope wrote (annotated copies, charts: marked,
// util/output-mark.ts) are left out of folders, and listed as such.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from '../util/image-files.js';
import { hasOutputMark } from '../util/output-mark.js';

export { IMAGE_EXTENSIONS }; // the one list, shared with data sets (util/image-files.ts)

/** What `listImageFiles` found. */
export interface ImageFileList {
  /** the files to process, in argument order, each folder's images in sorted order */
  files: string[];
  /** folders without images (emoscope's own pictures aside) */
  empty: string[];
  /** pictures in the folders that emoscope wrote (annotated copies, charts), left out */
  ownOutputs: string[];
}

/** The files to process; a file named explicitly is kept even when emoscope wrote it. */
export async function listImageFiles(paths: readonly string[]): Promise<ImageFileList> {
  const list: ImageFileList = { files: [], empty: [], ownOutputs: [] };
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await walk(path);
      const own = await marked(found);
      const photos = found.filter((_, i) => !own[i]);
      if (photos.length === 0) list.empty.push(path);
      list.files.push(...photos);
      list.ownOutputs.push(...found.filter((_, i) => own[i]));
    } else {
      list.files.push(path); // a missing file too: recognizing it gives its error in the output
    }
  }
  return list;
}

/** `hasOutputMark` of each file, a few hundred headers at a time (sharp reads them on its threads). */
async function marked(files: readonly string[]): Promise<boolean[]> {
  const own: boolean[] = [];
  for (let i = 0; i < files.length; i += 256) own.push(...(await Promise.all(files.slice(i, i + 256).map(hasOutputMark))));
  return own;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(path)));
    else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(path);
  }
  return out;
}
