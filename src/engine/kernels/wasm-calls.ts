// Calls into kernels already registered on the wasm backend, from inside another wasm kernel.
// emoscope's kernels are compositions of the stock ones (transpose, pad, XNNPACK convolution):
// calling their kernelFuncs directly keeps every intermediate on the wasm heap and off the
// autodiff tape; each intermediate is freed with `release` as soon as it has been consumed.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Pairs = Array<[number, number]>;

/** Runs the kernel currently registered as `name` for the wasm backend on tensors already on its heap. */
export function callKernel(
  backend: BackendWasm,
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`emoscope engine: kernel ${name} is not registered for wasm`);
  return config.kernelFunc({ inputs, attrs, backend }) as tf.TensorInfo;
}

/** Frees an intermediate made by `callKernel` (never an input of the calling kernel). */
export function release(backend: BackendWasm, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

export function transpose(backend: BackendWasm, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return callKernel(backend, tf.Transpose, { x }, { perm });
}

export function reshape(backend: BackendWasm, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return callKernel(backend, tf.Reshape, { x }, { shape });
}

export function pad(backend: BackendWasm, x: tf.TensorInfo, paddings: Pairs): tf.TensorInfo {
  return callKernel(backend, tf.PadV2, { x }, { paddings, constantValue: 0 });
}

export function reverse(backend: BackendWasm, x: tf.TensorInfo, dims: number[]): tf.TensorInfo {
  return callKernel(backend, tf.Reverse, { x }, { dims });
}

export function slice(backend: BackendWasm, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  return callKernel(backend, tf.Slice, { x }, { begin, size });
}

/**
 * A stride-1 NHWC convolution with explicit padding (`[top, bottom]`, `[left, right]`) and
 * dilation, run by whatever Conv2D kernel is registered (XNNPACK, or a faster replacement).
 */
export function conv2d(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  padHeight: [number, number],
  padWidth: [number, number],
  dilations: [number, number] = [1, 1],
): tf.TensorInfo {
  return callKernel(
    backend,
    tf.Conv2D,
    { x, filter },
    {
      strides: [1, 1],
      pad: [[0, 0], padHeight, padWidth, [0, 0]],
      dataFormat: 'NHWC',
      dilations,
    } as unknown as tf.NamedAttrMap, // explicit padding is a nested array, which NamedAttrMap spells loosely
  );
}
