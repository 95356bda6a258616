// The wasm backend's own kernels, kept when emoscope registers a replacement, so a replacement
// can hand a case it does not cover back to the original.
import * as tf from '@tensorflow/tfjs-core';

const stock = new Map<string, tf.KernelConfig>();

/** Remembers the stock kernel `name` (if any) before it is replaced and returns it; later calls keep the first. */
export function keepStockKernel(name: string): tf.KernelConfig | undefined {
  const config = tf.getKernel(name, 'wasm');
  if (config !== undefined && !stock.has(name)) stock.set(name, config);
  return config;
}

/** The stock wasm kernel that emoscope replaced under `name`. */
export function stockKernel(name: string): tf.KernelConfig {
  const config = stock.get(name);
  if (config === undefined) throw new Error(`emoscope engine: no stock wasm kernel ${name} to fall back to`);
  return config;
}
