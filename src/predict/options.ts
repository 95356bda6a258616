// The recognizer's settings: one typed defaults object, user overrides merged on top and checked,
// each error saying which option, what was expected and what was received.
import { badArgument } from '../errors.js';
import { DEFAULT_MAX_PIXELS } from '../vision/image.js';
import { DETECTORS, DEFAULT_DETECTOR } from '../vision/detectors.js';
import type { DetectorName } from '../vision/detector.js';
import type { Tta } from '../model/inference.js';
import { PIPELINE_DEFAULTS, checkPipelineOptions, mergeOptions } from '../pipeline/options.js';

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
  /** turn each face crop so that its eyes are level (the detector's eye landmarks) */
  align?: boolean;
  /** refuse photos with more pixels than this (decompression bombs) */
  maxPixels?: number;
  /** test-time augmentation of the classifier: none, flip (face + mirror) or crops (10 views) */
  tta?: Tta;
  /** faces per classifier call */
  batchSize?: number;
  /**
   * threads of the native convolution kernels on the thread that loads the recognizer (0 leaves
   * the setting alone). Default 1: decoding (sharp) runs beside them, and on a 2-core machine two
   * kernel threads fighting the decoder made `predict` 1.5× slower (26 against 39 photos/s) and two
   * batch workers on one machine 6× slower; run one recognizer (a worker) per core instead.
   */
  threads?: number;
}

export type ResolvedRecognizerOptions = Required<Omit<RecognizerOptions, 'model'>> & { model: string | undefined };

/** Defaults: the pipeline's (src/pipeline/options.ts, shared with the browser) and Node's own. */
export const DEFAULT_RECOGNIZER_OPTIONS: ResolvedRecognizerOptions = {
  model: undefined,
  detector: DEFAULT_DETECTOR,
  ...PIPELINE_DEFAULTS,
  maxPixels: DEFAULT_MAX_PIXELS,
  threads: 1,
};

/** Merges `options` over the defaults and checks every value. */
export function resolveRecognizerOptions(options: RecognizerOptions = {}): ResolvedRecognizerOptions {
  const o = mergeOptions(DEFAULT_RECOGNIZER_OPTIONS, options as Partial<ResolvedRecognizerOptions>);
  if (o.model !== undefined && (typeof o.model !== 'string' || o.model === '')) throw badArgument('model', 'a folder path', o.model);
  // own names only: `constructor` or `toString` are no detectors
  if (typeof o.detector !== 'string' || !Object.hasOwn(DETECTORS, o.detector)) throw badArgument('detector', `one of ${Object.keys(DETECTORS).join(', ')}`, o.detector);
  checkPipelineOptions(o);
  if (!Number.isInteger(o.maxPixels) || o.maxPixels < 1) throw badArgument('maxPixels', 'a positive integer', o.maxPixels);
  if (!Number.isInteger(o.threads) || o.threads < 0) throw badArgument('threads', 'a whole number, 0 to leave the setting alone', o.threads);
  return o;
}
