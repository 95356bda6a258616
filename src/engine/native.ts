// Loads emoscope's optional native addon (src/engine/native/, built by `npm run build:native`):
// oneDNN convolutions and multi-threaded C++ loops that work in place on the wasm backend's heap.
// Where it is not built (browser, other OS, no compiler or oneDNN) the engine uses its pure-wasm
// kernels instead; EMOSCOPE_NATIVE=0 forces that path.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
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
  // How long OpenMP threads spin before sleeping between kernels (read when libgomp loads).
  // libgomp's default spins long enough to take the core from the JS thread on a loaded machine
  // (a seed-tuned step 2.1–2.6 s); sleeping at once costs a wake-up per kernel on a quiet one
  // (776 ms against 480–510 ms spinning). A short spin of 10⁶ iterations measured 474–497 ms
  // quiet. The user's own OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
  if (process.env['OMP_WAIT_POLICY'] === undefined) process.env['GOMP_SPINCOUNT'] ??= '1000000';
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
  loadError ??= 'not built; install libdnnl-dev, then `npm run build:native` in the repository or `npm rebuild emoscope --allow-scripts=emoscope` in a project';
  return undefined;
}

/** Why `nativeAddon()` returned undefined, for `emoscope` diagnostics and the benchmark table. */
export function nativeLoadError(): string | undefined {
  return loadError;
}

/**
 * Data-parallel workers a training run uses unless told otherwise. The native kernels already
 * keep every core busy inside each convolution, and workers then only add synchronization: with
 * them a train() step took 505 → 674 ms (seed-tuned) and 540 → 584 ms (emo-vgg) on this 2-core
 * machine, quiet. The pure-wasm kernels run on one thread, and one worker per core helps:
 * 5659 → 2638 ms and 4185 → 2736 ms (`node dist/bench/train-loop.js --workers 1,2 [--no-native]`).
 */
export function defaultWorkers(): number {
  return nativeAddon() ? 1 : availableParallelism();
}
