// The non-convolution hot spots of a training step on the native addon, multi-threaded:
// training batch norm (forward and backward), bias gradients (sums over all axes but the
// last) and max-pool gradients.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NativeAddon } from '../native.js';
import { batchNormKernels, type BatchNormPasses } from './batch-norm.js';
import { heapOf, offsetOf } from './heap.js';
import { previousKernel } from './stock.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };

function lastAxis(shape: number[]): { rows: number; channels: number } {
  const channels = shape[shape.length - 1];
  return { rows: tf.util.sizeFromShape(shape) / channels, channels };
}

/** Batch norm's passes over the activations as multi-threaded C++ on the heap. */
function nativePasses(addon: NativeAddon): BatchNormPasses {
  const rowsOf = (x: tf.TensorInfo) => lastAxis(x.shape);
  return {
    channelSums(backend, x, out, center) {
      const { rows, channels } = rowsOf(x);
      const args = [rows, channels, offsetOf(backend, x)];
      if (center) addon.bnChannelSums(heapOf(backend), args, out, center);
      else addon.bnChannelSums(heapOf(backend), args, out);
    },
    affine(backend, x, y, scale, shift) {
      const { rows, channels } = rowsOf(x);
      addon.bnAffine(heapOf(backend), [rows, channels, offsetOf(backend, x), offsetOf(backend, y)], scale, shift);
    },
    gradSums(backend, dy, x, mean, sumDy, sumDyXc) {
      const { rows, channels } = rowsOf(x);
      addon.bnGradSums(heapOf(backend), [rows, channels, offsetOf(backend, dy), offsetOf(backend, x)], mean, sumDy, sumDyXc);
    },
    gradApply(backend, dy, x, dx, k, m, q) {
      const { rows, channels } = rowsOf(x);
      addon.bnGradApply(heapOf(backend), [rows, channels, offsetOf(backend, dy), offsetOf(backend, x), offsetOf(backend, dx)], k, m, q);
    },
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
    ...batchNormKernels(nativePasses(addon)),
    { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: sum(addon) },
    { kernelName: tf.MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad(addon) },
  ];
}
