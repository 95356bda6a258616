// The recognizer's settings: one typed defaults object, user overrides merged on top and checked,
// each error saying which option, what was expected and what was received.
import { badArgument } from '../errors.js';
import { DEFAULT_MAX_PIXELS } from '../vision/image.js';
import { DEFAULT_FACE_MARGIN } from '../vision/face-crop.js';
import { DETECTORS, DEFAULT_DETECTOR } from '../vision/detectors.js';
import type { DetectorName } from '../vision/detector.js';
import { TTA_MODES } from '../model/inference.js';
import type { Tta } from '../model/inference.js';

export interface RecognizerOptions {
  /** model folder (or a training run folder, whose best/ is used); default: the shipped models/default */
  model?: string;
  /** face detector from the registry in src/vision/detectors.ts */
  detector?: DetectorName;
  /** keep faces the detector scores at least this (0..1) */
  minFaceScore?: number;
  /** keep only the largest face of each photo */
  largestFace?: boolean;
  /** also search overlapping tiles, for crowds of small faces (about 4× slower, more false faces) */
  tiles?: boolean;
  /** second check of each detection: landmarks where a face's are, not tiny (src/vision/face-check.ts) */
  faceCheck?: boolean;
  /** margin around the detector's box when cropping a face, as a fraction of the box side */
  margin?: number;
  /** refuse photos with more pixels than this (decompression bombs) */
  maxPixels?: number;
  /** test-time augmentation of the classifier: none, flip (face + mirror) or crops (10 views) */
  tta?: Tta;
  /** faces per classifier call */
  batchSize?: number;
}

export type ResolvedRecognizerOptions = Required<Omit<RecognizerOptions, 'model'>> & { model: string | undefined };

/**
 * Defaults. `minFaceScore` 0.35 was chosen on the 65 deepface photos (models/detector/README.md):
 * every whole face there that Human or face-api finds, and blurred background faces from about 0.35,
 * with fewer false faces than Human's 0.2.
 */
export const DEFAULT_RECOGNIZER_OPTIONS: ResolvedRecognizerOptions = {
  model: undefined,
  detector: DEFAULT_DETECTOR,
  minFaceScore: 0.35,
  largestFace: false,
  tiles: false,
  faceCheck: true,
  margin: DEFAULT_FACE_MARGIN,
  maxPixels: DEFAULT_MAX_PIXELS,
  tta: 'none',
  batchSize: 32,
};

/** Merges `options` over the defaults and checks every value. */
export function resolveRecognizerOptions(options: RecognizerOptions = {}): ResolvedRecognizerOptions {
  if (typeof options !== 'object' || options === null) throw badArgument('options', 'an object', options);
  const known = new Set(Object.keys(DEFAULT_RECOGNIZER_OPTIONS));
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw badArgument('options', `one of ${[...known].join(', ')}`, key);
  }
  const o: ResolvedRecognizerOptions = { ...DEFAULT_RECOGNIZER_OPTIONS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (o as Record<string, unknown>)[key] = value;
  }
  if (o.model !== undefined && (typeof o.model !== 'string' || o.model === '')) throw badArgument('model', 'a folder path', o.model);
  if (!(o.detector in DETECTORS)) throw badArgument('detector', `one of ${Object.keys(DETECTORS).join(', ')}`, o.detector);
  if (typeof o.minFaceScore !== 'number' || !(o.minFaceScore >= 0 && o.minFaceScore <= 1)) {
    throw badArgument('minFaceScore', 'a number between 0 and 1', o.minFaceScore);
  }
  if (typeof o.largestFace !== 'boolean') throw badArgument('largestFace', 'true or false', o.largestFace);
  if (typeof o.tiles !== 'boolean') throw badArgument('tiles', 'true or false', o.tiles);
  if (typeof o.faceCheck !== 'boolean') throw badArgument('faceCheck', 'true or false', o.faceCheck);
  if (typeof o.margin !== 'number' || !(o.margin >= 0 && o.margin <= 1)) throw badArgument('margin', 'a number between 0 and 1', o.margin);
  if (!Number.isInteger(o.maxPixels) || o.maxPixels < 1) throw badArgument('maxPixels', 'a positive integer', o.maxPixels);
  if (!TTA_MODES.includes(o.tta)) throw badArgument('tta', `one of ${TTA_MODES.join(', ')}`, o.tta);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw badArgument('batchSize', 'a positive integer', o.batchSize);
  return o;
}
