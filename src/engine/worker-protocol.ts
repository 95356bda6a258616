// Messages between the main thread and gradient workers (workers.ts ↔ gradient-worker.ts).
import type { SyncBuffers } from './barrier.js';
import type { KernelSet } from './kernels/index.js';

/** Sent once: how to build the model, and the shared buffers every step goes through. */
export interface WorkerInit {
  index: number;
  /** tfjs-layers model topology (model.toJSON()) */
  modelJson: string;
  kernelSet: KernelSet;
  /** threads for the native kernels of this worker */
  threads: number;
  sync: SyncBuffers;
  /** every weight of the model (model.weights order), written by the main thread before each step */
  weights: SharedArrayBuffer;
  /** the batch's inputs, one-hot labels, training targets and face weights (engine/loss.ts), written by the main thread before each step */
  inputs: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  targets: SharedArrayBuffer;
  faceWeights: SharedArrayBuffer;
  /** this worker's gradients (model.trainableWeights order), written by the worker */
  grads: SharedArrayBuffer;
  /** worker 0 writes the non-trainable weights (batch-norm moving statistics) back here */
  nonTrainable: SharedArrayBuffer;
}

/** Compute the gradients of rows [start, end) of a batch of `batch` examples. */
export interface WorkerStep {
  start: number;
  end: number;
  batch: number;
  /** seed of the step's dropout masks (engine/step-random.ts); null: unseeded, as stock TF.js */
  seed: number | null;
}

export type WorkerReply =
  | { kind: 'ready' }
  /** loss: mean hard-label cross-entropy of the shard; correct: its correct predictions */
  | { kind: 'step'; loss: number; correct: number }
  | { kind: 'error'; message: string };
