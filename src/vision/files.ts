// Turns the CLI's `<image|folder>...` into a list of files: folders are walked (recursively, sorted)
// for image files; files named explicitly are kept whatever their extension, so that a bad one is
// reported instead of silently skipped.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from '../util/image-files.js';

export { IMAGE_EXTENSIONS }; // the one list, shared with data sets (util/image-files.ts)

/** The files to process, in argument order, each folder's images in sorted order; `empty` lists folders without images. */
export async function listImageFiles(paths: readonly string[]): Promise<{ files: string[]; empty: string[] }> {
  const files: string[] = [];
  const empty: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await walk(path);
      if (found.length === 0) empty.push(path);
      files.push(...found);
    } else {
      files.push(path); // a missing file too: recognizing it gives its error in the output
    }
  }
  return { files, empty };
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
