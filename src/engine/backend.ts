// Sets up the TensorFlow.js backend emoscope computes on: the wasm backend (XNNPACK) with the
// kernels emoscope adds to it (kernels/index.ts: convolution gradients, fused batch norm, and the
// native oneDNN kernels where the addon is built), the fast training-mode batch-norm layer and
// dropout masks drawn per face (step-random.ts).
// Every entry point that touches tensors calls `initEngine()` first; it is idempotent. For
// data-parallel training see workers.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's node bundle registers no gradients; tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import { registerEngineKernels } from './kernels/index.js';
import { patchBatchNormalization } from './batch-norm-layer.js';
import { patchDropout } from './step-random.js';

export type BackendName = 'wasm' | 'cpu';

let ready: Promise<void> | undefined;
let readyBackend: BackendName | undefined;

/** Selects the backend (default wasm) once per process and registers emoscope's kernels on it. */
export async function initEngine(backend: BackendName = 'wasm'): Promise<void> {
  if (ready && readyBackend === backend) return ready;
  readyBackend = backend;
  ready = (async () => {
    registerEngineKernels(); // before the backend is used, so no op ever runs a stock gradient kernel
    patchBatchNormalization();
    patchDropout();
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`Could not initialise the TensorFlow.js ${backend} backend`);
    await tf.ready();
  })();
  return ready;
}
