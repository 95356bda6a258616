// Conv2DBackpropInput for the wasm backend as an XNNPACK convolution; the stock kernel is a
// scalar loop several times slower. The input gradient is the "transposed convolution":
//
//   dx = conv(dilate(dy, s), rot180(f) with C_in and C_out swapped)
//
// with KH−1−pt rows of zeros above, and below as many as make the output H rows. For stride
// s > 1, dilate(dy) puts s−1 zeros after every row and column of dy.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, type ConvGradAttrs } from './conv-geometry.js';
import { conv2d, pad, release, reshape, reverse, slice, transpose } from './wasm-calls.js';
import { stockKernel } from './stock.js';

type Shape4 = [number, number, number, number];

interface InputGradAttrs extends ConvGradAttrs {
  inputShape: Shape4;
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap };

function conv2dBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as InputGradAttrs;
  const g = convGeometry(tf.Conv2DBackpropInput, attrs.inputShape, filter.shape as Shape4, attrs);

  const padTop = g.filterHeight - 1 - g.padTop;
  const padLeft = g.filterWidth - 1 - g.padLeft;
  // Explicit paddings wider than the filter have no transposed-convolution form here.
  if (padTop < 0 || padLeft < 0) return stockKernel(tf.Conv2DBackpropInput).kernelFunc(args) as tf.TensorInfo;

  const dilated = dilate(backend, dy, g.strideHeight, g.strideWidth); // [N, OH·sh, OW·sw, C_out]
  const padBottom = g.inHeight + g.filterHeight - 1 - dilated.shape[1] - padTop;
  const padRight = g.inWidth + g.filterWidth - 1 - dilated.shape[2] - padLeft;

  const flipped = reverse(backend, filter, [0, 1]);
  const swapped = transpose(backend, flipped, [0, 1, 3, 2]); // [KH, KW, C_out, C_in]
  release(backend, flipped);
  const dx = conv2d(backend, dilated, swapped, [padTop, Math.max(padBottom, 0)], [padLeft, Math.max(padRight, 0)]);
  release(backend, swapped);
  if (dilated !== dy) release(backend, dilated);

  // The trailing zeros of dilate() can overshoot when the stride exceeds the filter: crop.
  if (padBottom >= 0 && padRight >= 0) return dx;
  const exact = slice(backend, dx, [0, 0, 0, 0], [g.batch, g.inHeight, g.inWidth, g.inChannels]);
  release(backend, dx);
  return exact;
}

/** dy with s−1 zeros after each row and column (dy itself for stride 1). */
function dilate(backend: BackendWasm, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const spread = reshape(backend, dy, [n, oh, 1, ow, 1, c]);
  const padded = pad(backend, spread, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  release(backend, spread);
  const dilated = reshape(backend, padded, [n, oh * sh, ow * sw, c]);
  release(backend, padded);
  return dilated;
}

/** The input gradient of a 2-D convolution as one XNNPACK convolution of the dilated dy. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
