// The registry of architectures by name: the train command, the library and the benchmarks look
// architectures up here, never through if/else chains.
import { EmoscopeError } from '../errors.js';
import type { Architecture } from './architecture.js';
import { seedBase } from './architectures/seed-base.js';
import { seedTuned } from './architectures/seed-tuned.js';
import { tiny } from './architectures/tiny.js';
import { emoVgg, emoVggWide } from './architectures/emo-vgg.js';

const ARCHITECTURES: readonly Architecture[] = [seedBase, seedTuned, emoVgg, emoVggWide, tiny];

/** Names of every registered architecture, in registry order. */
export function architectureNames(): string[] {
  return ARCHITECTURES.map((a) => a.name);
}

/** The architecture called `name`; an unknown name is an error that lists the known ones. */
export function getArchitecture(name: string): Architecture {
  const found = ARCHITECTURES.find((a) => a.name === name);
  if (!found) {
    throw new EmoscopeError('BAD_ARGUMENT', `Unknown model "${name}": expected one of ${architectureNames().join(', ')}`);
  }
  return found;
}

export function listArchitectures(): readonly Architecture[] {
  return ARCHITECTURES;
}
