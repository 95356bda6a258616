// Evaluating a trained model on a split of a data set: predictions in inference mode, then the
// pure metrics of src/metrics/.
import { DATA_SELECTION_KEYS, dataSelection, emptySplitError } from '../data/dataset.js';
import { initEngine } from '../engine/backend.js';
import { loadDataset } from '../data/load.js';
import type { BadInput, DataSelection, Dataset, FaceSet } from '../data/dataset.js';
import type { PassedOver } from '../util/passed-over.js';
import { SPLITS } from '../types.js';
import type { Split } from '../types.js';
import { EMOTIONS } from '../types.js';
import { EmoscopeError, badArgument } from '../errors.js';
import { printable } from '../util/printable.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { readVotes, relabelByMajority } from '../data/votes.js';
import type { Relabelled } from '../data/votes.js';
import { binsCalibrationError, reliabilityBins } from '../metrics/calibration-error.js';
import { evaluatePredictions } from '../metrics/metrics.js';
import type { EvaluationReport } from '../metrics/metrics.js';
import { loadModelFolder } from '../model/folder.js';
import type { LoadedModel } from '../model/folder.js';
import { resolveModelDir } from '../runs/locate.js';
import { argmaxRows, predictProbabilities } from '../model/inference.js';
import type { Tta } from '../model/inference.js';

export type EvaluateSplit = Split | 'all';

export interface EvaluateOptions extends DataSelection {
  /** a model folder or run folder; default: the shipped model */
  model?: string;
  /** a data set path (see loadDataset) */
  data: string;
  /** default: test */
  split?: EvaluateSplit;
  batchSize?: number;
  /** test-time augmentation (default none: one forward pass per face) */
  tta?: Tta;
  /** a votes CSV (FER+'s): each face is relabelled by its majority vote, faces without one left out */
  labels?: string;
}

const EVALUATE_OPTION_KEYS = [...optionKeys<Omit<EvaluateOptions, keyof DataSelection>>({ model: true, data: true, split: true, batchSize: true, tta: true, labels: true }), ...DATA_SELECTION_KEYS];

export interface EvaluateResult {
  report: EvaluationReport;
  /** the model folder evaluated */
  modelDir: string;
  split: EvaluateSplit;
  /** per face: softmax probabilities (rows of 7), useful for reports */
  probabilities: Float32Array;
  faces: FaceSet;
  /** with `labels`: how many faces kept their place, changed label, or were left out (and why) */
  relabelled?: Omit<Relabelled, 'faces'> & { file: string };
  /** with `skipBad`: the rows and images left out, each with where it is and what is wrong */
  skipped: BadInput[];
  /** image folders: the entries not taken (hidden, not an image, broken links…), each with why; empty for a CSV */
  passedOver: PassedOver[];
}

/** Loads a model and a data set and evaluates the model on one split (or all of them). */
export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  checkOptionKeys(options, EVALUATE_OPTION_KEYS, 'evaluate', 'data');
  const split = options.split ?? 'test';
  if (split !== 'all' && !SPLITS.includes(split)) throw badArgument('split', 'one of test, val, train, all', split);
  await initEngine();
  const modelDir = await resolveModelDir(options.model);
  const loaded = await loadModelFolder(modelDir);
  try {
    const dataset = await loadDataset(options.data, {
      splits: split === 'all' ? [...SPLITS] : [split],
      ...dataSelection(options),
    });
    const loadedFaces = split === 'all' ? concatSplits(dataset) : dataset.splits[split];
    if (loadedFaces.count === 0) {
      throw emptySplitError(options.data, split);
    }
    const { skipped, passedOver } = dataset;
    if (!options.labels) return { ...evaluateLoaded(loaded, loadedFaces, options.batchSize, options.tta), modelDir, split, faces: loadedFaces, skipped, passedOver };
    const { faces, ...counts } = relabelByMajority(await readVotes(options.labels), loadedFaces);
    if (faces.count === 0) {
      throw new EmoscopeError('BAD_DATA', `Labels ${printable(options.labels)}: not one of the ${loadedFaces.count} faces of ${split} has a majority vote there (faces are matched by file name without extension, or by fer2013.csv row)`);
    }
    return { ...evaluateLoaded(loaded, faces, options.batchSize, options.tta), modelDir, split, faces, relabelled: { file: options.labels, ...counts }, skipped, passedOver };
  } finally {
    loaded.model.dispose();
  }
}

/** Evaluates an already loaded model on faces. */
export function evaluateLoaded(loaded: LoadedModel, faces: FaceSet, batchSize = 256, tta: Tta = 'none'): { report: EvaluationReport; probabilities: Float32Array } {
  const probabilities = predictProbabilities(loaded.model, faces, loaded.meta.preprocessing, batchSize, tta);
  const predicted = argmaxRows(probabilities, EMOTIONS.length);
  const reliability = reliabilityBins(probabilities, faces.labels, EMOTIONS.length);
  const report = { ...evaluatePredictions(faces.labels, predicted), ece: binsCalibrationError(reliability), reliability };
  return { report, probabilities };
}

function concatSplits(dataset: Dataset): FaceSet {
  const sets = SPLITS.map((s) => dataset.splits[s]);
  const count = sets.reduce((a, s) => a + s.count, 0);
  const pixels = new Uint8Array(sets.reduce((a, s) => a + s.pixels.length, 0));
  const labels = new Uint8Array(count);
  let p = 0;
  let l = 0;
  for (const s of sets) {
    pixels.set(s.pixels, p);
    labels.set(s.labels, l);
    p += s.pixels.length;
    l += s.count;
  }
  return { pixels, labels, count, origins: sets.flatMap((s) => s.origins) };
}
