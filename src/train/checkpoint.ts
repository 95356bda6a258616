// Checkpoints of a training run: `last/` is a model folder that also holds the optimizer's exact
// state and the loop's state (with the history and the sha256 of both weight files), written
// atomically after every epoch (and on Ctrl-C), so that `--resume` continues a killed run losing at
// most the epoch in progress, and refuses a checkpoint that was damaged since.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmoscopeError, isEmoscopeError } from '../errors.js';
import type { ModelMeta } from '../model/meta.js';
import { WEIGHTS_BIN, loadModelFolder, writeModelFiles } from '../model/folder.js';
import type { LoadedModel } from '../model/folder.js';
import { manifestBytes } from '../model/weights-manifest.js';
import { recoverFolder, replaceFolderAtomic } from '../util/atomic.js';
import { MAX_WEIGHTS_BYTES, readFolderFile, readFolderJson } from '../util/folder-files.js';
import type { EpochLog } from '../metrics/history.js';

const OPTIMIZER_JSON = 'optimizer.json';
const OPTIMIZER_BIN = 'optimizer.bin';
const STATE_JSON = 'train-state.json';

/** Where the loop stands: enough to continue exactly where it stopped. */
export interface TrainState {
  /** epochs finished */
  epochsDone: number;
  history: EpochLog[];
  best: { epoch: number; valAcc: number } | null;
  epochsWithoutImprovement: number;
  /** set when the run was interrupted (Ctrl-C) inside an epoch: how far that epoch got */
  partial: PartialEpoch | null;
  /** why the run ended, once it has */
  finished: 'completed' | 'early-stopping' | null;
}

export interface PartialEpoch {
  epoch: number;
  batchesDone: number;
  lossSum: number;
  correct: number;
  seen: number;
  seconds: number;
}

export function initialState(): TrainState {
  return { epochsDone: 0, history: [], best: null, epochsWithoutImprovement: 0, partial: null, finished: null };
}

/** Writes model, optimizer slots and state to `dir` atomically; the state records the sha256 of both weight files. */
export async function saveCheckpoint(
  dir: string,
  model: tfl.LayersModel,
  meta: ModelMeta,
  optimizer: tf.Optimizer,
  state: TrainState,
): Promise<void> {
  const slots = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(slots);
  // getWeights returns the slot variables themselves plus a fresh scalar for the step count: free that one.
  tf.dispose(slots.map((s) => s.tensor).filter((t) => !(t instanceof tf.Variable)));
  const optimizerBytes = new Uint8Array(data);
  const optimizerJson: OptimizerJson = { specs, ...biasCorrection(optimizer) };
  await replaceFolderAtomic(dir, async (tmp) => {
    await writeModelFiles(tmp, model, meta);
    await writeFile(join(tmp, OPTIMIZER_BIN), optimizerBytes);
    await writeFile(join(tmp, OPTIMIZER_JSON), JSON.stringify(optimizerJson));
    const checksums = { [WEIGHTS_BIN]: sha256(await readFile(join(tmp, WEIGHTS_BIN))), [OPTIMIZER_BIN]: sha256(optimizerBytes) };
    await writeFile(join(tmp, STATE_JSON), `${JSON.stringify({ ...state, checksums }, null, 2)}\n`);
  });
}

export interface LoadedCheckpoint extends LoadedModel {
  state: TrainState;
  /** the optimizer's slots in the order `optimizer.getWeights()` gave them */
  optimizerWeights: Array<{ name: string; tensor: tf.Tensor }>;
  /** Adam's running powers β₁ᵗ and β₂ᵗ, to be restored after setWeights (see `restoreOptimizer`) */
  biasCorrection: { accBeta1: number; accBeta2: number } | undefined;
  /** false for a checkpoint written before checksums were recorded (nothing to verify against) */
  verified: boolean;
}

/**
 * Reads a checkpoint written by `saveCheckpoint`, refusing (BAD_CHECKPOINT, naming the file) one
 * whose train-state.json does not parse or is incomplete, whose weight files do not match their
 * recorded sha256 or size, or whose weights or optimizer slots are not finite. Called by the run's
 * writer (train --resume), which first restores or drops what dead writers left (`recoverFolder`).
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  await recoverFolder(dir);
  const code = 'BAD_CHECKPOINT';
  const state = parseTrainState(await readFolderJson(dir, STATE_JSON, { code }), join(dir, STATE_JSON));
  let loaded: LoadedModel;
  try {
    loaded = await loadModelFolder(dir);
  } catch (error) {
    if (isEmoscopeError(error) && error.code === 'BAD_MODEL') throw new EmoscopeError(code, `Cannot resume: ${error.message}`, { cause: error });
    throw error;
  }
  try {
    const weightsBytes = await readFolderFile(dir, WEIGHTS_BIN, { code, maxBytes: MAX_WEIGHTS_BYTES });
    verifyChecksum(dir, WEIGHTS_BIN, weightsBytes, state.checksums);
    for (const weight of loaded.model.weights) {
      if (!allFinite(weight.read().dataSync())) throw new EmoscopeError(code, `${join(dir, WEIGHTS_BIN)}: weight ${weight.name} holds values that are not finite (NaN or infinity): the run diverged before this checkpoint`);
    }
    const optimizerPath = join(dir, OPTIMIZER_JSON);
    const optimizerJson = parseOptimizerJson(await readFolderJson(dir, OPTIMIZER_JSON, { code }), optimizerPath);
    const expected = manifestBytes(optimizerJson.specs, optimizerPath, code);
    const bin = await readFolderFile(dir, OPTIMIZER_BIN, {
      code,
      maxBytes: MAX_WEIGHTS_BYTES,
      exactBytes: expected === undefined ? undefined : { bytes: expected, source: `the specs in ${OPTIMIZER_JSON}` },
    });
    verifyChecksum(dir, OPTIMIZER_BIN, bin, state.checksums);
    const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, optimizerJson.specs);
    const optimizerWeights = optimizerJson.specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
    const bad = optimizerWeights.find((w) => !allFinite(w.tensor.dataSync()));
    if (bad) {
      tf.dispose(optimizerWeights.map((w) => w.tensor));
      throw new EmoscopeError(code, `${join(dir, OPTIMIZER_BIN)}: slot ${bad.name} holds values that are not finite (NaN or infinity)`);
    }
    const { accBeta1, accBeta2 } = optimizerJson;
    const biasCorrection = accBeta1 !== undefined && accBeta2 !== undefined ? { accBeta1, accBeta2 } : undefined;
    return { ...loaded, state, optimizerWeights, biasCorrection, verified: state.checksums !== undefined };
  } catch (error) {
    loaded.model.dispose();
    if (isEmoscopeError(error)) throw error;
    throw new EmoscopeError(code, `Cannot resume from ${dir}: its checkpoint is incomplete or unreadable (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Puts a checkpoint's optimizer state into a fresh optimizer of the same kind, exactly: the slots,
 * the step count and (Adam) the running powers β₁ᵗ, β₂ᵗ, which TF.js's setWeights recomputes as
 * pow(β, t+1) — not bit for bit what t float32 multiplications gave — so that a resumed run is the
 * uninterrupted one. The checkpoint's slot tensors are disposed.
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, checkpoint: Pick<LoadedCheckpoint, 'optimizerWeights' | 'biasCorrection'>): Promise<void> {
  // Adam.setWeights leaves two temporaries behind (tfjs 4.22); a scope collects them, the new slot variables survive.
  tf.engine().startScope();
  try {
    await optimizer.setWeights(checkpoint.optimizerWeights);
    const adam = adamPowers(optimizer);
    if (adam && checkpoint.biasCorrection) {
      adam.accBeta1.assign(tf.scalar(checkpoint.biasCorrection.accBeta1));
      adam.accBeta2.assign(tf.scalar(checkpoint.biasCorrection.accBeta2));
    }
  } finally {
    tf.engine().endScope();
  }
  tf.dispose(checkpoint.optimizerWeights.map((w) => w.tensor)); // setWeights copied them into variables
}

/** optimizer.json: the slots' specs, and Adam's running powers. */
interface OptimizerJson {
  specs: tf.io.WeightsManifestEntry[];
  accBeta1?: number;
  accBeta2?: number;
}

/** Adam's private running powers (tfjs-core AdamOptimizer.accBeta1/accBeta2), or undefined for other optimizers. */
function adamPowers(optimizer: tf.Optimizer): { accBeta1: tf.Variable; accBeta2: tf.Variable } | undefined {
  const o = optimizer as unknown as { accBeta1?: unknown; accBeta2?: unknown };
  return o.accBeta1 instanceof tf.Variable && o.accBeta2 instanceof tf.Variable ? { accBeta1: o.accBeta1, accBeta2: o.accBeta2 } : undefined;
}

function biasCorrection(optimizer: tf.Optimizer): Pick<OptimizerJson, 'accBeta1' | 'accBeta2'> {
  const adam = adamPowers(optimizer);
  // float32 values read into doubles exactly; JSON keeps doubles exactly; tf.scalar rounds them back to the same float32.
  return adam ? { accBeta1: adam.accBeta1.dataSync()[0]!, accBeta2: adam.accBeta2.dataSync()[0]! } : {};
}

function parseOptimizerJson(value: unknown, where: string): OptimizerJson {
  const v = value as Partial<OptimizerJson> | null;
  const okSpec = (s: unknown) => typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string' && typeof (s as { dtype?: unknown }).dtype === 'string';
  if (typeof v !== 'object' || v === null || !Array.isArray(v.specs) || !v.specs.every(okSpec)) {
    throw new EmoscopeError('BAD_CHECKPOINT', `${where}: expected {"specs": [{name, shape, dtype}, …]} but received ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  for (const key of ['accBeta1', 'accBeta2'] as const) {
    const x = v[key];
    if (x !== undefined && !(typeof x === 'number' && x > 0 && x <= 1)) throw new EmoscopeError('BAD_CHECKPOINT', `${where}: expected ${key} in (0, 1] but received ${JSON.stringify(x)}`);
  }
  return v as OptimizerJson;
}

/** Checks a parsed train-state.json field by field; `where` names the file in errors. */
export function parseTrainState(value: unknown, where: string): TrainState & { checksums?: Record<string, string> } {
  const fail = (expected: string, received: unknown): never => {
    throw new EmoscopeError('BAD_CHECKPOINT', `${where}: expected ${expected} but received ${JSON.stringify(received)?.slice(0, 80) ?? 'nothing'}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('a JSON object {epochsDone, history, best, …}', value);
  const s = value as Record<string, unknown>;
  const count = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (!count(s.epochsDone)) fail('"epochsDone" a whole number ≥ 0', s.epochsDone);
  const history = s.history;
  if (!Array.isArray(history) || history.length !== s.epochsDone) fail(`"history" a list of ${String(s.epochsDone)} epochs`, history);
  (history as unknown[]).forEach((e, i) => {
    const log = e as Record<string, unknown> | null;
    if (typeof log !== 'object' || log === null || log.epoch !== i + 1 || !['loss', 'acc', 'valLoss', 'valAcc', 'seconds'].every((k) => typeof log[k] === 'number')) {
      fail(`"history"[${i}] {epoch: ${i + 1}, loss, acc, valLoss, valAcc, seconds}`, e);
    }
  });
  const best = s.best as Record<string, unknown> | null;
  if (best !== null && (typeof best !== 'object' || !count(best.epoch) || !finite(best.valAcc))) fail('"best" null or {epoch, valAcc}', best);
  if (!count(s.epochsWithoutImprovement)) fail('"epochsWithoutImprovement" a whole number ≥ 0', s.epochsWithoutImprovement);
  const partial = s.partial as Record<string, unknown> | null;
  if (partial !== null && (typeof partial !== 'object' || !['epoch', 'batchesDone', 'correct', 'seen'].every((k) => count(partial[k])) || !finite(partial.lossSum) || !finite(partial.seconds))) {
    fail('"partial" null or {epoch, batchesDone, lossSum, correct, seen, seconds}', partial);
  }
  if (s.finished !== null && s.finished !== 'completed' && s.finished !== 'early-stopping') fail('"finished" null, "completed" or "early-stopping"', s.finished);
  const checksums = s.checksums as Record<string, unknown> | undefined;
  if (checksums !== undefined && (typeof checksums !== 'object' || checksums === null || [WEIGHTS_BIN, OPTIMIZER_BIN].some((k) => !/^[0-9a-f]{64}$/.test(String(checksums[k]))))) {
    fail(`"checksums" {"${WEIGHTS_BIN}": sha256, "${OPTIMIZER_BIN}": sha256}`, checksums);
  }
  const { checksums: _, ...state } = s;
  return { ...(state as unknown as TrainState), checksums: checksums as Record<string, string> | undefined };
}

function verifyChecksum(dir: string, file: string, bytes: Uint8Array, checksums: Record<string, string> | undefined): void {
  if (checksums === undefined) return; // a checkpoint from before checksums: the caller warns
  const actual = sha256(bytes);
  if (actual !== checksums[file]) {
    throw new EmoscopeError('BAD_CHECKPOINT', `${join(dir, file)}: its sha256 ${actual.slice(0, 12)}… does not match ${checksums[file]!.slice(0, 12)}… recorded in ${STATE_JSON}: the file was changed or damaged after the checkpoint was written`);
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}
