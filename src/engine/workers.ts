// Data-parallel training across worker threads: each worker has its own wasm instance (one per
// core), computes the gradients of its shard of the batch, and the main thread averages them.
// Batch norm uses the statistics of the whole batch (its kernels all-reduce across workers), so
// a step with N workers computes what a step with one computes, up to float rounding; so do
// dropout masks, drawn per face from the step's seed (step-random.ts) when one is given.
//
//   const pool = await GradientWorkers.start(model, { workers: 2 });
//   const { loss, grads } = await pool.computeGradients(x, y, { seed });   // grads in trainableWeights order
//   optimizer.applyGradients(model.trainableWeights.map((w, i) => ({ name: w.read().name, tensor: grads[i] })));
//   await pool.close();
// train/step.ts (trainStepOnWorkers) does this with weight decay, label smoothing and class weights.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createSyncBuffers, setParticipants, type SyncBuffers } from './barrier.js';
import { currentKernelSet, type KernelSet } from './kernels/index.js';
import type { BatchTargets } from './loss.js';
import type { WorkerInit, WorkerReply, WorkerStep } from './worker-protocol.js';

export interface GradientWorkersOptions {
  /** worker threads (default: the number of cores) */
  workers?: number;
  /** largest batch that will be passed to computeGradients (sizes the shared input buffer) */
  maxBatch?: number;
  /** kernels in the workers (default: the set registered in this thread) */
  kernelSet?: KernelSet;
}

/** What a batch is trained towards beyond its one-hot labels, and the seed of its randomness. */
export interface ComputeOptions extends Partial<BatchTargets> {
  /** seed of the step's dropout masks (step-random.ts); undefined: unseeded, as stock TF.js */
  seed?: number;
}

/** The loss, accuracy count and gradients of one batch. */
export interface BatchGradients {
  /** mean cross-entropy of the batch against its one-hot labels, without smoothing, weights or regularization */
  loss: number;
  /** correct predictions in the batch */
  correct: number;
  /** d(weighted loss on the targets + regularization)/d(weight), one tensor per entry of model.trainableWeights; the caller disposes them */
  grads: tf.Tensor[];
}

function sizeOf(weights: tfl.LayerVariable[]): number {
  return weights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0);
}

/** A pool of gradient workers for one model. */
export class GradientWorkers {
  private readonly workers: Worker[];
  private readonly model: tfl.LayersModel;
  private readonly sync: SyncBuffers;
  private readonly weights: Float32Array;
  private readonly inputs: Float32Array;
  private readonly labels: Float32Array;
  private readonly targets: Float32Array;
  private readonly faceWeights: Float32Array;
  private readonly grads: Float32Array[];
  private readonly nonTrainable: Float32Array;

  private constructor(model: tfl.LayersModel, workers: Worker[], init: Omit<WorkerInit, 'index' | 'modelJson' | 'kernelSet' | 'threads' | 'grads'>, grads: SharedArrayBuffer[]) {
    this.model = model;
    this.workers = workers;
    this.sync = init.sync;
    this.weights = new Float32Array(init.weights);
    this.inputs = new Float32Array(init.inputs);
    this.labels = new Float32Array(init.labels);
    this.targets = new Float32Array(init.targets);
    this.faceWeights = new Float32Array(init.faceWeights);
    this.grads = grads.map((g) => new Float32Array(g));
    this.nonTrainable = new Float32Array(init.nonTrainable);
  }

  /** Number of worker threads. */
  get size(): number {
    return this.workers.length;
  }

  /** Starts `options.workers` workers, each with a copy of `model`'s architecture. */
  static async start(model: tfl.LayersModel, options: GradientWorkersOptions = {}): Promise<GradientWorkers> {
    const count = options.workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1) throw new Error(`emoscope engine: expected a positive integer for workers but received ${count}`);
    const maxBatch = options.maxBatch ?? 256;
    const kernelSet = options.kernelSet ?? currentKernelSet() ?? 'wasm';
    const [, h, w, c] = model.inputs[0].shape as number[];
    const classes = (model.outputs[0].shape as number[])[1];
    const f32 = Float32Array.BYTES_PER_ELEMENT;
    const shared = {
      sync: createSyncBuffers(count),
      weights: new SharedArrayBuffer(sizeOf(model.weights) * f32),
      inputs: new SharedArrayBuffer(maxBatch * h * w * c * f32),
      labels: new SharedArrayBuffer(maxBatch * classes * f32),
      targets: new SharedArrayBuffer(maxBatch * classes * f32),
      faceWeights: new SharedArrayBuffer(maxBatch * f32),
      nonTrainable: new SharedArrayBuffer(Math.max(1, sizeOf(model.nonTrainableWeights)) * f32),
    };
    const grads = Array.from({ length: count }, () => new SharedArrayBuffer(sizeOf(model.trainableWeights) * f32));
    const modelJson = JSON.stringify(model.toJSON(null, false));
    const threads = Math.max(1, Math.floor(availableParallelism() / count));
    const workers = grads.map((g, index) => {
      const init: WorkerInit = { ...shared, index, modelJson, kernelSet, threads, grads: g };
      return new Worker(new URL('./gradient-worker.js', import.meta.url), { workerData: init });
    });
    const pool = new GradientWorkers(model, workers, shared, grads);
    try {
      await Promise.all(workers.map((worker) => pool.next(worker, 'ready')));
    } catch (error) {
      await pool.close();
      throw error;
    }
    pool.maxBatch = maxBatch;
    return pool;
  }

  private maxBatch = 0;

  private next(worker: Worker, kind: WorkerReply['kind']): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: WorkerReply) => {
        worker.off('error', onError);
        if (message.kind === 'error') reject(new Error(`emoscope gradient worker failed: ${message.message}`));
        else if (message.kind !== kind) reject(new Error(`emoscope gradient worker: expected ${kind} but received ${message.kind}`));
        else resolve(message);
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
  }

  /**
   * The gradients of the batch (x: [n,h,w,c], y: one-hot [n,classes]) with the model's current
   * weights: each worker takes a contiguous shard, and the shards' gradients are averaged by size.
   * Without `options.targets` the targets are `y`; without `options.faceWeights` every face weighs 1/n.
   */
  async computeGradients(x: tf.Tensor4D, y: tf.Tensor2D, options: ComputeOptions = {}): Promise<BatchGradients> {
    const batch = x.shape[0];
    if (batch > this.maxBatch) throw new Error(`emoscope engine: expected a batch of at most ${this.maxBatch} but received ${batch}`);
    const { targets, faceWeights, seed } = options;
    if (targets !== undefined && targets.length !== y.size) throw new Error(`emoscope engine: expected ${y.size} targets but received ${targets.length}`);
    if (faceWeights !== undefined && faceWeights.length !== batch) throw new Error(`emoscope engine: expected ${batch} face weights but received ${faceWeights.length}`);
    let offset = 0;
    for (const w of this.model.weights) {
      const values = w.read().dataSync() as Float32Array;
      this.weights.set(values, offset);
      offset += values.length;
    }
    this.inputs.set(x.dataSync() as Float32Array);
    const labels = y.dataSync() as Float32Array;
    this.labels.set(labels);
    this.targets.set(targets ?? labels);
    if (faceWeights) this.faceWeights.set(faceWeights);
    else this.faceWeights.fill(1 / batch, 0, batch);

    const shards = Math.min(this.workers.length, batch);
    setParticipants(this.sync, shards);
    const bounds = Array.from({ length: shards + 1 }, (_, i) => Math.round((i * batch) / shards));
    const replies = await Promise.all(
      bounds.slice(0, shards).map((start, i) => {
        const reply = this.next(this.workers[i], 'step');
        const step: WorkerStep = { start, end: bounds[i + 1], batch, seed: seed ?? null };
        this.workers[i].postMessage(step);
        return reply;
      }),
    );

    // Σ_w (n_w / n)·∇L_w: each worker's objective is scaled as if its shard were a batch (engine/loss.ts).
    const total = new Float32Array(this.grads[0].length);
    let loss = 0;
    let correct = 0;
    replies.forEach((reply, i) => {
      if (reply.kind !== 'step') return;
      const share = (bounds[i + 1] - bounds[i]) / batch;
      const g = this.grads[i];
      for (let j = 0; j < total.length; j++) total[j] += share * g[j];
      loss += share * reply.loss;
      correct += reply.correct;
    });
    const grads: tf.Tensor[] = [];
    let at = 0;
    for (const w of this.model.trainableWeights) {
      const size = tf.util.sizeFromShape(w.shape as number[]);
      grads.push(tf.tensor(total.slice(at, at + size), w.shape as number[]));
      at += size;
    }
    // Batch-norm moving statistics as worker 0 updated them (identical in every worker).
    at = 0;
    for (const w of this.model.nonTrainableWeights) {
      const size = tf.util.sizeFromShape(w.shape as number[]);
      tf.tidy(() => {
        w.write(tf.tensor(this.nonTrainable.slice(at, at + size), w.shape as number[]));
      });
      at += size;
    }
    return { loss, correct, grads };
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
