// The in-memory shape of a data set: faces packed into typed arrays (one byte per gray value), split
// into train/val/test, plus the bad inputs that were skipped on the way in.
import { optionKeys } from '../util/option-keys.js';
import { EMOTIONS, FACE_SIZE, SPLITS, type Split } from '../types.js';
import { EmoscopeError } from '../errors.js';
import { printable } from '../util/printable.js';
import type { PassedOver } from '../util/passed-over.js';
import { USAGE_SPLITS } from './fer2013.js';
import type { Usage } from './fer2013.js';

/** Bytes of one face: FACE_SIZE × FACE_SIZE gray values. */
export const FACE_BYTES = FACE_SIZE * FACE_SIZE;

/**
 * Faces packed face after face. 35,887 FER2013 faces take 83 MB here; as arrays of JS numbers they
 * would take eight times that.
 */
export interface FaceSet {
  /** count × 48 × 48 gray values 0..255, row-major, face after face. */
  pixels: Uint8Array;
  /** count labels, each an index into EMOTIONS. */
  labels: Uint8Array;
  count: number;
  /** Per face where it came from: the image file path, or `fer2013.csv:<line>`. */
  origins: string[];
}

/** How the data set is stored on disk. */
export type DataFormat = 'fer2013-csv' | 'fer2013-folders' | 'class-folders';

/** An input that could not be used: `where` is `file.csv:12` or a file path, `problem` says what was wrong. */
export interface BadInput {
  where: string;
  problem: string;
}

/** A loaded data set: every split is present (empty when not loaded or when it has no faces). */
export interface Dataset {
  format: DataFormat;
  /** The path it was loaded from, as given. */
  source: string;
  splits: Record<Split, FaceSet>;
  /** Bad inputs skipped with `skipBad`; empty otherwise (without `skipBad` the first one throws). */
  skipped: BadInput[];
  /**
   * Image folders: the entries of the folders not taken, each with why (hidden, a file without an
   * image extension, a broken symbolic link, a FIFO…; util/passed-over.ts); empty for a CSV.
   */
  passedOver: PassedOver[];
}

/** Options of `loadDataset`. */
export interface LoadOptions {
  /** Only load these splits (default all three); the others are empty. */
  splits?: Split[];
  /** At most this many faces per split, every class of the split kept, sampled with `seed`. */
  limit?: number;
  /** Skip bad rows and images and list them in `Dataset.skipped` instead of stopping at the first. */
  skipBad?: boolean;
  /** class-folders only: the fraction of each class held out for validation (default 0.1). */
  valFraction?: number;
  /** class-folders only: the fraction of each class held out for testing (default 0.1). */
  testFraction?: number;
  /** Seed of the class-folders split and of the `limit` sample (default 42). */
  seed?: number;
  /**
   * Called as work progresses: for image folders `done`/`total` count images, for a CSV they count
   * bytes read (the number of rows is not known before the end).
   */
  onProgress?: (done: number, total: number) => void;
  /**
   * Folder of the on-disk cache of decoded images, which makes the second load of FER2013's folders
   * ~10× faster. Default: the user's cache dir (`defaultCacheDir`), used when at least 1,000 images
   * are read; a folder given here is always used; `false` decodes every image every time.
   */
  cacheDir?: string | false;
}

/** The names of `LoadOptions`, checked at run time (util/option-keys.ts). */
export const LOAD_OPTION_KEYS = optionKeys<LoadOptions>({ splits: true, limit: true, skipBad: true, valFraction: true, testFraction: true, seed: true, onProgress: true, cacheDir: true });

/** The options that choose which faces a data set gives (as opposed to how it is read). */
export type DataSelection = Pick<LoadOptions, 'limit' | 'skipBad' | 'valFraction' | 'testFraction' | 'seed'>;

/** The names of `DataSelection`, for the options types that extend it. */
export const DATA_SELECTION_KEYS = optionKeys<DataSelection>({ limit: true, skipBad: true, valFraction: true, testFraction: true, seed: true });

/** Just the data-selection fields of a wider options object, to pass on to `loadDataset`. */
export function dataSelection(options: DataSelection): DataSelection {
  const { limit, skipBad, valFraction, testFraction, seed } = options;
  return { limit, skipBad, valFraction, testFraction, seed };
}

/** An empty set of faces. */
export function emptyFaceSet(): FaceSet {
  return { pixels: new Uint8Array(0), labels: new Uint8Array(0), count: 0, origins: [] };
}

/** All three splits, each empty. */
export function emptySplits(): Record<Split, FaceSet> {
  return Object.fromEntries(SPLITS.map((split) => [split, emptyFaceSet()])) as Record<Split, FaceSet>;
}

/** Number of faces per class, indexed like EMOTIONS. */
export function classCounts(set: FaceSet): number[] {
  const counts = new Array<number>(EMOTIONS.length).fill(0);
  for (let i = 0; i < set.count; i++) counts[set.labels[i]]++;
  return counts;
}

/** The gray values of face `index` (a view into `set.pixels`, not a copy). */
export function facePixels(set: FaceSet, index: number): Uint8Array {
  return set.pixels.subarray(index * FACE_BYTES, (index + 1) * FACE_BYTES);
}

/** A new set holding copies of the faces at `indices`, in that order. */
export function subsetFaces(set: FaceSet, indices: ArrayLike<number>): FaceSet {
  const count = indices.length;
  const pixels = new Uint8Array(count * FACE_BYTES);
  const labels = new Uint8Array(count);
  const origins = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const from = indices[i];
    if (!Number.isInteger(from) || from < 0 || from >= set.count) {
      throw new RangeError(`subsetFaces: expected indices in 0..${set.count - 1} but received ${from}`);
    }
    pixels.set(facePixels(set, from), i * FACE_BYTES);
    labels[i] = set.labels[from];
    origins[i] = set.origins[from];
  }
  return { pixels, labels, count, origins };
}

/**
 * Collects faces one at a time into typed arrays that grow by doubling, so that a reader that does
 * not know the final count (a streamed CSV) never holds faces as JS arrays.
 */
export class FaceSetBuilder {
  private pixels: Uint8Array;
  private labels: Uint8Array;
  private readonly origins: string[] = [];
  count = 0;

  constructor(expected = 1024) {
    const capacity = Math.max(1, Math.ceil(expected));
    this.pixels = new Uint8Array(capacity * FACE_BYTES);
    this.labels = new Uint8Array(capacity);
  }

  /** The 2,304 bytes where the next face goes; fill them, then call `commit`. */
  next(): Uint8Array {
    if (this.count === this.labels.length) this.grow();
    return this.pixels.subarray(this.count * FACE_BYTES, (this.count + 1) * FACE_BYTES);
  }

  /** Keeps the face written into `next()` with its label and origin. */
  commit(label: number, origin: string): void {
    this.labels[this.count] = label;
    this.origins.push(origin);
    this.count++;
  }

  /** The faces collected so far, trimmed to size. */
  build(): FaceSet {
    return {
      pixels: this.pixels.slice(0, this.count * FACE_BYTES),
      labels: this.labels.slice(0, this.count),
      count: this.count,
      origins: this.origins.slice(),
    };
  }

  private grow(): void {
    const capacity = this.labels.length * 2;
    const pixels = new Uint8Array(capacity * FACE_BYTES);
    pixels.set(this.pixels);
    const labels = new Uint8Array(capacity);
    labels.set(this.labels);
    this.pixels = pixels;
    this.labels = labels;
  }
}

/**
 * The error for a split with no faces: names the data set, the split and where its faces would
 * come from (`val` is FER2013's PublicTest), e.g. a CSV with only a header.
 */
export function emptySplitError(data: string, split: string): EmoscopeError {
  const usage = (Object.keys(USAGE_SPLITS) as Usage[]).find((u) => USAGE_SPLITS[u] === split);
  const from = usage === undefined ? '' : ` (FER2013's ${usage} rows or files, or a ${split} folder, or faces drawn by the split fractions)`;
  return new EmoscopeError('BAD_DATA', `${printable(data)}: no faces in the ${split} split${from}; choose another --split or other data`);
}

