// Identity without a copy. TF.js clones every tensor it saves for the backward pass, and the
// stock wasm Identity copies the data each time (about 80 ms of an emo-vgg training step);
// sharing the buffer with a reference count, as the wasm Reshape and the cpu backend's Identity
// already do, is enough: kernels never write into their inputs.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { previousKernel } from './stock.js';

function identity({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = inputs['x'] as tf.TensorInfo;
  const wasm = backend as BackendWasm;
  if (x.dtype === 'string') return previousKernel(tf.Identity).kernelFunc({ inputs, attrs, backend: wasm }) as tf.TensorInfo;
  wasm.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};
