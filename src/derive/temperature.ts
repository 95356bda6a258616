// `emoscope temperature`: a model's temperature fitted on held-out faces (PublicTest by default) by
// minimizing their negative log-likelihood, folded into its final layer and written as a new model
// folder, with the fit and the calibration error before and after in its emoscope.json.
import { DATA_SELECTION_KEYS, dataSelection, emptySplitError } from '../data/dataset.js';
import { initEngine } from '../engine/backend.js';
import { loadDataset } from '../data/load.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { DataSelection } from '../data/dataset.js';
import { badArgument } from '../errors.js';
import { expectedCalibrationError, ECE_BINS } from '../metrics/calibration-error.js';
import { applyTemperature, fitTemperature } from '../metrics/temperature.js';
import type { TemperatureFit } from '../metrics/temperature.js';
import { round4 } from '../metrics/format.js';
import { checkModelFolderOutput, loadModelFolder, saveDerivedModel } from '../model/folder.js';
import { predictProbabilities } from '../model/inference.js';
import { divideLogits } from '../model/temperature.js';
import { resolveModelDir } from '../runs/locate.js';
import { EMOTIONS } from '../types.js';
import type { Split } from '../types.js';

export interface TemperatureOptions extends DataSelection {
  /** model folder or run folder; default: the shipped model */
  model?: string;
  data: string;
  /** the folder to write the scaled model to */
  out: string;
  /** the faces the temperature is fitted on (default val: never the test split you report on) */
  split?: Exclude<Split, 'test'>;
}

export interface TemperatureResult extends TemperatureFit {
  /** expected calibration error (15 bins) on the fitting faces, before and after */
  eceBefore: number;
  eceAfter: number;
  faces: number;
  modelDir: string;
  out: string;
}

const TEMPERATURE_OPTION_KEYS = [...optionKeys<Omit<TemperatureOptions, keyof DataSelection>>({ model: true, data: true, out: true, split: true }), ...DATA_SELECTION_KEYS];

/**
 * Fits a temperature on a split, divides the model's final layer by it and saves the result to `out`.
 * @example
 *   await temperatureScaleModel({ data: 'fer2013/', out: 'models/scaled' })
 *   // { temperature: 0.8…, nllBefore: …, nllAfter: …, eceBefore: …, eceAfter: …, faces: 3589, … }
 */
export async function temperatureScaleModel(options: TemperatureOptions): Promise<TemperatureResult> {
  checkOptionKeys(options, TEMPERATURE_OPTION_KEYS, 'temperatureScaleModel', 'data and out');
  const split = options.split ?? 'val';
  if (split !== 'val' && split !== 'train') throw badArgument('split', 'val or train (the test split is for reporting)', split);
  await initEngine();
  const modelDir = await resolveModelDir(options.model);
  await checkModelFolderOutput(options.out, [modelDir]); // before any work
  const loaded = await loadModelFolder(modelDir);
  try {
    const dataset = await loadDataset(options.data, { splits: [split], ...dataSelection(options) });
    const faces = dataset.splits[split];
    if (faces.count === 0) throw emptySplitError(options.data, split);
    const k = EMOTIONS.length;
    const probabilities = predictProbabilities(loaded.model, faces, loaded.meta.preprocessing);
    const fit = fitTemperature(probabilities, faces.labels, k);
    const eceBefore = expectedCalibrationError(probabilities, faces.labels, k);
    const eceAfter = expectedCalibrationError(applyTemperature(probabilities, k, fit.temperature), faces.labels, k);
    divideLogits(loaded.model, fit.temperature);
    const temperature = {
      data: options.data,
      split,
      faces: faces.count,
      temperature: round4(fit.temperature),
      nll: { before: round4(fit.nllBefore), after: round4(fit.nllAfter) },
      ece: { bins: ECE_BINS, before: round4(eceBefore), after: round4(eceAfter) },
    };
    await saveDerivedModel(options.out, loaded.model, loaded.meta, { temperature, temperatureFrom: modelDir }, { inputs: [modelDir] });
    return { ...fit, eceBefore, eceAfter, faces: faces.count, modelDir, out: options.out };
  } finally {
    loaded.model.dispose();
  }
}
