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
  bnChannelSums(heap: ArrayBuffer, args: number[], out: Float64Array, center?: Float64Array): void;
  bnAffine(heap: ArrayBuffer, args: number[], scale: Float32Array, shift: Float32Array): void;
  bnGradSums(heap: ArrayBuffer, args: number[], mean: Float64Array, sumDy: Float64Array, sumDyXc: Float64Array): void;
  bnGradApply(heap: ArrayBuffer, args: number[], k: Float32Array, m: Float32Array, q: Float32Array): void;
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
  // OpenMP threads that spin between kernels take the core from the JS thread that runs
  // everything else, and on a loaded machine from each other: measured 2.1–2.6 s vs 0.8–1.6 s
  // a seed-tuned step. Sleep instead, unless the user chose otherwise; read when libgomp loads.
  process.env['OMP_WAIT_POLICY'] ??= 'PASSIVE';
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
