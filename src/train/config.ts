// The training configuration: one block of defaults, each with its unit and meaning, then the
// architecture's recipe, then the user's overrides. The resolved config is saved in the run
// folder (`config.json`) so that a run can be repeated, and resumed, exactly.
import { defaultWorkers } from '../engine/native.js';
import { badArgument } from '../errors.js';
import { CLASS_WEIGHTINGS, OPTIMIZERS } from '../choices.js';
import type { ClassWeighting, Optimizer } from '../choices.js';
import type { Architecture, RecipeExtras } from '../model/architecture.js';
import { TTA_MODES } from '../model/inference.js';
import type { Tta } from '../model/inference.js';
import { AUGMENT_PRESET_NAMES } from '../data/augment.js';
import { MIX_MODES } from '../data/mix.js';
import type { MixMode } from '../data/mix.js';
import { LOAD_DEFAULTS } from '../data/load.js';
import type { AugmentPreset } from '../data/augment.js';
import { SCHEDULES } from './schedule.js';
import type { Schedule } from './schedule.js';

export { CLASS_WEIGHTINGS } from '../choices.js';
export type { ClassWeighting } from '../choices.js';

/** Every training setting; the ones a recipe may fix (augmentation, schedule, …) are documented in RecipeExtras. */
export interface TrainConfig extends RecipeExtras {
  /** data set: a fer2013.csv file, a FER2013 image-folder tree or a tree of <class>/ folders */
  data: string;
  /** architecture name in the registry */
  model: string;
  /** run folder: best/, last/, history.json, config.json */
  out: string;
  /** passes over the training split */
  epochs: number;
  /** faces per training step */
  batchSize: number;
  optimizer: Optimizer;
  /** step size of the optimizer */
  learningRate: number;
  /** at most this many faces per split (stratified, deterministic); 0 = all */
  limit: number;
  /** seeds weight initialization, shuffling and data splits */
  seed: number;
  /** class-folder data sets only: fractions held out for validation and test */
  valFraction: number;
  testFraction: number;
  /** skip malformed rows and undecodable images instead of stopping */
  skipBad: boolean;
  /** faces per inference batch during validation */
  evalBatchSize: number;
  /** data-parallel worker threads computing each step's gradients (1 = in this thread); the results do not depend on it */
  workers: number;
  /** model folder whose weights start the run instead of a random initialization (fine-tuning); '' = none */
  init: string;
  /**
   * model folders whose probabilities on the training faces, averaged, are blended into the targets
   * (knowledge distillation; several = an ensemble taught to one model); [] = none
   */
  teacher: string[];
  /** the teachers' test-time augmentation when they score the training faces */
  teacherTta: Tta;
  /** weight α of the teacher (or of the soft labels): targets = (1-α)·(smoothed label) + α·teacher */
  distill: number;
  /** a CSV of annotators' votes per training face (FER+'s), whose shares are blended into the targets like a teacher's; '' = none */
  softLabels: string;
  /** mixing of each batch's faces and targets: mixup (whole faces blended) or cutmix (a rectangle pasted); 'none' = off */
  mix: MixMode;
  /** α of the Beta(α, α) distribution the mixing weight is drawn from */
  mixAlpha: number;
}

/** Defaults before the architecture's recipe and the user's overrides. */
export const TRAIN_DEFAULTS: Omit<TrainConfig, 'data' | 'model' | 'out'> = {
  epochs: 30,
  batchSize: 64,
  optimizer: 'adam',
  learningRate: 0.001,
  patience: 10,
  limit: 0,
  seed: LOAD_DEFAULTS.seed,
  valFraction: LOAD_DEFAULTS.valFraction,
  testFraction: LOAD_DEFAULTS.testFraction,
  skipBad: LOAD_DEFAULTS.skipBad,
  evalBatchSize: 256,
  augment: 'none',
  labelSmoothing: 0,
  classWeighting: 'none',
  weightDecay: 0,
  schedule: 'constant',
  warmup: 0,
  workers: defaultWorkers(),
  init: '',
  teacher: [],
  teacherTta: 'crops',
  distill: 0.5,
  softLabels: '',
  mix: 'none',
  mixAlpha: 1,
};

export type TrainOverrides = Partial<Omit<TrainConfig, 'teacher'>> & Pick<TrainConfig, 'data' | 'model' | 'out'> & {
  /** one teacher's model folder, or several (see TrainConfig.teacher) */
  teacher?: string | readonly string[];
};

/**
 * The teachers named by `value`: a list, one folder, or '' for none (the form of run configs written
 * before a run could have several teachers).
 */
export function teacherList(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '')) return [...value] as string[];
  throw badArgument('teacher', 'model folders (a list of paths)', JSON.stringify(value));
}

/** Defaults, then the architecture's recipe, then `overrides` (undefined values ignored), validated. */
export function resolveTrainConfig(architecture: Architecture, overrides: TrainOverrides): TrainConfig {
  // Only config keys: callers pass richer option objects (callbacks, signals, data sets) that do not belong in config.json.
  const keys = new Set<string>([...Object.keys(TRAIN_DEFAULTS), 'data', 'model', 'out']);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([k, v]) => keys.has(k) && v !== undefined)) as TrainOverrides;
  const { recipe } = architecture;
  const config: TrainConfig = {
    ...TRAIN_DEFAULTS,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    optimizer: recipe.optimizer,
    learningRate: recipe.learningRate,
    ...recipe.extras,
    ...defined,
    teacher: teacherList(defined.teacher),
  };
  validateTrainConfig(config);
  return config;
}

function validateTrainConfig(c: TrainConfig): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw badArgument(name, 'a whole number of at least 1', v);
  };
  const nonNegativeInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 0) throw badArgument(name, 'a whole number of at least 0', v);
  };
  positiveInt('epochs', c.epochs);
  positiveInt('batchSize', c.batchSize);
  positiveInt('evalBatchSize', c.evalBatchSize);
  positiveInt('workers', c.workers);
  nonNegativeInt('patience', c.patience);
  nonNegativeInt('limit', c.limit);
  if (!Number.isInteger(c.seed)) throw badArgument('seed', 'a whole number', c.seed);
  if (!(c.learningRate > 0)) throw badArgument('learningRate', 'a number above 0', c.learningRate);
  for (const [name, v] of [['valFraction', c.valFraction], ['testFraction', c.testFraction]] as const) {
    if (!(v >= 0 && v < 1)) throw badArgument(name, 'a fraction from 0 to below 1', v);
  }
  if (c.valFraction + c.testFraction >= 1) {
    throw badArgument('valFraction + testFraction', 'a sum below 1', c.valFraction + c.testFraction);
  }
  if (!(OPTIMIZERS as readonly string[]).includes(c.optimizer)) throw badArgument('optimizer', OPTIMIZERS.map((o) => `"${o}"`).join(' or '), c.optimizer);
  const oneOf = (name: string, v: string, allowed: readonly string[]) => {
    if (!allowed.includes(v)) throw badArgument(name, `one of ${allowed.join(', ')}`, v);
  };
  oneOf('augment', c.augment, AUGMENT_PRESET_NAMES);
  oneOf('classWeighting', c.classWeighting, CLASS_WEIGHTINGS);
  oneOf('schedule', c.schedule, SCHEDULES);
  oneOf('teacherTta', c.teacherTta, TTA_MODES);
  oneOf('mix', c.mix, MIX_MODES);
  if (!(c.mixAlpha > 0 && Number.isFinite(c.mixAlpha))) throw badArgument('mixAlpha', 'a number above 0', c.mixAlpha);
  if (!(c.distill >= 0 && c.distill <= 1)) throw badArgument('distill', 'a weight from 0 to 1', c.distill);
  if (c.teacher.length > 0 && c.softLabels) throw badArgument('softLabels', 'either a teacher or soft labels, not both', `--teacher ${c.teacher.join(' ')} and --soft-labels ${c.softLabels}`);
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) throw badArgument('labelSmoothing', 'a number from 0 to below 1', c.labelSmoothing);
  if (!(c.weightDecay >= 0)) throw badArgument('weightDecay', 'a number of at least 0', c.weightDecay);
  if (!(c.warmup >= 0 && c.warmup < 1)) throw badArgument('warmup', 'a fraction from 0 to below 1', c.warmup);
}
