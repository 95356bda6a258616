// The geometry shared by the convolution gradients: the forward convolution's sizes and the
// padding it applied, read from the kernel's attributes the way TF.js computes them.
import * as tf from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];

/** Sizes of a forward NHWC convolution y = conv2d(x, f), dilation 1. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  filterHeight: number;
  filterWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Rows of zeros the forward pass added above x (TF's `same` puts the odd one below). */
  padTop: number;
  /** Columns of zeros the forward pass added left of x. */
  padLeft: number;
}

/** Attributes common to Conv2DBackpropFilter and Conv2DBackpropInput. */
export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Geometry of the forward convolution whose gradient is asked for; NHWC only, like the wasm backend. */
export function convGeometry(op: string, xShape: Shape4, filterShape: Shape4, attrs: ConvGradAttrs): ConvGeometry {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`emoscope engine: ${op} expected dataFormat 'NHWC' but received '${attrs.dataFormat}'`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    outChannels: info.outChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
