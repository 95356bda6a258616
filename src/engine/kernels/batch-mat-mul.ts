// BatchMatMul for the wasm backend with transposed operands. The stock kernel is fast only when
// neither operand is transposed: a dense layer's gradients (dy·Wᵀ and xᵀ·dy) ran 10× slower than
// the forward product (measured 67 and 55 ms against 5 ms for [64,2304]×[2304,256]). Transposing
// explicitly first and multiplying plainly costs 7 ms.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { previousKernel } from './stock.js';
import { release, transpose } from './wasm-calls.js';

function swapLastTwo(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transpose(backend, x, perm);
}

function batchMatMul({ inputs, attrs, backend }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: unknown }): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  const below = previousKernel(tf.BatchMatMul);
  if (!transposeA && !transposeB) return below.kernelFunc({ inputs, attrs, backend: wasm }) as tf.TensorInfo;
  const a2 = transposeA ? swapLastTwo(wasm, a) : a;
  const b2 = transposeB ? swapLastTwo(wasm, b) : b;
  try {
    return below.kernelFunc({ inputs: { a: a2, b: b2 }, attrs: { ...attrs, transposeA: false, transposeB: false }, backend: wasm }) as tf.TensorInfo;
  } finally {
    if (transposeA) release(wasm, a2);
    if (transposeB) release(wasm, b2);
  }
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
