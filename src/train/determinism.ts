// Deterministic training steps. Every step has a seed fixed by (run seed, epoch, batch); the step
// draws its dropout masks per face from it (engine/step-random.ts) instead of from Math.random,
// so masks are fresh at every step, the same on every run, and the same whether one process or
// N workers compute the step: a resumed run continues exactly as the uninterrupted run would
// have, with any number of workers.

/** The seed of one training step. */
export function stepSeed(runSeed: number, epoch: number, batch: number): number {
  return (Math.imul(runSeed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(epoch, 0xc2b2ae35) + batch * 2_654_435_761) >>> 0;
}
