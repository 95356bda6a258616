// `emoscope float16`: a model folder with its weights stored as 16-bit floats (model/float16-weights.ts):
// half the bytes to install and for the web page to download, the same network. With data, the
// saved model is loaded back and compared with the original on those faces: accuracy before and
// after, faces whose top emotion changed, the largest change of any probability.
import { DATA_SELECTION_KEYS, dataSelection, emptySplitError } from '../data/dataset.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { initEngine } from '../engine/backend.js';
import { loadDataset } from '../data/load.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { DataSelection } from '../data/dataset.js';
import { badArgument } from '../errors.js';
import { round4 } from '../metrics/format.js';
import { WEIGHTS_BIN, checkModelFolderOutput, loadModelFolder, saveDerivedModel } from '../model/folder.js';
import { argmaxRows, countParameters, predictProbabilities } from '../model/inference.js';
import { resolveModelDir } from '../runs/locate.js';
import { EMOTIONS } from '../types.js';
import type { Split } from '../types.js';

export interface Float16Options extends DataSelection {
  /** model folder or run folder; default: the shipped model */
  model?: string;
  /** the folder to write the float16 model to */
  out: string;
  /** a data set to compare the two models on (optional) */
  data?: string;
  /** its split (default val) */
  split?: Split;
}

/** The float16 model against the original on the faces of a split. */
export interface Float16Check {
  split: Split;
  faces: number;
  accuracyBefore: number;
  accuracyAfter: number;
  /** faces whose most probable emotion is not the same */
  topChanged: number;
  /** the largest difference of one emotion's probability on one face */
  largestChange: number;
}

export interface Float16Result {
  modelDir: string;
  out: string;
  /** bytes of the input model's weights file, and how it stores them (a float16 model given again: float16) */
  bytesBefore: number;
  precisionBefore: 'float32' | 'float16';
  /** bytes of the weights as written */
  bytesAfter: number;
  check: Float16Check | null;
}

const FLOAT16_OPTION_KEYS = [...optionKeys<Omit<Float16Options, keyof DataSelection>>({ model: true, out: true, data: true, split: true }), ...DATA_SELECTION_KEYS];

/**
 * Writes `model` to `out` with float16 weights; compares the two on `data` when given.
 * @example
 *   await float16Model({ out: 'models/small', data: 'fer2013/' })
 *   // { bytesBefore: 7068828, precisionBefore: 'float32', bytesAfter: 3534414, check: { faces: 3589, accuracyBefore: 0.6943, accuracyAfter: 0.6946, topChanged: 1, largestChange: 0.0025 }, … }
 */
export async function float16Model(options: Float16Options): Promise<Float16Result> {
  checkOptionKeys(options, FLOAT16_OPTION_KEYS, 'float16Model', 'out');
  const split = options.split ?? 'val';
  if (!['train', 'val', 'test'].includes(split)) throw badArgument('split', 'train, val or test', split);
  await initEngine();
  const modelDir = await resolveModelDir(options.model);
  await checkModelFolderOutput(options.out, [modelDir]); // before any work
  const loaded = await loadModelFolder(modelDir);
  try {
    const faces = options.data === undefined
      ? undefined
      : (await loadDataset(options.data, { splits: [split], ...dataSelection(options) })).splits[split];
    if (faces !== undefined && faces.count === 0) throw emptySplitError(options.data!, split);
    const before = faces && predictProbabilities(loaded.model, faces, loaded.meta.preprocessing);
    await saveDerivedModel(options.out, loaded.model, loaded.meta, { float16From: modelDir }, { precision: 'float16', inputs: [modelDir] });
    const bytesAfter = (await stat(join(options.out, WEIGHTS_BIN))).size;
    let check: Float16Check | null = null;
    if (faces && before) {
      const saved = await loadModelFolder(options.out);
      try {
        const after = predictProbabilities(saved.model, faces, saved.meta.preprocessing);
        check = compare(before, after, faces.labels, split);
      } finally {
        saved.model.dispose();
      }
    }
    const bytesBefore = (await stat(join(modelDir, WEIGHTS_BIN))).size;
    const precisionBefore = bytesBefore < countParameters(loaded.model) * 4 ? 'float16' : 'float32';
    return { modelDir, out: options.out, bytesBefore, precisionBefore, bytesAfter, check };
  } finally {
    loaded.model.dispose();
  }
}

function compare(before: Float32Array, after: Float32Array, labels: ArrayLike<number>, split: Split): Float16Check {
  const k = EMOTIONS.length;
  const [a, b] = [argmaxRows(before, k), argmaxRows(after, k)];
  let rightBefore = 0;
  let rightAfter = 0;
  let topChanged = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === labels[i]) rightBefore++;
    if (b[i] === labels[i]) rightAfter++;
    if (a[i] !== b[i]) topChanged++;
  }
  const largestChange = before.reduce((m, p, j) => Math.max(m, Math.abs(p - after[j]!)), 0);
  const faces = a.length;
  return { split, faces, accuracyBefore: round4(rightBefore / faces), accuracyAfter: round4(rightAfter / faces), topChanged, largestChange };
}
