// Comparing the engine's kernels with the reference cpu backend: seeded inputs and a scale-free error.
import assert from 'node:assert/strict';

/** The largest relative error a replaced kernel may have against the cpu backend. */
export const MAX_RELATIVE_ERROR = 1e-4;

/** Deterministic uniform values in [-1, 1) (+ offset) so a failure can be reproduced. */
export function randomValues(size: number, seed: number, offset = 0): Float32Array {
  const out = new Float32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1 + offset;
  }
  return out;
}

/** max |actual − expected| / max |expected|: scale-free, and robust to entries near zero. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'output sizes differ');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}
