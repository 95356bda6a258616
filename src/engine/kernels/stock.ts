// Kernels that emoscope replaced on the wasm backend, kept so a replacement can hand a case it
// does not cover back: to the stock TF.js kernel, or to the kernel it displaced (the native
// kernels fall back to emoscope's pure-wasm ones, which fall back to stock).
import * as tf from '@tensorflow/tfjs-core';

const stock = new Map<string, tf.KernelConfig>();
const previous = new Map<string, tf.KernelConfig>();

/** Remembers the stock kernel `name` (if any) the first time it is asked; returns it. */
export function keepStockKernel(name: string): tf.KernelConfig | undefined {
  if (!stock.has(name)) {
    const config = tf.getKernel(name, 'wasm');
    if (config !== undefined) stock.set(name, config);
  }
  return stock.get(name);
}

/** The stock wasm kernel that emoscope replaced under `name`. */
export function stockKernel(name: string): tf.KernelConfig {
  const config = stock.get(name);
  if (config === undefined) throw new Error(`emoscope engine: no stock wasm kernel ${name} to fall back to`);
  return config;
}

/** Records that `config` was registered under `name` before the kernel now being registered. */
export function setPreviousKernel(name: string, config: tf.KernelConfig | undefined): void {
  if (config === undefined) previous.delete(name);
  else previous.set(name, config);
}

/** The kernel registered under `name` before the current one (a native kernel's fallback). */
export function previousKernel(name: string): tf.KernelConfig {
  const config = previous.get(name);
  if (config === undefined) throw new Error(`emoscope engine: no wasm kernel ${name} to fall back to`);
  return config;
}
