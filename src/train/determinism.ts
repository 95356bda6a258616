// Deterministic dropout. TF.js draws dropout masks from a generator seeded with Math.random()
// when no seed is given, and a seeded tfjs Dropout layer repeats one mask at every step. Running
// each training step with Math.random temporarily replaced by a generator seeded from (run seed,
// epoch, batch) gives fresh masks at every step that are the same on every run: a resumed run
// continues exactly as the uninterrupted run would have, and workers can reproduce a step.
import { createRandom } from '../data/random.js';

/** Runs `fn` with Math.random drawing from a generator seeded with `seed`, then restores it. */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  Math.random = createRandom(seed);
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}

/** The seed of one training step. */
export function stepSeed(runSeed: number, epoch: number, batch: number): number {
  return (Math.imul(runSeed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(epoch, 0xc2b2ae35) + batch * 2_654_435_761) >>> 0;
}
