// Conv2DBackpropFilter for the wasm backend, which ships none (so CNN training fails on stock
// TF.js wasm). The filter gradient is itself a convolution, computed by XNNPACK:
//
//   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co]
//
// Read x as a batch of C_in images of N channels, x'[ci,h,w,n], and dy as a filter of size
// OH×OW over those N channels, dy'[oh,ow,n,co]. Then dW' = conv(x', dy') with stride 1,
// dilation s (the forward stride) and the forward padding, giving [C_in, KH, KW, C_out], which
// is dW up to one transpose.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry, type ConvGradAttrs } from './conv-geometry.js';
import { conv2d, release, slice, transpose } from './wasm-calls.js';

type Shape4 = [number, number, number, number];

interface FilterGradAttrs extends ConvGradAttrs {
  filterShape: Shape4;
}

function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as FilterGradAttrs;
  const g = convGeometry(tf.Conv2DBackpropFilter, x.shape as Shape4, attrs.filterShape, attrs);

  // Padding below/right that makes the output exactly KH×KW. It is negative when the forward
  // pass never reached the last rows of x (valid padding, stride > 1): then pad nothing and
  // crop the few extra output rows instead of cropping x.
  const padBottom = g.filterHeight + (g.outHeight - 1) * g.strideHeight - g.inHeight - g.padTop;
  const padRight = g.filterWidth + (g.outWidth - 1) * g.strideWidth - g.inWidth - g.padLeft;

  const xT = transpose(backend, x, [3, 1, 2, 0]); // [C_in, H, W, N]
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [OH, OW, N, C_out]
  const grad = conv2d(backend, xT, dyT, [g.padTop, Math.max(padBottom, 0)], [g.padLeft, Math.max(padRight, 0)], [
    g.strideHeight,
    g.strideWidth,
  ]); // [C_in, KH(+extra), KW(+extra), C_out]
  release(backend, xT, dyT);

  let exact = grad;
  if (padBottom < 0 || padRight < 0) {
    exact = slice(backend, grad, [0, 0, 0, 0], [g.inChannels, g.filterHeight, g.filterWidth, g.outChannels]);
    release(backend, grad);
  }
  const dW = transpose(backend, exact, [1, 2, 0, 3]); // [KH, KW, C_in, C_out]
  release(backend, exact);
  return dW;
}

/** The filter gradient of a 2-D convolution as one XNNPACK convolution plus three transposes. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
