// The non-convolution hot spots of a training step on the native addon, multi-threaded:
// training batch norm (forward and backward), bias gradients (sums over all axes but the
// last) and max-pool gradients.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NativeAddon } from '../native.js';
import { BATCH_NORM_GRAD, BATCH_NORM_TRAIN } from './batch-norm.js';
import { heapOf, offsetOf } from './heap.js';
import { previousKernel } from './stock.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };

function lastAxis(shape: number[]): { rows: number; channels: number } {
  const channels = shape[shape.length - 1];
  return { rows: tf.util.sizeFromShape(shape) / channels, channels };
}

function batchNormTrain(addon: NativeAddon) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
    const { rows, channels } = lastAxis(x.shape);
    const y = backend.makeOutput(x.shape, 'float32');
    const mean = backend.makeOutput([channels], 'float32');
    const variance = backend.makeOutput([channels], 'float32');
    const o = (t: tf.TensorInfo) => offsetOf(backend, t);
    const epsilon = (args.attrs as { epsilon: number }).epsilon;
    addon.batchNormTrain(heapOf(backend), [rows, channels, o(x), o(gamma), o(beta), o(y), o(mean), o(variance), epsilon]);
    return [y, mean, variance];
  };
}

function batchNormGrad(addon: NativeAddon) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const backend = args.backend as BackendWasm;
    const { dy, x, gamma, mean, variance } = args.inputs as Record<string, tf.TensorInfo>;
    const { rows, channels } = lastAxis(x.shape);
    const dx = backend.makeOutput(x.shape, 'float32');
    const dgamma = backend.makeOutput([channels], 'float32');
    const dbeta = backend.makeOutput([channels], 'float32');
    const o = (t: tf.TensorInfo) => offsetOf(backend, t);
    const epsilon = (args.attrs as { epsilon: number }).epsilon;
    addon.batchNormGrad(heapOf(backend), [rows, channels, o(dy), o(x), o(gamma), o(mean), o(variance), o(dx), o(dgamma), o(dbeta), epsilon]);
    return [dx, dgamma, dbeta];
  };
}

/** Sum over every axis but the last (bias gradients); other reductions go to the stock kernel. */
function sum(addon: NativeAddon) {
  return (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!leading || x.dtype !== 'float32' || tf.util.sizeFromShape(x.shape) === 0) {
      return previousKernel(tf.Sum).kernelFunc(args) as tf.TensorInfo;
    }
    const { rows, channels } = lastAxis(x.shape);
    const outShape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
    const out = backend.makeOutput(outShape, 'float32');
    addon.sumRows(heapOf(backend), [rows, channels, offsetOf(backend, x), offsetOf(backend, out)]);
    return out;
  };
}

function maxPoolGrad(addon: NativeAddon) {
  return (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
    const attrs = args.attrs as {
      filterSize: number | [number, number];
      strides: number | [number, number];
      pad: 'valid' | 'same' | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    if (input.dtype !== 'float32' || input.shape.length !== 4) return previousKernel(tf.MaxPoolGrad).kernelFunc(args) as tf.TensorInfo;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const dx = backend.makeOutput(input.shape, 'float32');
    addon.maxPoolGrad(heapOf(backend), [
      info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
      info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
      offsetOf(backend, dy), offsetOf(backend, input), offsetOf(backend, dx),
    ]);
    return dx;
  };
}

/** Batch norm, bias-gradient sums and max-pool gradients on the native addon. */
export function nativeMiscKernels(addon: NativeAddon): tf.KernelConfig[] {
  return [
    { kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: batchNormTrain(addon) },
    { kernelName: BATCH_NORM_GRAD, backendName: 'wasm', kernelFunc: batchNormGrad(addon) },
    { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: sum(addon) },
    { kernelName: tf.MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad(addon) },
  ];
}
