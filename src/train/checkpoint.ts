// Checkpoints of a training run: `last/` is a model folder that also holds the optimizer's slots
// and the loop's state, written atomically after every epoch (and on Ctrl-C), so that `--resume`
// continues a killed run losing at most the epoch in progress.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmoscopeError } from '../errors.js';
import type { ModelMeta } from '../model/meta.js';
import { loadModelFolder, writeModelFiles } from '../model/folder.js';
import type { LoadedModel } from '../model/folder.js';
import { recoverFolder, replaceFolderAtomic } from '../util/atomic.js';
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

/** Writes model, optimizer slots and state to `dir` atomically. */
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
  await replaceFolderAtomic(dir, async (tmp) => {
    await writeModelFiles(tmp, model, meta);
    await writeFile(join(tmp, OPTIMIZER_BIN), new Uint8Array(data));
    await writeFile(join(tmp, OPTIMIZER_JSON), JSON.stringify({ specs }));
    await writeFile(join(tmp, STATE_JSON), `${JSON.stringify(state, null, 2)}\n`);
  });
}

export interface LoadedCheckpoint extends LoadedModel {
  state: TrainState;
  /** the optimizer's slots in the order `optimizer.getWeights()` gave them */
  optimizerWeights: Array<{ name: string; tensor: tf.Tensor }>;
}

/** Reads a checkpoint written by `saveCheckpoint`. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  await recoverFolder(dir);
  const loaded = await loadModelFolder(dir);
  try {
    const state = JSON.parse(await readFile(join(dir, STATE_JSON), 'utf8')) as TrainState;
    const { specs } = JSON.parse(await readFile(join(dir, OPTIMIZER_JSON), 'utf8')) as { specs: tf.io.WeightsManifestEntry[] };
    const bin = await readFile(join(dir, OPTIMIZER_BIN));
    const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), specs);
    const optimizerWeights = specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
    return { ...loaded, state, optimizerWeights };
  } catch (error) {
    if (error instanceof EmoscopeError) throw error;
    throw new EmoscopeError('BAD_MODEL', `Cannot resume from ${dir}: its checkpoint is incomplete or unreadable (${(error as Error).message})`);
  }
}
