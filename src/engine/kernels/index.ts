// The list of kernels emoscope adds to or replaces in the TF.js wasm backend, registered in one
// place like TF.js's own `register_all_kernels`.
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { batchNormGradConfig, batchNormTrainConfig } from './batch-norm.js';
import { keepStockKernel } from './stock.js';

/** Every kernel emoscope registers for the wasm backend. */
export const ENGINE_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  batchNormTrainConfig,
  batchNormGradConfig,
];

let registered = false;

/** Registers ENGINE_KERNELS on the wasm backend (replacing the stock ones, kept as fallbacks); idempotent. */
export function registerEngineKernels(): void {
  if (registered) return;
  for (const config of ENGINE_KERNELS) {
    const stock = keepStockKernel(config.kernelName);
    if (stock !== undefined) tf.unregisterKernel(config.kernelName, config.backendName); // avoids TF.js's "already registered" warning
    tf.registerKernel(withStockSetup(config, stock));
  }
  registered = true;
}

/**
 * The backend runs a kernel's setupFunc when it initialises, for registered kernels only; a stock
 * kernel replaced before that would never be set up and could not serve as a fallback. So the
 * replacement runs the stock setup (and dispose) too.
 */
function withStockSetup(config: tf.KernelConfig, stock: tf.KernelConfig | undefined): tf.KernelConfig {
  if (stock === undefined || (stock.setupFunc === undefined && stock.disposeFunc === undefined)) return config;
  return {
    ...config,
    setupFunc: (backend) => {
      stock.setupFunc?.(backend);
      config.setupFunc?.(backend);
    },
    disposeFunc: (backend) => {
      stock.disposeFunc?.(backend);
      config.disposeFunc?.(backend);
    },
  };
}
