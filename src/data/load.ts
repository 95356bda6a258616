// loadDataset: one entry for every data format. A .csv file is FER2013's original CSV; a folder is
// FER2013's image layout (usage in the file-name prefix) or a user's own class folders (split here,
// seeded). Every format ends in the same Dataset of packed faces.
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { EmoscopeError, badArgument } from '../errors.js';
import { checkOptionKeys } from '../util/option-keys.js';
import { SPLITS, type Split } from '../types.js';
import { FACE_BYTES, LOAD_OPTION_KEYS, emptySplits, subsetFaces, type BadInput, type Dataset, type FaceSet, type LoadOptions } from './dataset.js';
import { FaceCache, defaultCacheDir } from './face-cache.js';
import { readFer2013Csv } from './fer2013-csv.js';
import { scanFolders, type ImageEntry } from './folder-scan.js';
import { readImages } from './image-reader.js';
import { assignSplits, stratifiedSample } from './split.js';

/** Defaults of the options, one place. */
export const LOAD_DEFAULTS = {
  valFraction: 0.1, // of each class, class-folders only
  testFraction: 0.1, // of each class, class-folders only
  seed: 42, // of the class-folders split and of the limit sample
  skipBad: false, // stop at the first bad row or image
} as const;

/**
 * Without an explicit cacheDir, fewer images than this are decoded every time: they take under a
 * second, and caching them would only litter the user's cache with fixtures and small samples.
 */
const CACHE_MIN_IMAGES = 1000;

/** Options with defaults applied and values checked. */
interface ResolvedOptions {
  splits: Split[];
  limit: number | undefined;
  skipBad: boolean;
  valFraction: number;
  testFraction: number;
  seed: number;
  /** undefined: the user's cache dir, for data sets of at least CACHE_MIN_IMAGES images. */
  cacheDir: string | false | undefined;
  onProgress: ((done: number, total: number) => void) | undefined;
}

/**
 * Loads a data set: `path` is a FER2013 CSV file or a folder (FER2013's `train/<class>/Training_…`
 * layout, or `<class>/…` / `<split>/<class>/…` of a user's own faces). Faces come out 48×48 gray,
 * labels in EMOTIONS order, FER2013's Training/PublicTest/PrivateTest as train/val/test.
 * Bad rows and images throw a BAD_DATA error naming the line or file, or with `skipBad` are listed in
 * `skipped`; a missing path is NOT_FOUND.
 *
 * @example
 * const ds = await loadDataset('datasets/fer2013', { splits: ['train', 'val'], limit: 2000 });
 * ds.format;            // 'fer2013-folders'
 * ds.splits.train.count; // 2000
 * ds.splits.test.count;  // 0 (not asked for)
 */
export async function loadDataset(path: string, options: LoadOptions = {}): Promise<Dataset> {
  if (typeof path !== 'string' || path === '') throw badArgument('data', 'a data set path (fer2013.csv or a folder of images)', path);
  checkOptionKeys(options, LOAD_OPTION_KEYS, 'loadDataset');
  const resolved = resolveOptions(options);
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      throw new EmoscopeError('NOT_FOUND', `${path}: no such file or folder (expected fer2013.csv or a folder of class folders)`);
    }
    throw new EmoscopeError('BAD_DATA', `${path}: cannot read it (${error.code ?? error.message})`, { cause: error });
  });
  if (info.isDirectory()) return loadFolders(path, resolved);
  if (extname(path).toLowerCase() !== '.csv') {
    throw new EmoscopeError('BAD_DATA', `${path}: expected a .csv file (FER2013's emotion,pixels,Usage) or a folder of images`);
  }
  return loadCsv(path, resolved);
}

async function loadCsv(path: string, options: ResolvedOptions): Promise<Dataset> {
  const { splits, skipped } = await readFer2013Csv(path, options);
  for (const split of SPLITS) splits[split] = applyLimit(splits[split], split, options);
  return { format: 'fer2013-csv', source: path, splits, skipped, passedOver: [] };
}

async function loadFolders(path: string, options: ResolvedOptions): Promise<Dataset> {
  const listing = await scanFolders(path, options.skipBad);
  const splitOf = splitsOfImages(listing.images, listing.splitFolders, options);

  // Choose the faces of each split first (the limit needs only labels), then decode just those.
  const chosen = new Map<Split, ImageEntry[]>();
  for (const split of options.splits) {
    const members = listing.images.filter((_, i) => splitOf[i] === split);
    const sample = options.limit === undefined
      ? members
      : Array.from(stratifiedSample(members.map((image) => image.label), options.limit, options.seed, split), (i) => members[i]);
    chosen.set(split, sample);
  }
  const toRead = [...chosen.values()].flat();
  const cache = options.cacheDir === false || (options.cacheDir === undefined && toRead.length < CACHE_MIN_IMAGES)
    ? undefined
    : await FaceCache.open(options.cacheDir ?? defaultCacheDir(), path);
  const read = await readImages(toRead, { skipBad: options.skipBad, cache, onProgress: options.onProgress });
  await cache?.save(new Set(listing.images.map((image) => image.relativePath)), path);

  const splits = emptySplits();
  let offset = 0;
  for (const [split, images] of chosen) {
    const keep: number[] = [];
    images.forEach((_, i) => { if (read.ok[offset + i] === 1) keep.push(offset + i); });
    splits[split] = {
      pixels: packFaces(read.pixels, keep),
      labels: Uint8Array.from(keep, (i) => toRead[i].label),
      count: keep.length,
      origins: keep.map((i) => toRead[i].path),
    };
    offset += images.length;
  }
  const skipped: BadInput[] = [...listing.skipped, ...read.skipped];
  return { format: listing.format, source: path, splits, skipped, passedOver: listing.passedOver };
}

/**
 * The split of every image: FER2013 file names and split folders say it; the rest (all of a
 * `<class>/` tree, or the train images when no folder or name gives val or test) is split by the
 * seeded fractions, for the splits nothing named.
 */
function splitsOfImages(images: readonly ImageEntry[], splitFolders: ReadonlySet<Split>, options: ResolvedOptions): Split[] {
  const splitOf = images.map((image) => image.split ?? 'train');
  const named = new Set<Split>([...splitFolders, ...images.flatMap((image) => (image.split === undefined ? [] : [image.split]))]);
  const drawn = images.flatMap((image, i) => (image.split === undefined || (image.split === 'train' && named.size > 0) ? [i] : []));
  const fractions = {
    valFraction: named.has('val') ? 0 : options.valFraction,
    testFraction: named.has('test') ? 0 : options.testFraction,
    seed: options.seed,
  };
  if (drawn.length === 0 || (fractions.valFraction === 0 && fractions.testFraction === 0)) return splitOf;
  const assigned = assignSplits(drawn.map((i) => images[i].label), fractions);
  drawn.forEach((i, k) => { splitOf[i] = assigned[k]; });
  return splitOf;
}

/** Copies the faces at `indices` of a packed array into a new packed array. */
function packFaces(pixels: Uint8Array, indices: readonly number[]): Uint8Array {
  const packed = new Uint8Array(indices.length * FACE_BYTES);
  indices.forEach((from, to) => packed.set(pixels.subarray(from * FACE_BYTES, (from + 1) * FACE_BYTES), to * FACE_BYTES));
  return packed;
}

function applyLimit(set: FaceSet, split: Split, options: ResolvedOptions): FaceSet {
  if (options.limit === undefined || set.count <= options.limit) return set;
  return subsetFaces(set, stratifiedSample(set.labels, options.limit, options.seed, split));
}

function resolveOptions(options: LoadOptions): ResolvedOptions {
  const splits = options.splits ?? [...SPLITS];
  for (const split of splits) {
    if (!SPLITS.includes(split)) throw badArgument('splits', `a list of ${SPLITS.join(', ')}`, split);
  }
  const { limit, valFraction = LOAD_DEFAULTS.valFraction, testFraction = LOAD_DEFAULTS.testFraction, seed = LOAD_DEFAULTS.seed } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw badArgument('limit', 'a positive integer', limit);
  if (!(valFraction >= 0 && valFraction < 1)) throw badArgument('valFraction', 'a number from 0 to below 1', valFraction);
  if (!(testFraction >= 0 && testFraction < 1)) throw badArgument('testFraction', 'a number from 0 to below 1', testFraction);
  if (valFraction + testFraction >= 1) {
    throw badArgument('valFraction + testFraction', 'a sum below 1 (some faces must stay for training)', valFraction + testFraction);
  }
  if (!Number.isInteger(seed)) throw badArgument('seed', 'an integer', seed);
  return {
    splits,
    limit,
    skipBad: options.skipBad ?? LOAD_DEFAULTS.skipBad,
    valFraction,
    testFraction,
    seed,
    cacheDir: options.cacheDir,
    onProgress: options.onProgress,
  };
}
