// The kernels emoscope adds to or replaces in the TF.js wasm backend, registered from plain
// lists like TF.js's own `register_all_kernels`. Two layers: WASM_KERNELS work everywhere the
// wasm backend does; the native kernels (when the addon is built) go on top and hand the cases
// they do not cover down to the layer below, which hands its own down to stock TF.js.
import * as tf from '@tensorflow/tfjs-core';
import { nativeAddon } from '../native.js';
import { batchNormKernels, jsBatchNormPasses } from './batch-norm.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { identityConfig } from './identity.js';
import { nativeConvKernels } from './native-conv.js';
import { nativeMiscKernels } from './native-misc.js';
import { keepStockKernel, setPreviousKernel } from './stock.js';

/**
 * Pure-wasm kernels: the filter gradient TF.js lacks, a faster input gradient, fused batch norm,
 * max-pool gradient, fast transposed matrix products, copy-free Identity.
 */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  ...batchNormKernels(jsBatchNormPasses),
  maxPoolGradConfig,
  batchMatMulConfig,
  identityConfig,
];

/** Which kernels serve the wasm backend: emoscope's pure-wasm ones, or the native addon's on top. */
export type KernelSet = 'wasm' | 'native';

let current: KernelSet | undefined;

/** The kernel set registered now (undefined before the first `registerEngineKernels`). */
export function currentKernelSet(): KernelSet | undefined {
  return current;
}

/**
 * Registers emoscope's kernels on the wasm backend: `native` when the addon loads (the default
 * then), else `wasm`. Can be called again to switch sets (tests and benchmarks do); returns the
 * set in force.
 */
export function registerEngineKernels(set?: KernelSet): KernelSet {
  if (set === undefined && current !== undefined) return current; // initEngine keeps an explicit choice
  const addon = nativeAddon();
  const wanted: KernelSet = set ?? (addon ? 'native' : 'wasm');
  if (wanted === current) return current;
  if (wanted === 'native' && addon === undefined) throw new Error('emoscope engine: the native addon is not available');
  const native = wanted === 'native' && addon ? [...nativeConvKernels(addon), ...nativeMiscKernels(addon)] : [];
  const layers = [WASM_KERNELS, native];
  const names = new Set(layers.flat().map((k) => k.kernelName));
  if (current === 'native' && addon) for (const k of [...nativeConvKernels(addon), ...nativeMiscKernels(addon)]) names.add(k.kernelName);

  for (const name of names) {
    const stock = keepStockKernel(name);
    if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
    let below = stock;
    for (const layer of layers) {
      const config = layer.find((k) => k.kernelName === name);
      if (config === undefined) continue;
      setPreviousKernel(name, below);
      below = withSetupOf(config, below);
    }
    if (below !== undefined) tf.registerKernel(below);
  }
  current = wanted;
  return current;
}

/**
 * The backend runs a kernel's setupFunc when it initialises, for registered kernels only; a
 * kernel displaced before that would never be set up and could not serve as a fallback. So a
 * replacement runs the setup (and dispose) of the kernel below it too.
 */
function withSetupOf(config: tf.KernelConfig, below: tf.KernelConfig | undefined): tf.KernelConfig {
  if (below === undefined || (below.setupFunc === undefined && below.disposeFunc === undefined)) return config;
  return {
    ...config,
    setupFunc: (backend) => {
      below.setupFunc?.(backend);
      config.setupFunc?.(backend);
    },
    disposeFunc: (backend) => {
      below.disposeFunc?.(backend);
      config.disposeFunc?.(backend);
    },
  };
}
