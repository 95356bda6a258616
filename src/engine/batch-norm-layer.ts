// Fast training-mode batch normalization for tfjs-layers' BatchNormalization layer on the wasm
// backend. In training, the stock layer computes tf.moments + tf.batchNorm, whose autodiff makes
// about a dozen full passes over the activations (Tile, transposing Sum, broadcasts): two thirds
// of a seed-tuned training step. Here the layer's `call` runs one fused forward kernel and one
// fused backward kernel (kernels/batch-norm.ts) instead. The model, its weights, its saved
// format and inference are unchanged; the moving statistics are updated exactly as before.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BATCH_NORM_GRAD, BATCH_NORM_TRAIN } from './kernels/batch-norm.js';

/** The parts of a tfjs-layers LayerVariable the moving-average update uses. */
interface LayerVariableLike {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

/** The (TS-private) fields of tfjs-layers' BatchNormalization that its `call` reads. */
interface BatchNormLayerLike {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariableLike | null;
  beta: LayerVariableLike | null;
  movingMean: LayerVariableLike;
  movingVariance: LayerVariableLike;
}

type LayerCall = (this: BatchNormLayerLike, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;

/** Result of one training-mode normalization: the output and the batch statistics. */
export interface BatchNormTraining {
  y: tf.Tensor;
  /** per-channel batch mean */
  mean: tf.Tensor1D;
  /** per-channel biased batch variance (as tfjs-layers uses for its moving variance) */
  variance: tf.Tensor1D;
}

/**
 * y = γ·(x−μ)/√(σ²+ε) + β over the last axis with batch statistics, differentiable in x, γ and
 * β through one fused backward kernel. wasm backend only. The caller disposes mean and variance.
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTraining {
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, m, v] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: xIn, gamma: gammaIn, beta: betaIn }, { epsilon }) as tf.Tensor[];
    save([xIn, gammaIn, m, v]);
    mean = tf.keep(m as tf.Tensor1D); // leaves customGrad's scope for the moving averages
    variance = tf.keep(v as tf.Tensor1D);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xs, g, mu, va] = saved;
        const grads = tf.engine().runKernel(BATCH_NORM_GRAD, { dy: dy as tf.Tensor, x: xs, gamma: g, mean: mu, variance: va }, { epsilon });
        return grads as tf.Tensor[];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, mean: mean!, variance: variance! };
}

/** What the stock layer does to its moving statistics: v ← v − (v − value)·(1 − momentum). */
function movingAverage(variable: LayerVariableLike, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const current = variable.read();
    variable.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - momentum)));
  });
}

let patched = false;

/**
 * Routes training-mode BatchNormalization calls (channels last, with γ and β, on the wasm
 * backend) to `batchNormTraining`; anything else goes to the stock implementation. Idempotent.
 */
export function patchBatchNormalization(): void {
  if (patched) return;
  const proto = Object.getPrototypeOf(tfl.layers.batchNormalization({})) as { call: LayerCall };
  const stockCall = proto.call;
  proto.call = function (this: BatchNormLayerLike, inputs, kwargs) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const rank = input.shape.length;
    const fast =
      kwargs['training'] === true &&
      tf.getBackend() === 'wasm' &&
      input.dtype === 'float32' &&
      (this.axis === -1 || this.axis === rank - 1) &&
      this.gamma !== null &&
      this.beta !== null &&
      (!Array.isArray(inputs) || inputs.length === 1);
    if (!fast) return stockCall.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(input, this.gamma!.read() as tf.Tensor1D, this.beta!.read() as tf.Tensor1D, this.epsilon);
      movingAverage(this.movingMean, mean, this.momentum);
      movingAverage(this.movingVariance, variance, this.momentum);
      mean.dispose();
      variance.dispose();
      return y;
    });
  };
  patched = true;
}
