// The training loop, readable top to bottom: resolve the config, load the data, build (or resume)
// the model and optimizer, start the gradient workers, then for every epoch: shuffle, step
// through the batches, validate, checkpoint, stop early when validation accuracy stops improving.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EMOTIONS } from '../types.js';
import { EmoscopeError, badArgument, isEmoscopeError } from '../errors.js';
import { initEngine } from '../engine/backend.js';
import { GradientWorkers } from '../engine/workers.js';
import { loadDataset } from '../data/load.js';
import type { BadInput, Dataset, FaceSet } from '../data/dataset.js';
import { createRandom, shuffledIndices } from '../util/random.js';
import { classCounts, facePixels } from '../data/dataset.js';
import { AUGMENT_PRESETS, augmentFaceInto } from '../data/augment.js';
import type { AugmentOptions } from '../data/augment.js';
import { mixBatch } from '../data/mix.js';
import type { MixMode } from '../data/mix.js';
import { architectureNames, getArchitecture } from '../model/registry.js';
import { DEFAULT_PREPROCESSING } from '../model/meta.js';
import type { ModelMeta, Preprocessing } from '../model/meta.js';
import { loadModelFolder, readModelMeta, saveModelFolder } from '../model/folder.js';
import { evaluateLoaded } from '../evaluate/evaluate-model.js';
import { storeRunEvaluation } from '../evaluate/run-evaluation.js';
import { argmaxRows, countParameters, crossEntropy, facesToTensor, predictProbabilities } from '../model/inference.js';
import { recoverFolder, writeFileAtomic } from '../util/atomic.js';
import { readFolderJson, readFolderJsonIfAny } from '../util/folder-files.js';
import { printable } from '../util/printable.js';
import type { PassedOver } from '../util/passed-over.js';
import { checkOutput } from '../util/check-output.js';
import { writeTrainingCurves } from '../runs/charts.js';
import { TRAIN_DEFAULTS, resolveTrainConfig, teacherList } from './config.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { TrainConfig, TrainOverrides } from './config.js';
import { initialState, loadCheckpoint, restoreOptimizer, saveCheckpoint } from './checkpoint.js';
import type { PartialEpoch, TrainState } from './checkpoint.js';
import type { EpochLog, History } from '../metrics/history.js';
import { trainStep, trainStepOnWorkers } from './step.js';
import type { StepOptions, StepResult } from './step.js';
import { learningRateAt, setLearningRate } from './schedule.js';
import { stepSeed } from './determinism.js';
import { gatherRows, softLabelTargets, teacherProbabilities } from './teacher.js';
import { resolveModelDir } from '../runs/locate.js';
import { RUN_FILES, checkNewRunFolder } from '../runs/layout.js';

export interface TrainBeginInfo {
  config: TrainConfig;
  /** first epoch this invocation runs (1-based; > 1 when resuming) */
  startEpoch: number;
  batchesPerEpoch: number;
  trainFaces: number;
  valFaces: number;
  parameters: number;
}

export interface BatchInfo {
  epoch: number;
  /** batches finished in this epoch */
  batch: number;
  batches: number;
  /** running mean loss and accuracy over the epoch so far */
  loss: number;
  acc: number;
}

/** Lifecycle hooks, called in this order: trainBegin, (epochBegin, batchEnd…, epochEnd)…, trainEnd. */
export interface TrainCallbacks {
  onTrainBegin?(info: TrainBeginInfo): void;
  onEpochBegin?(epoch: number, batches: number): void;
  onBatchEnd?(info: BatchInfo): void;
  onEpochEnd?(log: EpochLog, improved: boolean, history: History): void | Promise<void>;
  onTrainEnd?(result: TrainResult): void;
  /** something went wrong that does not stop training */
  onWarning?(message: string): void;
  /** the bad inputs that `skipBad` skipped and the links not followed while loading the data (called once, when there are any) */
  onSkipped?(skipped: readonly BadInput[]): void;
  /** the entries of the data-set folders not taken (hidden, not an image, broken links…; called once, after loading, when there are any) */
  onPassedOver?(passedOver: readonly PassedOver[]): void;
  /** a slow step before training begins (a teacher scoring the training faces) */
  onStatus?(message: string): void;
}

export interface TrainOptions extends TrainOverrides {
  /** continue the run in `out` from its last checkpoint */
  resume?: boolean;
  callbacks?: TrainCallbacks;
  /** aborting stops the run after the current batch, with a checkpoint */
  signal?: AbortSignal;
  /** an already loaded data set (otherwise `data` is loaded) */
  dataset?: Dataset;
}

export interface TrainResult {
  runDir: string;
  history: History;
  best: { epoch: number; valAcc: number } | null;
  /** why the loop ended */
  stopped: 'completed' | 'early-stopping' | 'interrupted';
}

export { RUN_FILES };

/** The names of `TrainOptions`: the settings of the config and the call's own. */
const TRAIN_OPTION_KEYS = [...Object.keys(TRAIN_DEFAULTS), ...optionKeys<Omit<TrainOptions, keyof typeof TRAIN_DEFAULTS>>({ data: true, model: true, out: true, resume: true, callbacks: true, signal: true, dataset: true })];
const CALLBACK_KEYS = optionKeys<TrainCallbacks>({ onTrainBegin: true, onEpochBegin: true, onBatchEnd: true, onEpochEnd: true, onTrainEnd: true, onWarning: true, onSkipped: true, onPassedOver: true, onStatus: true });

/**
 * Trains an architecture from the registry on a data set and writes a run folder. Every check (the
 * options, the data, the model, the folder) comes before anything is written: a run that fails
 * them leaves nothing behind.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  checkTrainOptions(options);
  await initEngine();
  const { callbacks = {}, signal } = options;

  // --- Config: a new run resolves it; a resumed run takes the one it saved. ---
  const runDir = resolve(options.out);
  const configPath = join(runDir, RUN_FILES.config);
  let config: TrainConfig;
  if (options.resume) {
    config = await readSavedConfig(configPath, options);
  } else {
    await checkOutput(options.out, 'folder', 'out'); // writable, before the data loads and the first epoch
    await checkNewRunFolder(runDir); // a user's folder: its files are never written over
    // Fine-tuning without --model trains the architecture of the --init folder.
    const model = options.model || (await readModelMeta(options.init!)).architecture;
    config = resolveTrainConfig(getArchitecture(model), { ...options, model });
  }
  const architecture = getArchitecture(config.model);
  // A missing model folder is named now, not after the data has loaded and other teachers have scored.
  for (const teacher of config.teacher) await resolveModelDir(teacher);

  // --- Data: train and validation splits, as compact bytes. ---
  const dataset = options.dataset ?? await loadDataset(config.data, {
    splits: ['train', 'val'],
    limit: config.limit || undefined,
    skipBad: config.skipBad,
    valFraction: config.valFraction,
    testFraction: config.testFraction,
    seed: config.seed,
  });
  if (dataset.skipped.length > 0) callbacks.onSkipped?.(dataset.skipped);
  if (dataset.passedOver.length > 0) callbacks.onPassedOver?.(dataset.passedOver);
  const trainSet = dataset.splits.train;
  const valSet = dataset.splits.val;
  if (trainSet.count === 0) throw new EmoscopeError('BAD_DATA', `${config.data}: no training faces found`);
  if (valSet.count === 0) throw new EmoscopeError('BAD_DATA', `${config.data}: no validation faces found (FER2013's PublicTest, or --val-fraction above 0)`);

  // --- Model and optimizer: fresh, or restored from last/. ---
  let model: tfl.LayersModel;
  let state: TrainState;
  const optimizer = createOptimizer(config);
  if (options.resume) {
    await recoverFolder(join(runDir, RUN_FILES.best)); // this trainer is best/'s writer: it restores what a dead one left
    const checkpoint = await loadCheckpoint(join(runDir, RUN_FILES.last));
    model = checkpoint.model;
    state = checkpoint.state;
    await restoreOptimizer(optimizer, checkpoint); // slots, step count and Adam's running powers, exactly
    if (!checkpoint.verified) callbacks.onWarning?.(`${join(runDir, RUN_FILES.last)} was written without checksums (an older emoscope): its files cannot be verified`);
    await repairHistory(runDir, state.history, callbacks); // a crash after the checkpoint, before history.json
    // A finished run given more epochs (or more patience) goes on.
    const patienceLeft = config.patience === 0 || state.epochsWithoutImprovement < config.patience;
    if (state.finished && state.epochsDone < config.epochs && patienceLeft) state.finished = null;
  } else {
    model = architecture.build({ seed: config.seed, classes: EMOTIONS.length, inputSize: DEFAULT_PREPROCESSING.size });
    if (config.init) await initializeFrom(model, config.init, architecture.name);
    state = initialState();
  }
  const prep = DEFAULT_PREPROCESSING;
  const parameters = countParameters(model);
  const metaFor = (metrics: ModelMeta['metrics']): ModelMeta => ({
    format: 'emoscope-model',
    version: 1,
    labels: [...EMOTIONS],
    inputShape: [prep.size, prep.size, 1],
    preprocessing: prep,
    architecture: architecture.name,
    parameters,
    training: { data: config.data, format: dataset.format, trainFaces: trainSet.count, valFaces: valSet.count, epochs: state.epochsDone, config },
    metrics,
    createdAt: new Date().toISOString(),
  });

  // The teachers score the training faces once (again on --resume: nothing of it is stored).
  let teacher: Float32Array | undefined;
  if (config.teacher.length > 0 && !state.finished) {
    const who = config.teacher.length === 1 ? `Teacher ${config.teacher[0]}` : `Teachers ${config.teacher.join(', ')} (probabilities averaged)`;
    callbacks.onStatus?.(`${who} (test-time augmentation: ${config.teacherTta}) scoring ${trainSet.count} training faces…`);
    teacher = await teacherProbabilities(config.teacher, trainSet, config.teacherTta, config.evalBatchSize);
  }
  if (config.softLabels && !state.finished) teacher = await softLabelTargets(config.softLabels, trainSet, (message) => callbacks.onStatus?.(message));

  // --- Every check passed: the run folder and its config.json are written now, not before. ---
  if (!options.resume) await checkNewRunFolder(runDir); // again: the data took time, and the folder is not ours yet
  await mkdir(runDir, { recursive: true });
  await writeFileAtomic(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const batches = Math.ceil(trainSet.count / config.batchSize);
  const augment = config.augment === 'none' ? undefined : AUGMENT_PRESETS[config.augment];
  const mix = config.mix === 'none' ? undefined : { mode: config.mix, alpha: config.mixAlpha };
  const stepOptions: StepOptions = {
    labelSmoothing: config.labelSmoothing,
    weightDecay: config.weightDecay,
    classWeights: classWeightsFor(classCounts(trainSet), config.classWeighting),
    softWeight: config.distill,
  };
  callbacks.onTrainBegin?.({
    config, startEpoch: state.epochsDone + 1, batchesPerEpoch: batches,
    trainFaces: trainSet.count, valFaces: valSet.count, parameters,
  });

  let stopped: TrainResult['stopped'] = state.finished ?? 'completed';
  let pool: GradientWorkers | undefined;
  try {
    // --- Workers: with more than one, each step's gradients are computed data-parallel; the update stays here. ---
    if (config.workers > 1 && !state.finished) pool = await GradientWorkers.start(model, { workers: config.workers, maxBatch: config.batchSize });
    const step = (x: tf.Tensor4D, y: tf.Tensor2D, options: StepOptions): Promise<StepResult> =>
      pool ? trainStepOnWorkers(pool, model, optimizer, x, y, options) : Promise.resolve(trainStep(model, optimizer, x, y, options));

    for (let epoch = state.epochsDone + 1; epoch <= config.epochs && !state.finished; epoch++) {
      // --- One epoch: a seeded shuffle, so a resumed epoch sees the same order. ---
      const order = shuffledIndices(trainSet.count, epochSeed(config.seed, epoch));
      const partial: PartialEpoch = state.partial?.epoch === epoch
        ? state.partial
        : { epoch, batchesDone: 0, lossSum: 0, correct: 0, seen: 0, seconds: 0 };
      state.partial = null;
      callbacks.onEpochBegin?.(epoch, batches);
      const started = performance.now() - partial.seconds * 1000;
      for (let b = partial.batchesDone; b < batches; b++) {
        if (signal?.aborted) break;
        const indices = order.subarray(b * config.batchSize, Math.min((b + 1) * config.batchSize, trainSet.count));
        const seed = stepSeed(config.seed, epoch, b);
        setLearningRate(optimizer, learningRateAt(config.schedule, config.learningRate, ((epoch - 1) * batches + b) / (config.epochs * batches), config.warmup));
        const { loss, correct } = await runBatch(step, trainSet, indices, prep, augment, mix, createRandom(seed ^ 0x5bd1e995), { ...stepOptions, seed, soft: teacher && gatherRows(teacher, indices, EMOTIONS.length) });
        partial.batchesDone = b + 1;
        partial.lossSum += loss * indices.length;
        partial.correct += correct;
        partial.seen += indices.length;
        callbacks.onBatchEnd?.({ epoch, batch: b + 1, batches, loss: partial.lossSum / partial.seen, acc: partial.correct / partial.seen });
        await yieldToEventLoop(); // lets Ctrl-C and progress output through between steps
      }
      partial.seconds = (performance.now() - started) / 1000;

      if (signal?.aborted && partial.batchesDone < batches) {
        // --- Interrupted mid-epoch: save where we are; --resume finishes this epoch. ---
        state.partial = partial;
        await saveCheckpoint(join(runDir, RUN_FILES.last), model, metaFor(undefined), optimizer, state);
        stopped = 'interrupted';
        break;
      }

      // --- Validate, then checkpoint best/ and last/ and the history. ---
      const val = validate(model, valSet, prep, config.evalBatchSize);
      const log: EpochLog = {
        epoch,
        loss: partial.lossSum / partial.seen,
        acc: partial.correct / partial.seen,
        valLoss: val.loss,
        valAcc: val.acc,
        seconds: (performance.now() - started) / 1000,
      };
      state.history.push(log);
      state.epochsDone = epoch;
      const improved = !state.best || log.valAcc > state.best.valAcc;
      if (improved) {
        state.best = { epoch, valAcc: log.valAcc };
        state.epochsWithoutImprovement = 0;
      } else {
        state.epochsWithoutImprovement += 1;
      }
      if (config.patience > 0 && state.epochsWithoutImprovement >= config.patience) state.finished = 'early-stopping';
      else if (epoch >= config.epochs) state.finished = 'completed';
      const metrics = { val: { accuracy: log.valAcc, loss: log.valLoss, epoch } };
      if (improved) await saveModelFolder(join(runDir, RUN_FILES.best), model, metaFor(metrics));
      await saveCheckpoint(join(runDir, RUN_FILES.last), model, metaFor(metrics), optimizer, state);
      const history: History = { epochs: state.history };
      await writeFileAtomic(join(runDir, RUN_FILES.history), `${JSON.stringify(history, null, 2)}\n`);
      try {
        await writeTrainingCurves(runDir, history); // curves.svg and curves.png, refreshed so a long run can be watched
      } catch (error) {
        callbacks.onWarning?.(`Could not draw the training curves: ${(error as Error).message}`); // a picture never stops a run
      }
      await callbacks.onEpochEnd?.(log, improved, history);
      if (state.finished) stopped = state.finished;
      if (signal?.aborted) {
        stopped = 'interrupted';
        break;
      }
    }
  } finally {
    await pool?.close();
    model.dispose();
    optimizer.dispose();
  }
  if (stopped !== 'interrupted' && state.best) {
    // The best model's validation evaluation, stored for `emoscope report` (the test split stays untouched).
    const best = await loadModelFolder(join(runDir, RUN_FILES.best));
    try {
      const { report, probabilities } = evaluateLoaded(best, valSet, config.evalBatchSize);
      await storeRunEvaluation(runDir, 'val', { report, probabilities, faces: valSet }, { data: config.data, limit: config.limit || undefined });
    } finally {
      best.model.dispose();
    }
  }
  const result: TrainResult = { runDir, history: { epochs: state.history }, best: state.best, stopped };
  callbacks.onTrainEnd?.(result);
  return result;
}

/** One optimizer step on the faces `indices` (augmented here, in the main thread); tensors are created and freed here. */
async function runBatch(
  step: (x: tf.Tensor4D, y: tf.Tensor2D, options: StepOptions) => Promise<StepResult>,
  set: FaceSet,
  indices: ArrayLike<number>,
  prep: Preprocessing,
  augment: AugmentOptions | undefined,
  mix: { mode: Exclude<MixMode, 'none'>; alpha: number } | undefined,
  random: () => number,
  stepOptions: StepOptions,
): Promise<StepResult> {
  let x = augment ? augmentedBatch(set, indices, prep, augment, random) : facesToTensor(set, indices, prep);
  if (mix) {
    // Mixed after augmentation, from the same seeded draws: the reported loss and accuracy stay against each face's own label.
    const values = Float32Array.from(x.dataSync());
    x.dispose();
    stepOptions = { ...stepOptions, mix: mixBatch(values, prep.size, mix.mode, mix.alpha, random) };
    x = tf.tensor4d(values, [indices.length, prep.size, prep.size, 1]);
  }
  const labels = Int32Array.from(indices, (i) => set.labels[i]!);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), EMOTIONS.length), 'float32') as tf.Tensor2D);
  try {
    return await step(x, y, stepOptions);
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** The batch input with every face augmented (see src/data/augment.ts). */
function augmentedBatch(set: FaceSet, indices: ArrayLike<number>, prep: Preprocessing, augment: AugmentOptions, random: () => number): tf.Tensor4D {
  const area = prep.size * prep.size;
  const values = new Float32Array(indices.length * area);
  for (let i = 0; i < indices.length; i++) {
    augmentFaceInto(facePixels(set, indices[i]!), prep.size, augment, random, values, i * area, prep);
  }
  return tf.tensor4d(values, [indices.length, prep.size, prep.size, 1]);
}

/** Loss weights per class from the training counts, normalized so that the average face weighs 1. */
export function classWeightsFor(counts: number[], mode: TrainConfig['classWeighting']): Float32Array | undefined {
  if (mode === 'none') return undefined;
  const raw = counts.map((c) => (c === 0 ? 0 : mode === 'sqrt' ? 1 / Math.sqrt(c) : 1 / c));
  const total = counts.reduce((a, b) => a + b, 0);
  const mean = counts.reduce((a, c, k) => a + c * raw[k]!, 0) / total;
  return Float32Array.from(raw, (w) => w / mean);
}

/** Loss and accuracy on a split, in inference mode (dropout off, batch norm's moving statistics). */
export function validate(model: tfl.LayersModel, set: FaceSet, prep = DEFAULT_PREPROCESSING, batchSize = 256): { loss: number; acc: number } {
  const probs = predictProbabilities(model, set, prep, batchSize);
  const predicted = argmaxRows(probs, EMOTIONS.length);
  let correct = 0;
  for (let i = 0; i < set.count; i++) if (predicted[i] === set.labels[i]) correct++;
  return { loss: crossEntropy(probs, set.labels, EMOTIONS.length), acc: correct / set.count };
}

function createOptimizer(config: TrainConfig): tf.Optimizer {
  return config.optimizer === 'adam' ? tf.train.adam(config.learningRate) : tf.train.momentum(config.learningRate, 0.9, true); // Nesterov
}

/** The shuffle seed of an epoch: distinct per epoch, fixed by the run's seed. */
function epochSeed(seed: number, epoch: number): number {
  return (seed * 1_000_003 + epoch * 7_919) >>> 0;
}

/** Copies the weights of the model folder `dir` into `model`, which must have the same architecture and labels. */
async function initializeFrom(model: tfl.LayersModel, dir: string, architecture: string): Promise<void> {
  const source = await loadModelFolder(dir);
  try {
    const { meta } = source;
    if (meta.labels.join() !== EMOTIONS.join()) {
      throw new EmoscopeError('BAD_MODEL', `--init ${dir}: its labels (${meta.labels.join(', ')}) are not emoscope's (${EMOTIONS.join(', ')})`);
    }
    if (meta.architecture !== architecture) {
      throw new EmoscopeError('BAD_MODEL', `--init ${dir}: it is a ${meta.architecture} model, this run trains ${architecture} (leave out --model to take the folder's)`);
    }
    const weights = source.model.getWeights();
    const expected = model.getWeights();
    const mismatch = weights.length !== expected.length
      ? `${weights.length} weight tensors, expected ${expected.length}`
      : weights.map((w, i) => (w.shape.join() === expected[i]!.shape.join() ? '' : `weight ${i} has shape [${w.shape.join(', ')}], expected [${expected[i]!.shape.join(', ')}]`)).find(Boolean);
    if (mismatch) throw new EmoscopeError('BAD_MODEL', `--init ${dir}: ${mismatch}`);
    model.setWeights(weights);
  } finally {
    source.model.dispose();
  }
}

/** A setting as the flag that gives it is written: lists (the teachers) space-separated. */
const flagText = (value: unknown): string => (Array.isArray(value) ? value.join(' ') : String(value));

/** Settings a resumed run may change; every other one is the run's (config.json). */
const RESUME_CHANGEABLE: ReadonlySet<string> = new Set(['epochs', 'patience', 'workers']);

async function readSavedConfig(path: string, options: TrainOptions): Promise<TrainConfig> {
  let saved: TrainConfig;
  try {
    saved = (await readFolderJson(dirname(path), basename(path), { code: 'BAD_CHECKPOINT' })) as TrainConfig;
  } catch (error) {
    if (isEmoscopeError(error) && error.code === 'NOT_FOUND') {
      throw new EmoscopeError('NOT_FOUND', `Cannot resume: no run at ${printable(resolve(options.out))} (expected ${RUN_FILES.config} there)`);
    }
    throw error;
  }
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved) || typeof saved.model !== 'string') {
    throw new EmoscopeError('BAD_CHECKPOINT', `${printable(path)}: expected the run's configuration, a JSON object with "model", "data", "epochs"…`);
  }
  // A resumed run may be given more epochs, more patience or another number of workers; everything
  // else is the run's, and a flag that says otherwise is refused rather than silently ignored.
  const conflicts = Object.keys(saved)
    .filter((key) => key !== 'out' && !RESUME_CHANGEABLE.has(key))
    .filter((key) => {
      const given = (options as unknown as Record<string, unknown>)[key];
      if (given === undefined || given === '' || (Array.isArray(given) && given.length === 0)) return false; // not given ('' is the CLI's "no --data")
      const run = (saved as unknown as Record<string, unknown>)[key];
      if (key === 'teacher') return teacherList(given).map((t) => resolve(t)).join('\n') !== teacherList(run).map((t) => resolve(t)).join('\n');
      if (key === 'data' || key === 'init' || key === 'softLabels') return resolve(String(given)) !== resolve(String(run));
      return given !== run;
    })
    .map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${printable(flagText((options as unknown as Record<string, unknown>)[key]))} (the run's: ${printable(JSON.stringify((saved as unknown as Record<string, unknown>)[key]))})`);
  if (conflicts.length > 0) {
    throw new EmoscopeError(
      'BAD_ARGUMENT',
      `--resume continues ${printable(resolve(options.out))} with the settings in its ${RUN_FILES.config}; these differ from them: ${conflicts.join(', ')}. ` +
      'Leave them out (only --epochs, --patience and --workers may change on --resume), or start a new run with another --out.',
    );
  }
  return resolveTrainConfig(getArchitecture(saved.model), {
    ...saved,
    epochs: options.epochs ?? saved.epochs,
    patience: options.patience ?? saved.patience,
    workers: options.workers ?? saved.workers,
  });
}

/**
 * Makes history.json say what the checkpoint says: a crash after `last/` was written but before
 * history.json was would otherwise leave the history one epoch short for good.
 */
async function repairHistory(runDir: string, epochs: EpochLog[], callbacks: TrainCallbacks): Promise<void> {
  const stored = (await readFolderJsonIfAny(runDir, RUN_FILES.history, { code: 'BAD_CHECKPOINT' }).catch(() => undefined)) as History | undefined;
  if (JSON.stringify(stored?.epochs) === JSON.stringify(epochs)) return;
  const history: History = { epochs };
  await writeFileAtomic(join(runDir, RUN_FILES.history), `${JSON.stringify(history, null, 2)}\n`);
  callbacks.onWarning?.(`${RUN_FILES.history} held ${stored?.epochs?.length ?? 'no'} epochs, the checkpoint ${epochs.length}: rewritten from the checkpoint`);
  if (epochs.length === 0) return;
  try {
    await writeTrainingCurves(runDir, history);
  } catch (error) {
    callbacks.onWarning?.(`Could not draw the training curves: ${(error as Error).message}`);
  }
}

/**
 * The options' names and the paths a run cannot start without: `out`, and for a new run `data` and
 * `model` (or `init`, whose architecture is trained); each missing one is named with what it takes.
 */
function checkTrainOptions(options: TrainOptions): void {
  checkOptionKeys(options, TRAIN_OPTION_KEYS, 'train', 'out, and for a new run data and model');
  const path = (value: unknown) => typeof value === 'string' && value !== '';
  if (!path(options.out)) throw badArgument('out', options.resume ? 'the folder of the run to resume' : 'a folder to write the run to', options.out);
  if (!options.resume) {
    if (!path(options.data)) throw badArgument('data', 'a data set path (fer2013.csv or a folder of images)', options.data);
    if (options.init !== undefined && options.init !== '' && !path(options.init)) throw badArgument('init', 'a model folder to start from', options.init);
    if (!path(options.model) && !path(options.init)) {
      throw badArgument('model', `an architecture name (${architectureNames().join(', ')}), or init: a model folder whose architecture is trained`, options.model);
    }
  }
  checkOptionKeys(options.callbacks, CALLBACK_KEYS, 'train callbacks');
  for (const [name, hook] of Object.entries(options.callbacks ?? {})) {
    if (hook !== undefined && typeof hook !== 'function') throw badArgument(`callbacks.${name}`, 'a function', hook);
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
