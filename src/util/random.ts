// Seeded randomness for everything that must repeat exactly: data splits, samples, shuffles of
// training batches. Pure functions of the seed, no global state.

/**
 * A generator of floats in [0, 1) from a 32-bit seed (mulberry32: tiny, fast, and good enough for
 * shuffling; not for cryptography).
 *
 * @example
 * const random = createRandom(42);
 * random(); // 0.6011037519201636, the same on every run
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in 0..n-1 drawn from `random`. */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** A standard normal number drawn from `random` (Box–Muller, two draws). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Shuffles `items` in place (Fisher–Yates) with `random` and returns it. */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(items: T, random: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const swap = items[i];
    items[i] = items[j];
    items[j] = swap;
  }
  return items;
}

/**
 * 0..n-1 in an order fixed by `seed`.
 *
 * @example
 * shuffledIndices(5, 42); // Uint32Array [0, 4, 2, 1, 3], on every run
 */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return shuffleInPlace(indices, createRandom(seed));
}

/** A seed derived from `seed` and a name, so that related draws (one per split, per class) differ. */
export function deriveSeed(seed: number, name: string): number {
  let hash = seed >>> 0;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0; // FNV-1a step
  return hash;
}

/** A Gamma(shape, 1) number drawn from `random` (Marsaglia and Tsang 2000; shape < 1 by the boost U^(1/shape)). */
export function gamma(random: () => number, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A Beta(a, a) number in [0, 1] drawn from `random` (mixup's mixing weight). */
export function symmetricBeta(random: () => number, a: number): number {
  const x = gamma(random, a);
  const y = gamma(random, a);
  return x + y > 0 ? x / (x + y) : 0.5;
}
