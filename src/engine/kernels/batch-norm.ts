// Batch normalization for training as two wasm-backend kernels that each read the activations
// at most twice, instead of the dozen full passes (moments, Tile, transposing Sum, broadcasts)
// that autodiff makes of tfjs-layers' moments + batchNorm. Channels are the last axis; every
// other axis is reduced. The per-channel sums go through `allReduce`, so data-parallel workers
// normalize with the statistics of the whole batch, exactly as one process would.
//
//   forward:  μ = mean(x), σ² = mean((x−μ)²), y = γ·(x−μ)/√(σ²+ε) + β
//   backward: x̂ = (x−μ)/√(σ²+ε), dβ = Σdy, dγ = Σdy·x̂, dx = γ/√(σ²+ε) · (dy − dβ/M − x̂·dγ/M)
//
// The passes over the activations are pluggable: JS loops over the wasm heap here, multi-threaded
// C++ in the native addon.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allReduce } from '../all-reduce.js';

/** Kernel names: emoscope's own, so they can never collide with TF.js's. */
export const BATCH_NORM_TRAIN = 'EmoscopeBatchNormTrain';
export const BATCH_NORM_GRAD = 'EmoscopeBatchNormGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };

/** The full passes over [rows, C] activations that the batch-norm kernels are made of. */
export interface BatchNormPasses {
  /** out[c] = Σ_r x[r,c], or Σ_r (x[r,c] − center[c])² when `center` is given. */
  channelSums(backend: BackendWasm, x: tf.TensorInfo, out: Float64Array, center?: Float64Array): void;
  /** y[r,c] = x[r,c]·scale[c] + shift[c] */
  affine(backend: BackendWasm, x: tf.TensorInfo, y: tf.TensorInfo, scale: Float32Array, shift: Float32Array): void;
  /** sumDy[c] = Σ_r dy[r,c], sumDyXc[c] = Σ_r dy[r,c]·(x[r,c] − mean[c]) */
  gradSums(backend: BackendWasm, dy: tf.TensorInfo, x: tf.TensorInfo, mean: Float64Array, sumDy: Float64Array, sumDyXc: Float64Array): void;
  /** dx[r,c] = k[c]·dy[r,c] + m[c]·x[r,c] + q[c] */
  gradApply(backend: BackendWasm, dy: tf.TensorInfo, x: tf.TensorInfo, dx: tf.TensorInfo, k: Float32Array, m: Float32Array, q: Float32Array): void;
}

function heap(backend: BackendWasm, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** The passes as JS loops over views of the wasm heap, float64 accumulators. */
export const jsBatchNormPasses: BatchNormPasses = {
  channelSums(backend, x, out, center) {
    const xs = heap(backend, x);
    const channels = out.length;
    out.fill(0);
    for (let o = 0; o < xs.length; o += channels) {
      if (center) {
        for (let c = 0; c < channels; c++) {
          const d = xs[o + c] - center[c];
          out[c] += d * d;
        }
      } else {
        for (let c = 0; c < channels; c++) out[c] += xs[o + c];
      }
    }
  },
  affine(backend, x, y, scale, shift) {
    const xs = heap(backend, x);
    const ys = heap(backend, y);
    const channels = scale.length;
    for (let o = 0; o < xs.length; o += channels) {
      for (let c = 0; c < channels; c++) ys[o + c] = xs[o + c] * scale[c] + shift[c];
    }
  },
  gradSums(backend, dy, x, mean, sumDy, sumDyXc) {
    const xs = heap(backend, x);
    const dys = heap(backend, dy);
    const channels = mean.length;
    sumDy.fill(0);
    sumDyXc.fill(0);
    for (let o = 0; o < xs.length; o += channels) {
      for (let c = 0; c < channels; c++) {
        const d = dys[o + c];
        sumDy[c] += d;
        sumDyXc[c] += d * (xs[o + c] - mean[c]);
      }
    }
  },
  gradApply(backend, dy, x, dx, k, m, q) {
    const xs = heap(backend, x);
    const dys = heap(backend, dy);
    const dxs = heap(backend, dx);
    const channels = k.length;
    for (let o = 0; o < xs.length; o += channels) {
      for (let c = 0; c < channels; c++) dxs[o + c] = k[c] * dys[o + c] + m[c] * xs[o + c] + q[c];
    }
  },
};

function channelsOf(x: tf.TensorInfo): number {
  return x.shape[x.shape.length - 1];
}

/** Σ over every worker of `values` and of this worker's row count (last slot). */
function reduceWithCount(values: Float64Array, rows: number): { sums: Float64Array; rows: number } {
  const all = new Float64Array(values.length + 1);
  all.set(values);
  all[values.length] = rows;
  allReduce(all);
  return { sums: all.subarray(0, values.length), rows: all[values.length] };
}

/** Inputs x, gamma, beta; attr epsilon. Outputs y, the batch mean and the batch (biased) variance. */
function trainKernel(passes: BatchNormPasses) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
    const epsilon = (args.attrs as { epsilon: number }).epsilon;
    const channels = channelsOf(x);
    const localRows = tf.util.sizeFromShape(x.shape) / channels;

    // Two-pass mean and variance: robust when |μ| ≫ σ.
    const partial = new Float64Array(channels);
    passes.channelSums(backend, x, partial);
    const { sums, rows } = reduceWithCount(partial, localRows);
    const mean = sums.map((s) => s / rows);
    passes.channelSums(backend, x, partial, mean);
    const squares = reduceWithCount(partial, localRows).sums;

    const y = backend.makeOutput(x.shape, 'float32');
    const meanOut = backend.makeOutput([channels], 'float32');
    const varOut = backend.makeOutput([channels], 'float32');
    // Views only after the allocations: malloc may grow the heap, which detaches older views.
    const g = heap(backend, gamma);
    const b = heap(backend, beta);
    const means = heap(backend, meanOut);
    const vars = heap(backend, varOut);
    const scale = new Float32Array(channels);
    const shift = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const variance = squares[c] / rows;
      means[c] = mean[c];
      vars[c] = variance;
      scale[c] = g[c] / Math.sqrt(variance + epsilon);
      shift[c] = b[c] - mean[c] * scale[c];
    }
    passes.affine(backend, x, y, scale, shift);
    return [y, meanOut, varOut];
  };
}

/** Inputs dy, x, gamma, mean, variance; attr epsilon. Outputs dx, dgamma, dbeta. */
function gradKernel(passes: BatchNormPasses) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const { dy, x, gamma, mean, variance } = args.inputs as Record<string, tf.TensorInfo>;
    const epsilon = (args.attrs as { epsilon: number }).epsilon;
    const channels = channelsOf(x);
    const localRows = tf.util.sizeFromShape(x.shape) / channels;

    const mu = Float64Array.from(heap(backend, mean));
    const sumDy = new Float64Array(channels);
    const sumDyXc = new Float64Array(channels); // Σ dy·(x−μ)
    passes.gradSums(backend, dy, x, mu, sumDy, sumDyXc);
    // Across workers the loss is Σ_w (rows_w/rows)·L_w (the caller weights each worker's
    // gradients by its share), so the whole-batch sums of the loss gradient are the partial
    // sums weighted by rows_w, divided by the total rows. One worker: weights 1, nothing changes.
    const weighted = new Float64Array(2 * channels);
    for (let c = 0; c < channels; c++) {
      weighted[c] = sumDy[c] * localRows;
      weighted[channels + c] = sumDyXc[c] * localRows;
    }
    const { sums, rows } = reduceWithCount(weighted, localRows);

    const dx = backend.makeOutput(x.shape, 'float32');
    const dgammaOut = backend.makeOutput([channels], 'float32');
    const dbetaOut = backend.makeOutput([channels], 'float32');
    const g = heap(backend, gamma);
    const v = heap(backend, variance);
    const dgamma = heap(backend, dgammaOut);
    const dbeta = heap(backend, dbetaOut);
    // This worker's dx, scaled like its own loss (rows/rows_w times its share of the batch's
    // dx), folded to dx = k·dy + m·x + q per channel so the last pass is one multiply-add per term.
    const k = new Float32Array(channels);
    const m = new Float32Array(channels);
    const q = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const s = 1 / Math.sqrt(v[c] + epsilon);
      const batchDy = sums[c] / rows; // Σ over the batch of the loss gradient
      const batchDyXc = sums[channels + c] / rows;
      dgamma[c] = sumDyXc[c] * s; // dγ and dβ are sums over rows: this worker's rows only
      dbeta[c] = sumDy[c];
      k[c] = g[c] * s;
      const mc = (-g[c] * s * s * s * batchDyXc) / localRows;
      m[c] = mc;
      q[c] = (-g[c] * s * batchDy) / localRows - mc * mu[c];
    }
    passes.gradApply(backend, dy, x, dx, k, m, q);
    return [dx, dgammaOut, dbetaOut];
  };
}

/** The training and gradient kernels of batch norm on the given passes. */
export function batchNormKernels(passes: BatchNormPasses): tf.KernelConfig[] {
  return [
    { kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: trainKernel(passes) },
    { kernelName: BATCH_NORM_GRAD, backendName: 'wasm', kernelFunc: gradKernel(passes) },
  ];
}
