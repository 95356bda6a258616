// `emoscope calibrate`: a model's class offsets fitted on held-out faces (PublicTest by default) and
// folded into its final layer, written as a new model folder with what was done in its emoscope.json.
import { DATA_SELECTION_KEYS, classCounts, dataSelection, emptySplitError } from '../data/dataset.js';
import { initEngine } from '../engine/backend.js';
import { loadDataset } from '../data/load.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { DataSelection } from '../data/dataset.js';
import { EmoscopeError, badArgument } from '../errors.js';
import { crossCheckOffsets, fitClassOffsets } from '../metrics/calibrate.js';
import type { CalibrationFit, OffsetScore } from '../metrics/calibrate.js';
import { addClassOffsets } from '../model/class-offsets.js';
import { checkModelFolderOutput, loadModelFolder, saveDerivedModel } from '../model/folder.js';
import { resolveModelDir } from '../runs/locate.js';
import { predictProbabilities } from '../model/inference.js';
import { EMOTIONS } from '../types.js';
import { round4 } from '../metrics/format.js';
import type { Emotion, Split } from '../types.js';

export interface CalibrateOptions extends DataSelection {
  /** model folder or run folder; default: the shipped model */
  model?: string;
  data: string;
  /** the folder to write the calibrated model to */
  out: string;
  /** the faces the offsets are fitted on (default val: never the test split you report on) */
  split?: Exclude<Split, 'test'>;
  minRecall?: number;
  /** higher minimums for some classes, e.g. `{ disgust: 0.55 }` */
  classMinRecall?: Partial<Record<Emotion, number>>;
}

export interface CalibrateResult extends CalibrationFit {
  /** fitted on one half of the faces, measured on the other, both ways (null: too few faces per class) */
  crossCheck: { before: OffsetScore; after: OffsetScore } | null;
  modelDir: string;
  out: string;
  faces: number;
}

const CALIBRATE_OPTION_KEYS = [...optionKeys<Omit<CalibrateOptions, keyof DataSelection>>({ model: true, data: true, out: true, split: true, minRecall: true, classMinRecall: true }), ...DATA_SELECTION_KEYS];

/** Fits class offsets on a split, adds them to the model's final bias and saves the result to `out`. */
export async function calibrateModel(options: CalibrateOptions): Promise<CalibrateResult> {
  checkOptionKeys(options, CALIBRATE_OPTION_KEYS, 'calibrateModel', 'data and out');
  const split = options.split ?? 'val';
  if (split !== 'val' && split !== 'train') throw badArgument('split', 'val or train (the test split is for reporting)', split);
  const minRecall = options.minRecall ?? 0.4;
  if (!(minRecall >= 0 && minRecall < 1)) throw badArgument('minRecall', 'a number from 0 to below 1', minRecall);
  for (const [name, value] of Object.entries(options.classMinRecall ?? {})) {
    if (!EMOTIONS.includes(name as Emotion)) throw badArgument('classMinRecall', `one of ${EMOTIONS.join(', ')}`, name);
    if (!(value >= 0 && value < 1)) throw badArgument(`classMinRecall.${name}`, 'a number from 0 to below 1', value);
  }
  const floors = EMOTIONS.map((e) => options.classMinRecall?.[e] ?? minRecall);
  await initEngine();
  const modelDir = await resolveModelDir(options.model);
  await checkModelFolderOutput(options.out, [modelDir]); // before any work
  const loaded = await loadModelFolder(modelDir);
  try {
    const dataset = await loadDataset(options.data, {
      splits: [split],
      ...dataSelection(options),
    });
    const faces = dataset.splits[split];
    if (faces.count === 0) throw emptySplitError(options.data, split);
    const counts = classCounts(faces);
    const absent = EMOTIONS.filter((_, c) => counts[c] === 0);
    if (absent.length > 0) {
      throw new EmoscopeError('BAD_DATA', `${options.data}: the ${split} split has no ${absent.join(', ')} faces; calibration needs every class's recall`);
    }
    const probabilities = predictProbabilities(loaded.model, faces, loaded.meta.preprocessing);
    const fit = fitClassOffsets(probabilities, faces.labels, EMOTIONS.length, { minRecall: floors });
    const crossCheck = crossCheckOffsets(probabilities, faces.labels, EMOTIONS.length, { minRecall: floors });
    addClassOffsets(loaded.model, fit.offsets);
    const perClass = (values: number[]) => Object.fromEntries(EMOTIONS.map((e, i) => [e, round4(values[i]!)]));
    const calibration = {
      data: options.data,
      split,
      faces: faces.count,
      minRecall: Object.fromEntries(EMOTIONS.map((e, i) => [e, floors[i]])),
      feasible: fit.feasible,
      offsets: perClass(fit.offsets),
      before: { accuracy: round4(fit.before.accuracy), recall: perClass(fit.before.recall) },
      after: { accuracy: round4(fit.after.accuracy), recall: perClass(fit.after.recall) },
      crossCheck: crossCheck && {
        before: { accuracy: round4(crossCheck.before.accuracy), recall: perClass(crossCheck.before.recall) },
        after: { accuracy: round4(crossCheck.after.accuracy), recall: perClass(crossCheck.after.recall) },
      },
    };
    await saveDerivedModel(options.out, loaded.model, loaded.meta, { calibration, calibratedFrom: modelDir }, { inputs: [modelDir] });
    return { ...fit, crossCheck, modelDir, out: options.out, faces: faces.count };
  } finally {
    loaded.model.dispose();
  }
}
