// Finds the images of a folder data set and what each one is: its label from the class folder it is
// in, and its split where the layout says it (a FER2013 file-name prefix, or a train/val/test folder).
// Reads names only; decoding is image-reader.ts's job.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EmoscopeError } from '../errors.js';
import type { Split } from '../types.js';
import type { BadInput } from './dataset.js';
import { splitOfFileName } from './fer2013.js';
import { labelOfFolder } from './labels.js';

/** Extensions of the images read (sharp decodes all of them). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

/** Names of split folders, e.g. `train/happy/…` or `validation/happy/…`. */
const SPLIT_FOLDERS: Readonly<Record<string, Split>> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** One image found: where, which label, and its split when the layout fixes it. */
export interface ImageEntry {
  path: string;
  /** Path relative to the data-set folder, with `/` separators. */
  relativePath: string;
  label: number;
  /** The split the layout gives it, or undefined when the split is to be drawn (class folders). */
  split?: Split;
}

/** The images of a folder data set and its layout. */
export interface FolderListing {
  format: 'fer2013-folders' | 'class-folders';
  /** Every image, sorted by relative path so that everything derived from the order repeats. */
  images: ImageEntry[];
  /** Splits that have a folder of their own (class-folders with train/ val/ test/); their faces are not re-split. */
  splitFolders: Set<Split>;
  /** FER2013-layout files whose name gives no split (with `skipBad`; otherwise the scan throws). */
  skipped: BadInput[];
}

/**
 * Lists a folder data set: `train/<class>/Training_1.jpg` (FER2013's, usage from the name prefix),
 * `<split>/<class>/…` or `<class>/…` (a user's own). Class-folder names map through the synonyms of
 * labels.ts; an unknown name is a BAD_DATA error listing the accepted ones.
 */
export async function scanFolders(root: string, skipBad: boolean): Promise<FolderListing> {
  const folders: string[] = [];
  for (const entry of await listDir(root)) if (await isFolder(entry, root)) folders.push(entry.name);
  if (folders.length === 0) {
    throw new EmoscopeError('BAD_DATA', `${root} has no class folders: expected <class>/<image> or train/<class>/<image>`);
  }
  const splitNames = folders.filter((name) => SPLIT_FOLDERS[name.toLowerCase()] !== undefined);
  if (splitNames.length > 0 && splitNames.length < folders.length) {
    const others = folders.filter((name) => !splitNames.includes(name));
    throw new EmoscopeError(
      'BAD_DATA',
      `${root} mixes split folders (${splitNames.join(', ')}) with other folders (${others.join(', ')}): expected either <split>/<class>/<image> or <class>/<image>`,
    );
  }

  const images: ImageEntry[] = [];
  const splitFolders = new Set<Split>();
  if (splitNames.length > 0) {
    for (const name of splitNames) {
      const split = SPLIT_FOLDERS[name.toLowerCase()];
      splitFolders.add(split);
      await collectClasses(join(root, name), name, split, images);
    }
  } else {
    await collectClasses(root, '', undefined, images);
  }
  if (images.length === 0) {
    throw new EmoscopeError('BAD_DATA', `${root} has no images: expected ${[...IMAGE_EXTENSIONS].join('/')} files in class folders`);
  }
  images.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));

  // FER2013's layout: the usage is in the name, whatever folder the file is in.
  if (!images.some((image) => splitOfFileName(basename(image.path)) !== undefined)) {
    return { format: 'class-folders', images, splitFolders, skipped: [] };
  }
  const skipped: BadInput[] = [];
  const ferImages: ImageEntry[] = [];
  for (const image of images) {
    const split = splitOfFileName(basename(image.path));
    if (split !== undefined) {
      ferImages.push({ ...image, split });
      continue;
    }
    const problem = 'expected a FER2013 file name starting with Training_, PublicTest_ or PrivateTest_ (it gives the split)';
    if (!skipBad) throw new EmoscopeError('BAD_DATA', `${image.path}: ${problem}`);
    skipped.push({ where: image.path, problem });
  }
  return { format: 'fer2013-folders', images: ferImages, splitFolders: new Set(), skipped };
}

/** Adds the images under each class folder of `folder`. */
async function collectClasses(folder: string, prefix: string, split: Split | undefined, images: ImageEntry[]): Promise<void> {
  for (const entry of await listDir(folder)) {
    if (!(await isFolder(entry, folder))) continue; // loose files next to the class folders (README, LICENSE)
    const label = labelOfFolder(entry.name, folder);
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    await collectImages(join(folder, entry.name), relative, label, split, images);
  }
}

/** Adds the images in `folder` and its subfolders, all with `label`. */
async function collectImages(folder: string, relative: string, label: number, split: Split | undefined, images: ImageEntry[]): Promise<void> {
  for (const entry of await listDir(folder)) {
    const path = join(folder, entry.name);
    const relativePath = `${relative}/${entry.name}`;
    if (await isFolder(entry, folder)) {
      await collectImages(path, relativePath, label, split, images);
    } else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      images.push({ path, relativePath, label, split });
    }
  }
}

/** Entries of a folder without hidden ones (.DS_Store, .git). */
async function listDir(folder: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((entry) => !entry.name.startsWith('.'));
  } catch (error) {
    throw new EmoscopeError('BAD_DATA', `${folder}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
}

/** Whether an entry is a folder, following symbolic links. */
async function isFolder(entry: Dirent, parent: string): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return (await stat(join(parent, entry.name)).catch(() => undefined))?.isDirectory() ?? false;
}
