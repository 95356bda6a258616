// The weight files a TF.js `model.json` names in its weightsManifest, read safely: every path must
// stay inside the model's folder and be a regular file, and each group of files must hold exactly
// the bytes its weights' shapes and dtypes take. Used by layers models (model/folder.ts) and graph
// models (the face detector) alike.
import { basename } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { EmoscopeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { MAX_WEIGHTS_BYTES, checkFolderFile, readFolderFile } from '../util/folder-files.js';
import { printable } from '../util/printable.js';

/** Bytes per value of each stored dtype (quantized weights are stored in their quantization dtype). */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

/**
 * Bytes the weights of `specs` take on disk, or undefined when a dtype's size is not fixed (strings).
 * Throws a `code` error naming `where` for a shape that is not a list of whole numbers.
 */
export function manifestBytes(specs: readonly tf.io.WeightsManifestEntry[], where: string, code: ErrorCode = 'BAD_MODEL'): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const shape = spec.shape as unknown;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
      throw new EmoscopeError(code, `${printable(where)}: weight ${printable(String(spec.name))} has shape ${printable(JSON.stringify(shape))}, expected a list of whole numbers`);
    }
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const bytes = typeof dtype === 'string' && Object.hasOwn(DTYPE_BYTES, dtype) ? DTYPE_BYTES[dtype] : undefined; // own names only: `constructor` is no dtype
    if (bytes === undefined) return undefined;
    total += (shape as number[]).reduce((a, b) => a * b, 1) * bytes;
  }
  return total;
}

/**
 * Reads the weight files of `manifest` (paths relative to `dir`) into one buffer, with the specs in
 * the same order. `modelJson` names the manifest's file in errors; `code` is the error of a bad file.
 */
export async function readManifestWeights(
  dir: string,
  manifest: unknown,
  modelJson: string,
  code: ErrorCode = 'BAD_MODEL',
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer }> {
  if (!Array.isArray(manifest)) throw new EmoscopeError(code, `${printable(modelJson)}: expected "weightsManifest" to be a list of {paths, weights}`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Buffer[] = [];
  for (const group of manifest as tf.io.WeightsManifestConfig) {
    if (typeof group !== 'object' || group === null || !Array.isArray(group.paths) || !Array.isArray(group.weights) || group.paths.some((p: unknown) => typeof p !== 'string')) {
      throw new EmoscopeError(code, `${printable(modelJson)}: expected each "weightsManifest" entry to be {paths: [file…], weights: […]}`);
    }
    const expected = manifestBytes(group.weights, modelJson, code);
    // Check every file of the group (inside the folder, regular) and their total size before reading any.
    const source = `the shapes and dtypes in ${basename(modelJson)}`;
    const limits = {
      code,
      maxBytes: expected ?? MAX_WEIGHTS_BYTES,
      exactBytes: expected !== undefined && group.paths.length === 1 ? { bytes: expected, source } : undefined,
    };
    const files = [];
    for (const path of group.paths) files.push(await checkFolderFile(dir, path, limits));
    const size = files.reduce((a, f) => a + f.size, 0);
    if (expected !== undefined && size !== expected) {
      const names = group.paths.map((p: string) => printable(p)).join(', ');
      throw new EmoscopeError(code, `${printable(dir)}: expected ${names} to hold ${expected} bytes (${source}) but ${group.paths.length === 1 ? 'the file has' : 'they have'} ${size}`);
    }
    for (const path of group.paths) parts.push(await readFolderFile(dir, path, limits));
    specs.push(...group.weights);
  }
  const data = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { specs, data: data.buffer };
}
