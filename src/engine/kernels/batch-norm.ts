// Batch normalization for training as two wasm-backend kernels that each read the activations
// at most twice, instead of the dozen full passes (moments, Tile, Sum, broadcasts) that
// autodiff makes of tfjs-layers' moments + batchNorm. Channels are the last axis; every other
// axis is reduced. Loops run in JS over views of the wasm heap, with float64 accumulators.
//
//   forward:  μ = mean(x), σ² = mean((x−μ)²), y = γ·(x−μ)/√(σ²+ε) + β
//   backward: x̂ = (x−μ)/√(σ²+ε), dβ = Σdy, dγ = Σdy·x̂, dx = γ/√(σ²+ε) · (dy − dβ/M − x̂·dγ/M)
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Kernel names: emoscope's own, so they can never collide with TF.js's. */
export const BATCH_NORM_TRAIN = 'EmoscopeBatchNormTrain';
export const BATCH_NORM_GRAD = 'EmoscopeBatchNormGrad';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };

function heap(backend: BackendWasm, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Inputs x, gamma, beta; attr epsilon. Outputs y, the batch mean and the batch (biased) variance. */
function batchNormTrain(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, gamma, beta } = args.inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const epsilon = (args.attrs as { epsilon: number }).epsilon;
  const channels = x.shape[x.shape.length - 1];
  const rows = tf.util.sizeFromShape(x.shape) / channels;

  // Allocate first: malloc may grow the heap, which detaches views taken before it.
  const y = backend.makeOutput(x.shape, 'float32');
  const meanOut = backend.makeOutput([channels], 'float32');
  const varOut = backend.makeOutput([channels], 'float32');
  const xs = heap(backend, x);
  const ys = heap(backend, y);
  const g = heap(backend, gamma);
  const b = heap(backend, beta);

  // Two-pass mean and variance: exact enough in float64, and robust when |μ| ≫ σ.
  const sum = new Float64Array(channels);
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) sum[c] += xs[o + c];
  }
  const mean = new Float64Array(channels);
  for (let c = 0; c < channels; c++) mean[c] = sum[c] / rows;
  const sq = new Float64Array(channels);
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) {
      const d = xs[o + c] - mean[c];
      sq[c] += d * d;
    }
  }
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  const means = heap(backend, meanOut);
  const vars = heap(backend, varOut);
  for (let c = 0; c < channels; c++) {
    const variance = sq[c] / rows;
    means[c] = mean[c];
    vars[c] = variance;
    scale[c] = g[c] / Math.sqrt(variance + epsilon);
    shift[c] = b[c] - mean[c] * scale[c];
  }
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) ys[o + c] = xs[o + c] * scale[c] + shift[c];
  }
  return [y, meanOut, varOut];
}

/** Inputs dy, x, gamma, mean, variance; attr epsilon. Outputs dx, dgamma, dbeta. */
function batchNormGrad(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { dy, x, gamma, mean, variance } = args.inputs as Record<string, tf.TensorInfo>;
  const epsilon = (args.attrs as { epsilon: number }).epsilon;
  const channels = x.shape[x.shape.length - 1];
  const rows = tf.util.sizeFromShape(x.shape) / channels;

  const dx = backend.makeOutput(x.shape, 'float32');
  const dgammaOut = backend.makeOutput([channels], 'float32');
  const dbetaOut = backend.makeOutput([channels], 'float32');
  const xs = heap(backend, x);
  const dys = heap(backend, dy);
  const dxs = heap(backend, dx);
  const g = heap(backend, gamma);
  const mu = heap(backend, mean);
  const v = heap(backend, variance);

  const invStd = new Float64Array(channels);
  for (let c = 0; c < channels; c++) invStd[c] = 1 / Math.sqrt(v[c] + epsilon);
  const sumDy = new Float64Array(channels);
  const sumDyXc = new Float64Array(channels); // Σ dy·(x−μ)
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) {
      const d = dys[o + c];
      sumDy[c] += d;
      sumDyXc[c] += d * (xs[o + c] - mu[c]);
    }
  }
  // dx = k·dy + m·x + q per channel, folded so the last pass is one multiply-add per term.
  const k = new Float32Array(channels);
  const m = new Float32Array(channels);
  const q = new Float32Array(channels);
  const dgamma = heap(backend, dgammaOut);
  const dbeta = heap(backend, dbetaOut);
  for (let c = 0; c < channels; c++) {
    const s = invStd[c];
    dgamma[c] = sumDyXc[c] * s;
    dbeta[c] = sumDy[c];
    k[c] = g[c] * s;
    m[c] = -g[c] * s * s * s * (sumDyXc[c] / rows);
    q[c] = -g[c] * s * (sumDy[c] / rows) - m[c] * mu[c];
  }
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    for (let c = 0; c < channels; c++) dxs[o + c] = k[c] * dys[o + c] + m[c] * xs[o + c] + q[c];
  }
  return [dx, dgammaOut, dbetaOut];
}

export const batchNormTrainConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN,
  backendName: 'wasm',
  kernelFunc: batchNormTrain,
};

export const batchNormGradConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormGrad,
};
