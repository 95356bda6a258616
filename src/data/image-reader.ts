// Decodes the images of a folder data set into one packed array, a few files in flight at a time,
// through the on-disk cache when there is one. Reports a file that cannot be read or decoded by name.
import { readFile, stat } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import { FACE_BYTES, type BadInput } from './dataset.js';
import { decodeFace, type FaceDecoder } from './decode-face.js';
import type { FaceCache } from './face-cache.js';
import type { ImageEntry } from './folder-scan.js';

/** Options of `readImages`. */
export interface ImageReadOptions {
  skipBad: boolean;
  cache?: FaceCache;
  decoder?: FaceDecoder;
  /** Files read at once: enough to keep the disk and sharp's threads busy while jpeg-js decodes. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The faces of `readImages`: face i belongs to image i when `ok[i]` is 1. */
export interface ImageReadResult {
  pixels: Uint8Array;
  ok: Uint8Array;
  skipped: BadInput[];
}

/** Progress is reported every this many images (and at the end), not after each. */
const PROGRESS_EVERY = 256;

/** Decodes `images` in order into `pixels` (2,304 bytes each). */
export async function readImages(images: readonly ImageEntry[], options: ImageReadOptions): Promise<ImageReadResult> {
  const { cache, decoder = 'auto', concurrency = 16 } = options;
  const total = images.length;
  const pixels = new Uint8Array(total * FACE_BYTES);
  const ok = new Uint8Array(total);
  const skipped: { index: number; bad: BadInput }[] = [];
  let next = 0;
  let done = 0;
  let failure: EmoscopeError | undefined;

  const readOne = async (index: number): Promise<void> => {
    const image = images[index];
    const out = pixels.subarray(index * FACE_BYTES, (index + 1) * FACE_BYTES);
    let data: Buffer;
    let mtimeMs = 0;
    let size = 0;
    try {
      if (cache !== undefined) {
        ({ mtimeMs, size } = await stat(image.path));
        if (cache.get(image.relativePath, mtimeMs, size, out)) {
          ok[index] = 1;
          return;
        }
      }
      data = await readFile(image.path);
    } catch (error) {
      reject(index, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return;
    }
    try {
      await decodeFace(data, out, decoder);
    } catch (error) {
      reject(index, `cannot decode the image (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    ok[index] = 1;
    cache?.put(image.relativePath, mtimeMs, size, out);
  };

  const reject = (index: number, problem: string): void => {
    const where = images[index].path;
    if (!options.skipBad) {
      failure ??= new EmoscopeError('BAD_DATA', `${where}: ${problem}`);
      return;
    }
    skipped.push({ index, bad: { where, problem } });
  };

  const worker = async (): Promise<void> => {
    while (next < total && failure === undefined) {
      await readOne(next++);
      done++;
      if (done % PROGRESS_EVERY === 0) options.onProgress?.(done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (failure !== undefined) throw failure;
  options.onProgress?.(total, total);
  // Files finish out of order; list the skipped ones in path order like everything else.
  return { pixels, ok, skipped: skipped.sort((a, b) => a.index - b.index).map((entry) => entry.bad) };
}
