// Convolution kernels for the wasm backend run by the native addon (oneDNN, all cores):
// forward (plain and fused with bias + relu) and both gradients. They read and write the
// tensors where they live, on the wasm heap. Cases oneDNN is not asked to handle here
// (dilation, other activations, NCHW) go to the kernel they replaced.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NativeAddon } from '../native.js';
import { heapOf, offsetOf } from './heap.js';
import { previousKernel } from './stock.js';

type Shape4 = [number, number, number, number];
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

function isOne(d: number | [number, number] | undefined): boolean {
  return d === undefined || d === 1 || (Array.isArray(d) && d[0] === 1 && d[1] === 1);
}

/**
 * The addon's conv argument list: 0 N, 1 H, 2 W, 3 C, 4 KH, 5 KW, 6 CO, 7 OH, 8 OW, 9 sh, 10 sw,
 * 11 pt, 12 pb, 13 pl, 14 pr, then three tensor offsets, a bias offset (-1: none), relu (0/1).
 */
function convArgs(info: tf.backend_util.Conv2DInfo, offsets: [number, number, number], biasOffset: number, relu: boolean): number[] {
  const p = info.padInfo;
  return [
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outChannels, info.outHeight, info.outWidth,
    info.strideHeight, info.strideWidth, p.top, p.bottom, p.left, p.right,
    ...offsets, biasOffset, relu ? 1 : 0,
  ];
}

function convInfo(xShape: Shape4, filterShape: Shape4, attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

function supported(attrs: ConvAttrs, ...tensors: tf.TensorInfo[]): boolean {
  return attrs.dataFormat === 'NHWC' && isOne(attrs.dilations) && tensors.every((t) => t.dtype === 'float32' && tf.util.sizeFromShape(t.shape) > 0);
}

function fallback(name: string, args: KernelArgs): tf.TensorInfo {
  return previousKernel(name).kernelFunc(args) as tf.TensorInfo;
}

/** Conv2D and FusedConv2D (bias, relu or linear) on the native addon. */
function forwardKernel(addon: NativeAddon, name: string) {
  return (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as ConvAttrs;
    const activation = attrs.activation ?? 'linear';
    const ok =
      supported(attrs, x!, filter!) &&
      (activation === 'linear' || activation === 'relu') &&
      preluActivationWeights == null &&
      (bias == null || (bias.shape.length === 1 && bias.shape[0] === filter!.shape[3] && bias.dtype === 'float32'));
    if (!ok) return fallback(name, args);
    const info = convInfo(x!.shape as Shape4, filter!.shape as Shape4, attrs);
    const out = backend.makeOutput(info.outShape, 'float32');
    const biasOffset = bias == null ? -1 : offsetOf(backend, bias);
    addon.conv2dForward(
      heapOf(backend),
      convArgs(info, [offsetOf(backend, x!), offsetOf(backend, filter!), offsetOf(backend, out)], biasOffset, activation === 'relu'),
    );
    return out;
  };
}

function backpropFilter(addon: NativeAddon) {
  return (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    if (!supported(attrs, x, dy)) return fallback(tf.Conv2DBackpropFilter, args);
    const info = convInfo(x.shape as Shape4, attrs.filterShape, attrs);
    const dW = backend.makeOutput(attrs.filterShape, 'float32');
    addon.conv2dBackwardWeights(heapOf(backend), convArgs(info, [offsetOf(backend, x), offsetOf(backend, dW), offsetOf(backend, dy)], -1, false));
    return dW;
  };
}

function backpropInput(addon: NativeAddon) {
  return (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    if (!supported(attrs, dy, filter)) return fallback(tf.Conv2DBackpropInput, args);
    const info = convInfo(attrs.inputShape, filter.shape as Shape4, attrs);
    const dx = backend.makeOutput(attrs.inputShape, 'float32');
    addon.conv2dBackwardData(heapOf(backend), convArgs(info, [offsetOf(backend, dx), offsetOf(backend, filter), offsetOf(backend, dy)], -1, false));
    return dx;
  };
}

/** The four convolution kernels on the native addon. */
export function nativeConvKernels(addon: NativeAddon): tf.KernelConfig[] {
  return [
    { kernelName: tf.Conv2D, backendName: 'wasm', kernelFunc: forwardKernel(addon, tf.Conv2D) },
    { kernelName: tf.FusedConv2D, backendName: 'wasm', kernelFunc: forwardKernel(addon, tf.FusedConv2D) },
    { kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: backpropFilter(addon) },
    { kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc: backpropInput(addon) },
  ];
}
