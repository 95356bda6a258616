// The response headers that make a page cross-origin isolated (self.crossOriginIsolated), which
// browsers require before they let WebAssembly share memory between threads: with them, TF.js's wasm
// backend loads its multi-threaded build (tfjs-backend-wasm-threaded-simd.wasm) and runs the models
// on half the machine's cores (1 thread on a 2-core machine, so no gain there); without them, on one. Sent by `emoscope serve` on the page and its files; a
// static host of `npm run build:web` must send them too (the folder's _headers file lists them).

/** Header name → value, for the page and every file it loads. */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};
