// Finds the images of a folder data set and what each one is: its label from the class folder it is
// in, and its split where the layout says it (a FER2013 file-name prefix, or a train/val/test folder).
// Reads names only; decoding is image-reader.ts's job. Symbolic links are followed once at most:
// a folder or file already reached by another path (a link looping back up the tree, a link to
// another class folder, two names for one file) is skipped and listed, so no face counts twice.
// Every other entry not taken (hidden, a file without an image extension, an image outside the class
// folders, a broken link, a FIFO, a socket, a device) is listed in `passedOver` with why, as the photo
// walker of `predict` lists its own (util/passed-over.ts), so that the CLI can say what it passed over.
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { IMAGE_EXTENSIONS } from '../util/image-files.js';
import { describePassedOver, passedOverSpecial, type PassedOver } from '../util/passed-over.js';
import { printable } from '../util/printable.js';
import type { Split } from '../types.js';
import type { BadInput } from './dataset.js';
import { splitOfFileName } from './fer2013.js';
import { labelOfFolder } from './labels.js';

export { IMAGE_EXTENSIONS };

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

/** The split a folder's name gives (`Validation` → val), or undefined; own names only (a folder named `constructor` is a class folder's name, not a split). */
function splitOfFolder(name: string): Split | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(SPLIT_FOLDERS, key) ? SPLIT_FOLDERS[key] : undefined;
}

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
  /**
   * FER2013-layout files whose name gives no split (with `skipBad`; otherwise the scan throws), and
   * symbolic links not followed because what they point to was already scanned (always).
   */
  skipped: BadInput[];
  /** The other entries not taken (hidden, not an image, broken links, FIFOs…), in walk order, each with why. */
  passedOver: PassedOver[];
}

/** What a scan has reached so far, by real path, so that nothing is taken twice. */
interface Walk {
  /** real path of each folder → the relative path it was first reached by */
  folders: Map<string, string>;
  /** real path of each image → its relative path */
  files: Map<string, string>;
  skipped: BadInput[];
  passedOver: PassedOver[];
}

/**
 * Lists a folder data set: `train/<class>/Training_1.jpg` (FER2013's, usage from the name prefix),
 * `<split>/<class>/…` or `<class>/…` (a user's own). Class-folder names map through the synonyms of
 * labels.ts; an unknown name is a BAD_DATA error listing the accepted ones.
 */
export async function scanFolders(root: string, skipBad: boolean): Promise<FolderListing> {
  const walk: Walk = { folders: new Map(), files: new Map(), skipped: [], passedOver: [] };
  await claimFolder(walk, root, '.');
  const folders: string[] = [];
  for (const entry of await listDir(root, walk.passedOver)) {
    if (await isFolder(entry, root)) folders.push(entry.name);
    else walk.passedOver.push(await passedOverEntry(entry, join(root, entry.name), true)); // README, LICENSE, a photo left at the top
  }
  if (folders.length === 0) {
    throw new EmoscopeError('BAD_DATA', `${root} has no class folders: expected <class>/<image> or train/<class>/<image>${heldInstead(walk.passedOver)}`);
  }
  const splitNames = folders.filter((name) => splitOfFolder(name) !== undefined);
  if (splitNames.length > 0 && splitNames.length < folders.length) {
    const others = folders.filter((name) => !splitNames.includes(name));
    throw new EmoscopeError(
      'BAD_DATA',
      `${root} mixes split folders (${splitNames.join(', ')}) with other folders (${others.join(', ')}): expected either <split>/<class>/<image> or <class>/<image>`,
    );
  }

  const images: ImageEntry[] = [];
  const splitFolders = new Set<Split>();
  // The split and class folders are claimed first, so that a link into one of them from elsewhere
  // is the one skipped, whatever the order of the walk.
  const tops: Array<{ path: string; relative: string; split?: Split }> = [];
  if (splitNames.length > 0) {
    for (const name of splitNames) {
      if (await claimFolder(walk, join(root, name), name)) tops.push({ path: join(root, name), relative: name, split: splitOfFolder(name) });
    }
  } else {
    tops.push({ path: root, relative: '' });
  }
  const classes: Array<{ path: string; relative: string; name: string; parent: string; split?: Split }> = [];
  for (const top of tops) {
    // The top of a <class>/ tree is the data-set folder itself, whose entries were listed above.
    const sink = top.relative === '' ? undefined : walk.passedOver;
    for (const entry of await listDir(top.path, sink)) {
      if (!(await isFolder(entry, top.path))) { // loose files next to the class folders (README, LICENSE)
        sink?.push(await passedOverEntry(entry, join(top.path, entry.name), true));
        continue;
      }
      const relative = top.relative === '' ? entry.name : `${top.relative}/${entry.name}`;
      if (await claimFolder(walk, join(top.path, entry.name), relative)) classes.push({ path: join(top.path, entry.name), relative, name: entry.name, parent: top.path, split: top.split });
    }
  }
  for (const c of classes) {
    if (c.split !== undefined) splitFolders.add(c.split);
    await collectImages(walk, c.path, c.relative, labelOfFolder(c.name, c.parent), c.split, images);
  }
  if (images.length === 0) {
    throw new EmoscopeError('BAD_DATA', `${printable(root)} has no images: expected ${[...IMAGE_EXTENSIONS].join('/')} files in class folders${heldInstead(walk.passedOver)}`);
  }
  images.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));

  // FER2013's layout: the usage is in the name, whatever folder the file is in.
  if (!images.some((image) => splitOfFileName(basename(image.path)) !== undefined)) {
    return { format: 'class-folders', images, splitFolders, skipped: walk.skipped, passedOver: walk.passedOver };
  }
  const skipped: BadInput[] = [...walk.skipped];
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
  return { format: 'fer2013-folders', images: ferImages, splitFolders: new Set(), skipped, passedOver: walk.passedOver };
}

/** Adds the images in `folder` and its subfolders, all with `label`. */
async function collectImages(walk: Walk, folder: string, relative: string, label: number, split: Split | undefined, images: ImageEntry[]): Promise<void> {
  const folderReal = await realpath(folder);
  for (const entry of await listDir(folder, walk.passedOver)) {
    const path = join(folder, entry.name);
    const relativePath = `${relative}/${entry.name}`;
    if (await isFolder(entry, folder)) {
      if (await claimFolder(walk, path, relativePath)) await collectImages(walk, path, relativePath, label, split, images);
    } else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      // A plain file's real path is its folder's plus its name; only a link needs resolving.
      const real = entry.isSymbolicLink() ? await realpath(path).catch(() => path) : join(folderReal, entry.name);
      const first = walk.files.get(real);
      if (first !== undefined) {
        walk.skipped.push({ where: path, problem: `the same file as ${first} (a symbolic link): counted once` });
        continue;
      }
      walk.files.set(real, relativePath);
      images.push({ path, relativePath, label, split });
    } else {
      walk.passedOver.push(await passedOverEntry(entry, path, false));
    }
  }
}

/** ` (passed over 2 entries: …)` after a "no images" error, or '' when nothing was passed over. */
function heldInstead(passedOver: readonly PassedOver[]): string {
  const said = describePassedOver(passedOver);
  return said === '' ? '' : ` (${said})`;
}

/**
 * Why an entry that is neither a folder nor taken as an image was passed over. Symbolic links are
 * followed here: a link to a text file is a file without an image extension; one that leads nowhere
 * is a broken link. `loose`: the entry is next to the class folders, not in one.
 */
async function passedOverEntry(entry: Dirent, path: string, loose: boolean): Promise<PassedOver> {
  const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
  if (info === undefined || !info.isFile()) {
    if (info === undefined || !entry.isSymbolicLink()) return passedOverSpecial(entry, path); // broken link or loop, FIFO, socket, device
    return { path, reason: info.isFIFO() ? 'fifo' : info.isSocket() ? 'socket' : 'device' }; // a link to one
  }
  return { path, reason: loose && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase()) ? 'outside-class-folders' : 'not-an-image' };
}

/**
 * Records that the folder `path` (shown as `relative`) is being scanned; false, with the link listed
 * as skipped, when its real path was already reached another way (a cycle, or a second name).
 */
async function claimFolder(walk: Walk, path: string, relative: string): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    throw new EmoscopeError('BAD_DATA', `${printable(path)}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  const first = walk.folders.get(real);
  if (first !== undefined && first !== relative) {
    const what = first === '.' ? 'the data set folder itself' : first;
    walk.skipped.push({ where: path, problem: `a symbolic link to a folder already scanned (${what}): not followed, so that no face is counted twice` });
    return false;
  }
  walk.folders.set(real, relative);
  return true;
}

/** Entries of a folder without hidden ones (.DS_Store, .git), which are added to `passedOver` when given. */
async function listDir(folder: string, passedOver?: PassedOver[]): Promise<Dirent[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    // Sorted, plain entries before links: the original of a file or folder is the one kept.
    const hidden = entries.filter((entry) => entry.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    passedOver?.push(...hidden.map((entry): PassedOver => ({ path: join(folder, entry.name), reason: 'hidden' })));
    return entries
      .filter((entry) => !entry.name.startsWith('.'))
      .sort((a, b) => Number(a.isSymbolicLink()) - Number(b.isSymbolicLink()) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    throw new EmoscopeError('BAD_DATA', `${printable(folder)}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
}

/** Whether an entry is a folder, following symbolic links. */
async function isFolder(entry: Dirent, parent: string): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return (await stat(join(parent, entry.name)).catch(() => undefined))?.isDirectory() ?? false;
}
