// The randomness of one training step, made independent of how its batch is split across
// workers. Stock TF.js draws a dropout mask for the whole input tensor from one generator, so a
// worker holding rows 32..63 would draw the mask of rows 0..31, and N workers would train a
// different network than one process. Inside `withStepRandom(seed, firstFace, …)` every
// training-mode Dropout layer instead draws the mask of each face from its own generator,
// seeded by (step seed, which dropout call of the step, the face's index in the whole batch):
// any sharding of the batch gives the same masks, and a resumed run draws the masks the
// uninterrupted run drew. Math.random is seeded for the step too, for any other random op.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom } from '../util/random.js';

interface StepRandom {
  seed: number;
  /** index in the whole batch of this shard's first row */
  firstFace: number;
  /** dropout calls so far in this step: the forward pass calls layers in the same order in every worker */
  calls: number;
}

let current: StepRandom | undefined;

/** A 32-bit hash of `values` (murmur3's finalizer after each value), for seeds that differ in every input. */
function hashSeed(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * Runs `fn` (synchronous: a forward and backward pass) with per-face dropout masks drawn from
 * `seed`, for a shard whose first row is face `firstFace` of the batch (0 in a single process).
 */
export function withStepRandom<T>(seed: number, firstFace: number, fn: () => T): T {
  const outer = current;
  const originalRandom = Math.random;
  current = { seed, firstFace, calls: 0 };
  Math.random = createRandom(hashSeed(seed, firstFace, 0xdead)); // other random ops: deterministic, though not shard-independent
  try {
    return fn();
  } finally {
    current = outer;
    Math.random = originalRandom;
  }
}

/**
 * The dropout multipliers (0 or 1/(1−rate)) of `rows` faces starting at face `firstFace`, each
 * with `perFace` values, for the `call`-th dropout call of the step seeded `seed`. Faces share
 * one mask (face 0's) when `shared`, as a noise shape of [1, …] asks.
 */
export function dropoutMask(seed: number, call: number, firstFace: number, rows: number, perFace: number, rate: number, shared = false): Float32Array {
  const scale = 1 / (1 - rate);
  const mask = new Float32Array(rows * perFace);
  for (let r = 0; r < rows; r++) {
    const random = createRandom(hashSeed(seed, call, shared ? 0 : firstFace + r));
    const base = r * perFace;
    for (let j = 0; j < perFace; j++) mask[base + j] = random() >= rate ? scale : 0; // as tf.dropout: keep when u ≥ rate
  }
  return mask;
}

/** The (TS-private) fields and methods of tfjs-layers' Dropout that its `call` uses. */
interface DropoutLayerLike {
  rate: number;
  noiseShape?: Array<number | null>;
  getNoiseShape(input: tf.Tensor): number[] | undefined;
  invokeCallHook(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): void;
}

type LayerCall = (this: DropoutLayerLike, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

let patched = false;

/**
 * Routes training-mode Dropout calls (and SpatialDropout1D, its subclass) made inside
 * `withStepRandom` to per-face masks; every other call goes to the stock implementation. The
 * model, its saved format and inference are unchanged. Idempotent.
 */
export function patchDropout(): void {
  if (patched) return;
  const proto = Object.getPrototypeOf(tfl.layers.dropout({ rate: 0.5 })) as { call: LayerCall };
  const stockCall = proto.call;
  proto.call = function (this: DropoutLayerLike, inputs, kwargs) {
    const step = current;
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const perFaceMasks = step !== undefined && kwargs['training'] === true && this.rate > 0 && this.rate < 1 &&
      input.dtype === 'float32' && (!Array.isArray(inputs) || inputs.length === 1);
    if (!perFaceMasks) return stockCall.call(this, inputs, kwargs);
    const call = step.calls++;
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const noise = this.getNoiseShape(input) ?? input.shape;
      const shared = this.noiseShape?.[0] === 1;
      const rows = noise[0]!;
      const perFace = tf.util.sizeFromShape(noise.slice(1));
      return tf.mul(input, tf.tensor(dropoutMask(step.seed, call, step.firstFace, rows, perFace, this.rate, shared), noise));
    });
  };
  patched = true;
}
