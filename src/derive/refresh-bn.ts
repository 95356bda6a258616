// `emoscope refresh-bn`: a model's batch normalization statistics re-estimated on the training faces
// without augmentation (model/batch-norm-refresh.ts), measured on validation faces before and after,
// written as a new model folder with what was done in its emoscope.json.
import { initEngine } from '../engine/backend.js';
import { loadDataset } from '../data/load.js';
import { DATA_SELECTION_KEYS, dataSelection } from '../data/dataset.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { DataSelection } from '../data/dataset.js';
import { EmoscopeError, badArgument } from '../errors.js';
import { refreshBatchNorm } from '../model/batch-norm-refresh.js';
import { checkModelFolderOutput, loadModelFolder, saveDerivedModel } from '../model/folder.js';
import { resolveModelDir } from '../runs/locate.js';
import { evaluateLoaded } from '../evaluate/evaluate-model.js';
import { round4 } from '../metrics/format.js';

export interface RefreshModelOptions extends DataSelection {
  /** model folder or run folder; default: the shipped model */
  model?: string;
  /** the data set whose training faces the statistics are estimated on */
  data: string;
  /** the folder to write the refreshed model to */
  out: string;
  /** faces per batch (default 256) */
  batchSize?: number;
}

export interface RefreshModelResult {
  modelDir: string;
  out: string;
  /** training faces the statistics were estimated on */
  faces: number;
  layers: number;
  batches: number;
  /** accuracy on the validation faces before and after (null when the data set has none) */
  val: { faces: number; before: number; after: number } | null;
}

const REFRESH_MODEL_OPTION_KEYS = [...optionKeys<Omit<RefreshModelOptions, keyof DataSelection>>({ model: true, data: true, out: true, batchSize: true }), ...DATA_SELECTION_KEYS];

/** Re-estimates the batch normalization statistics of a model on a data set's training faces and saves the result to `out`. */
export async function refreshModelBatchNorm(options: RefreshModelOptions): Promise<RefreshModelResult> {
  checkOptionKeys(options, REFRESH_MODEL_OPTION_KEYS, 'refreshModelBatchNorm', 'data and out');
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 2) throw badArgument('batchSize', 'a whole number of at least 2', batchSize);
  await initEngine();
  const modelDir = await resolveModelDir(options.model);
  await checkModelFolderOutput(options.out, [modelDir]); // before any work
  const loaded = await loadModelFolder(modelDir);
  try {
    const dataset = await loadDataset(options.data, { splits: ['train', 'val'], ...dataSelection(options) });
    const { train, val } = dataset.splits;
    if (train.count === 0) throw badArgument('data', `a data set with training faces`, `${options.data} (0 training faces)`);
    const before = val.count > 0 ? evaluateLoaded(loaded, val).report.accuracy : null;
    const { layers, batches } = refreshBatchNorm(loaded.model, train, loaded.meta.preprocessing, { batchSize, seed: options.seed });
    if (layers === 0) throw new EmoscopeError('BAD_MODEL', `${modelDir} (${loaded.meta.architecture}) has no batch normalization layers: there is nothing to refresh`);
    const after = val.count > 0 ? evaluateLoaded(loaded, val).report.accuracy : null;
    const valScores = before === null || after === null ? null : { faces: val.count, before: round4(before), after: round4(after) };
    const batchNormRefresh = { data: options.data, split: 'train', faces: train.count, batchSize, layers, batches, val: valScores };
    await saveDerivedModel(options.out, loaded.model, loaded.meta, { batchNormRefresh, refreshedFrom: modelDir }, { inputs: [modelDir] });
    return { modelDir, out: options.out, faces: train.count, layers, batches, val: valScores };
  } finally {
    loaded.model.dispose();
  }
}
