// `emoscope average`: one model whose weights are the mean of several fine-tunes of one architecture.
// With data, each ingredient and the average are measured on held-out faces (PublicTest by default),
// and greedy mode adds ingredients best first, keeping each only if the average does not get worse.
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DATA_SELECTION_KEYS, dataSelection, emptySplitError } from '../data/dataset.js';
import { initEngine } from '../engine/backend.js';
import { loadDataset } from '../data/load.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { printable } from '../util/printable.js';
import type { DataSelection, FaceSet } from '../data/dataset.js';
import { EmoscopeError, badArgument } from '../errors.js';
import { checkParts, setAverageWeights } from '../model/average.js';
import { checkModelFolderOutput, loadModelFolder, saveDerivedModel } from '../model/folder.js';
import type { LoadedModel } from '../model/folder.js';
import { resolveModelDir } from '../runs/locate.js';
import { evaluateLoaded } from '../evaluate/evaluate-model.js';
import { round4 } from '../metrics/format.js';
import type { Split } from '../types.js';

export interface AverageOptions extends DataSelection {
  /** model folders or run folders (their best/), at least two */
  models: string[];
  /** the folder to write the averaged model to */
  out: string;
  /** held-out faces to measure on; needed for `greedy` */
  data?: string;
  /** the faces measured on (default val: never the test split you report on) */
  split?: Exclude<Split, 'test'>;
  /** add ingredients best first, each only if the average's accuracy does not drop */
  greedy?: boolean;
  /** how many parts of the average each model is, in the order of `models` (default 1 each); not with `greedy` */
  weights?: number[];
}

export interface Ingredient {
  model: string;
  /** its own accuracy on the split (null without data) */
  accuracy: number | null;
  /** part of the average */
  used: boolean;
  /** its parts in the average (1 unless weights were given) */
  weight: number;
}

export interface AverageResult {
  out: string;
  /** in the order they were considered (best first with data) */
  ingredients: Ingredient[];
  /** the average's accuracy on the split (null without data) */
  accuracy: number | null;
  split: Exclude<Split, 'test'>;
  faces: number;
}

const AVERAGE_OPTION_KEYS = [...optionKeys<Omit<AverageOptions, keyof DataSelection>>({ models: true, out: true, data: true, split: true, greedy: true, weights: true }), ...DATA_SELECTION_KEYS];

/** Averages the weights of `models` (all of them, or a greedy choice) and saves the result to `out`. */
export async function averageModels(options: AverageOptions): Promise<AverageResult> {
  checkOptionKeys(options, AVERAGE_OPTION_KEYS, 'averageModels', 'models and out');
  const split = options.split ?? 'val';
  if (split !== 'val' && split !== 'train') throw badArgument('split', 'val or train (the test split is for reporting)', split);
  if (!Array.isArray(options.models) || options.models.length < 2) throw badArgument('models', 'a list of at least two model folders', Array.isArray(options.models) ? options.models.length : options.models);
  if (options.greedy && options.data === undefined) throw badArgument('greedy', 'data to measure each ingredient on (--data)', 'no data');
  const weights = options.weights ?? options.models.map(() => 1);
  if (options.weights && options.greedy) {
    throw new EmoscopeError('BAD_ARGUMENT', 'weights and greedy cannot be used together: weights fix each model\'s share, greedy chooses which models to keep by their accuracy on the data; give one of them');
  }
  checkParts(weights, options.models.length); // before any model loads
  await initEngine();
  const dirs = await Promise.all(options.models.map((m) => resolveModelDir(m)));
  await checkModelFolderOutput(options.out, dirs); // before any model loads
  if (await distinctCount(dirs) < 2) {
    throw new EmoscopeError('BAD_ARGUMENT', `models: ${options.models.map((m) => printable(m)).join(', ')} are all the same model folder; their average is that model (naming a model more than once gives it a larger share beside others)`);
  }
  const loaded: LoadedModel[] = [];
  try {
    for (const dir of dirs) loaded.push(await loadModelFolder(dir));
    const first = loaded[0]!;
    for (const other of loaded.slice(1)) {
      if (other.meta.architecture !== first.meta.architecture || JSON.stringify(other.meta.preprocessing) !== JSON.stringify(first.meta.preprocessing)) {
        throw new EmoscopeError('BAD_MODEL', `${other.dir} is ${other.meta.architecture} but ${first.dir} is ${first.meta.architecture} (or their preprocessing differs): only models of one architecture can be averaged`);
      }
    }
    const faces = options.data === undefined ? null : await heldOut(options.data, split, options);
    const measure = (model: LoadedModel) => (faces ? evaluateLoaded(model, faces).report.accuracy : null);
    const scored = loaded.map((model, i) => ({ model, accuracy: measure(model), weight: weights[i]! }));
    if (faces) scored.sort((a, b) => b.accuracy! - a.accuracy!);
    // The result is built in a model of its own: the first ingredient's weights stay untouched.
    const soup = await loadModelFolder(scored[0]!.model.dir);
    try {
      const named = (m: LoadedModel) => ({ model: m.model, name: m.dir });
      let used = scored.map(() => true);
      let accuracy: number | null = null;
      if (options.greedy) {
        used = scored.map((_, i) => i === 0);
        accuracy = scored[0]!.accuracy;
        for (let i = 1; i < scored.length; i++) {
          const trial = scored.filter((_, j) => used[j] || j === i).map((s) => named(s.model));
          setAverageWeights(soup.model, trial);
          const trialAccuracy = measure(soup)!;
          if (trialAccuracy >= accuracy!) {
            used[i] = true;
            accuracy = trialAccuracy;
          }
        }
      }
      const kept = scored.filter((_, j) => used[j]);
      setAverageWeights(soup.model, kept.map((s) => named(s.model)), kept.map((s) => s.weight));
      if (!options.greedy) accuracy = measure(soup); // greedy measured this very average when it kept its last ingredient
      const ingredients = scored.map((s, i) => ({ model: s.model.dir, accuracy: round4(s.accuracy), used: used[i]!, weight: s.weight }));
      const average = { data: options.data ?? null, split, faces: faces?.count ?? 0, greedy: options.greedy === true, ingredients, accuracy: round4(accuracy) };
      await saveDerivedModel(options.out, soup.model, soup.meta, { average }, { inputs: dirs });
      return { out: options.out, ingredients, accuracy, split, faces: faces?.count ?? 0 };
    } finally {
      soup.model.dispose();
    }
  } finally {
    for (const m of loaded) m.model.dispose();
  }
}

async function heldOut(data: string, split: Exclude<Split, 'test'>, options: DataSelection): Promise<FaceSet> {
  const dataset = await loadDataset(data, { splits: [split], ...dataSelection(options) });
  const faces = dataset.splits[split];
  if (faces.count === 0) throw emptySplitError(data, split);
  return faces;
}

/** How many different model folders `dirs` name (another path or a link to one counts once). */
async function distinctCount(dirs: readonly string[]): Promise<number> {
  return new Set(await Promise.all(dirs.map((dir) => realpath(dir).catch(() => resolve(dir))))).size;
}
