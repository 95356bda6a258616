// Loads emoscope's optional native addon (src/engine/native/, built by `npm run build:native`):
// oneDNN convolutions and multi-threaded C++ loops that work in place on the wasm backend's heap.
// Where it is not built (browser, other OS, no compiler or oneDNN) the engine uses its pure-wasm
// kernels instead; EMOSCOPE_NATIVE=0 forces that path.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The addon's functions. Each takes the wasm heap (an ArrayBuffer) and a flat list of numbers:
 * sizes, byte offsets of tensors on the heap, attributes (see emoscope_native.cc for each layout).
 */
export interface NativeAddon {
  conv2dForward(heap: ArrayBuffer, args: number[]): void;
  conv2dBackwardData(heap: ArrayBuffer, args: number[]): void;
  conv2dBackwardWeights(heap: ArrayBuffer, args: number[]): void;
  batchNormTrain(heap: ArrayBuffer, args: number[]): void;
  batchNormGrad(heap: ArrayBuffer, args: number[]): void;
  sumRows(heap: ArrayBuffer, args: number[]): void;
  maxPoolGrad(heap: ArrayBuffer, args: number[]): void;
  /** Sets the number of threads (n > 0) and returns the number in use. */
  setThreads(n: number): number;
  /** oneDNN's implementation for a typical 3×3 conv, e.g. "brgconv:avx512_core". */
  implName(): string;
}

/** Where node-gyp puts the addon, relative to this file in src/ or in dist/src/. */
const CANDIDATES = ['./native/build/Release/emoscope_native.node', '../../../src/engine/native/build/Release/emoscope_native.node'];

let loaded: NativeAddon | null | undefined;
let loadError: string | undefined;

/** The native addon if it is built and loads, else undefined (and `nativeLoadError()` says why). */
export function nativeAddon(): NativeAddon | undefined {
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  if (process.env['EMOSCOPE_NATIVE'] === '0') {
    loadError = 'disabled by EMOSCOPE_NATIVE=0';
    return undefined;
  }
  const require = createRequire(import.meta.url);
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (!existsSync(path)) continue;
    try {
      loaded = require(path) as NativeAddon;
      return loaded;
    } catch (error) {
      loadError = `${path}: ${(error as Error).message}`; // e.g. libdnnl missing at run time
    }
  }
  loadError ??= 'not built (npm run build:native)';
  return undefined;
}

/** Why `nativeAddon()` returned undefined, for `emoscope` diagnostics and the benchmark table. */
export function nativeLoadError(): string | undefined {
  return loadError;
}
