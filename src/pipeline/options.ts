// The settings of the face pipeline that Node's recognizer and the browser's share: their defaults,
// written once, and their checks (each error names the option, what was expected and what came).
import { badArgument } from '../errors.js';
import { TTA_MODES } from '../model/inference.js';
import type { Tta } from '../model/inference.js';
import { DEFAULT_FACE_MARGIN } from '../vision/face-region.js';

/**
 * Photos are decoded to at most this many pixels on the longer side. BlazeFace sees the photo at
 * 256 px, so its faces are at least ~1/20 of this side (≥ 200 px), plenty for a 48-px crop, while
 * a 200-megapixel photo does not take 600 MB.
 */
export const WORKING_MAX_SIDE = 4096;

/** What changes which faces are found and how they are scored, on any platform. */
export interface PipelineOptions {
  /** keep faces the detector scores at least this (0..1) */
  minFaceScore: number;
  /** keep only the largest face of each photo */
  largestFace: boolean;
  /** also search overlapping tiles, for crowds of small faces (about 4× slower, more false faces) */
  tiles: boolean;
  /** second check of each detection: landmarks where a face's are, not tiny (src/vision/face-check.ts) */
  faceCheck: boolean;
  /** margin around the detector's box when cropping a face, as a fraction of the box side */
  margin: number;
  /** turn each face crop so that its eyes are level (the detector's eye landmarks) */
  align: boolean;
  /** test-time augmentation of the classifier: none, flip (face + mirror) or crops (10 views) */
  tta: Tta;
  /** faces per classifier call */
  batchSize: number;
}

/**
 * Defaults. `minFaceScore` 0.35 was chosen on the 65 deepface photos (models/detector/README.md):
 * every whole face there that Human or face-api finds, and blurred background faces from about 0.35,
 * with fewer false faces than Human's 0.2. `align` is on by a rule fixed before measuring (1,200
 * PublicTest faces through BlazeFace, `bench:ood --align --turned 15,30`): upright 0.569 → 0.568,
 * turned 15° 0.521 → 0.538, turned 30° 0.458 → 0.483, labelled photo faces 55 → 56 of 71.
 */
export const PIPELINE_DEFAULTS: PipelineOptions = {
  minFaceScore: 0.35,
  largestFace: false,
  tiles: false,
  faceCheck: true,
  margin: DEFAULT_FACE_MARGIN,
  align: true,
  tta: 'none',
  batchSize: 32,
};

/** Checks every pipeline setting of `o` (already merged over the defaults). */
export function checkPipelineOptions(o: PipelineOptions): void {
  if (typeof o.minFaceScore !== 'number' || !(o.minFaceScore >= 0 && o.minFaceScore <= 1)) {
    throw badArgument('minFaceScore', 'a number between 0 and 1', o.minFaceScore);
  }
  if (typeof o.largestFace !== 'boolean') throw badArgument('largestFace', 'true or false', o.largestFace);
  if (typeof o.tiles !== 'boolean') throw badArgument('tiles', 'true or false', o.tiles);
  if (typeof o.faceCheck !== 'boolean') throw badArgument('faceCheck', 'true or false', o.faceCheck);
  if (typeof o.margin !== 'number' || !(o.margin >= 0 && o.margin <= 1)) throw badArgument('margin', 'a number between 0 and 1', o.margin);
  if (typeof o.align !== 'boolean') throw badArgument('align', 'true or false', o.align);
  if (!TTA_MODES.includes(o.tta)) throw badArgument('tta', `one of ${TTA_MODES.join(', ')}`, o.tta);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw badArgument('batchSize', 'a positive integer', o.batchSize);
}

/**
 * `options` merged over `defaults`, unknown keys refused (the error lists the known ones); values are
 * checked by the caller.
 */
export function mergeOptions<T extends object>(defaults: T, options: Partial<T> | undefined): T {
  if (options === undefined) return { ...defaults };
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw badArgument('options', 'an options object', options);
  const known = new Set(Object.keys(defaults));
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw badArgument('options', `one of ${[...known].join(', ')}`, key);
  }
  const o = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (o as Record<string, unknown>)[key] = value;
  }
  return o;
}
