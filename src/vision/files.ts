// Turns the CLI's `<image|folder>...` into a list of files: folders are walked (recursively, sorted)
// for image files; files named explicitly are kept whatever their extension, so that a bad one is
// reported instead of silently skipped. Pictures emoscope wrote (annotated copies, charts: marked,
// util/output-mark.ts) are left out of folders, and listed as such. Every other entry of a walked
// folder that is not taken (hidden, a symbolic link, a broken one, a FIFO, a socket, a device, a file
// without an image extension, a folder that cannot be read) is listed with why, so that the CLI can
// say what it passed over instead of skipping it silently.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from '../util/image-files.js';
import { hasOutputMark } from '../util/output-mark.js';
import { describePassedOver, passedOverSpecial, type PassedOver } from '../util/passed-over.js';
import { printable } from '../util/printable.js';

export { IMAGE_EXTENSIONS }; // the one list, shared with data sets (util/image-files.ts)
// What is passed over and its summary are shared with the data-set walker (data/folder-scan.ts).
export { describePassedOver, type PassedOver, type PassedOverReason } from '../util/passed-over.js';

/** What `listImageFiles` found. */
export interface ImageFileList {
  /** the files to process, in argument order, each folder's images in sorted order */
  files: string[];
  /** folders without images (emoscope's own pictures aside) */
  empty: string[];
  /** pictures in the folders that emoscope wrote (annotated copies, charts), left out */
  ownOutputs: string[];
  /** the other entries of the folders that were not taken, in walk order, each with why */
  passedOver: PassedOver[];
}

/** The files to process; a file named explicitly is kept even when emoscope wrote it. */
export async function listImageFiles(paths: readonly string[]): Promise<ImageFileList> {
  const list: ImageFileList = { files: [], empty: [], ownOutputs: [], passedOver: [] };
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await walk(path, list.passedOver);
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

/** The image files under `dir`, sorted; every entry not taken is added to `passedOver`. */
async function walk(dir: string, passedOver: PassedOver[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.name.startsWith('.')) {
      passedOver.push({ path, reason: 'hidden' }); // .DS_Store, .git/: not walked
    } else if (e.isDirectory()) {
      try {
        out.push(...(await walk(path, passedOver)));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === undefined || path !== (error as NodeJS.ErrnoException).path) throw error;
        passedOver.push({ path, reason: 'unreadable-folder', code }); // EACCES: the rest of the walk goes on
      }
    } else if (e.isFile()) {
      if (IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(path);
      else passedOver.push({ path, reason: 'not-an-image' });
    } else {
      passedOver.push(await passedOverSpecial(e, path)); // a symbolic link is not followed: named on the command line it is taken
    }
  }
  return out;
}

/** `No images to process in photos/`, saying what the folders held instead when anything was passed over. */
export function noImagesMessage(verb: string, inputs: readonly string[], passedOver: readonly PassedOver[]): string {
  const said = describePassedOver(passedOver);
  return `No images to ${verb} in ${inputs.map(printable).join(', ')}${said === '' ? '' : ` (${said})`}`;
}
