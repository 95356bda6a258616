// Seeded, stratified choices over labelled items: splitting a user's own faces into train/val/test,
// and the `limit` sample that keeps every class. Both depend only on the labels, the order of the
// items and the seed, so a run can be repeated exactly.
import { badArgument } from '../errors.js';
import { EMOTIONS, type Split } from '../types.js';
import { deriveSeed, shuffledIndices } from '../util/random.js';

/** How much of each class to hold out. */
export interface SplitFractions {
  valFraction: number;
  testFraction: number;
  seed: number;
}

/** Item indices grouped by label, each group in item order. */
function indicesByClass(labels: ArrayLike<number>): number[][] {
  const groups = EMOTIONS.map((): number[] => []);
  for (let i = 0; i < labels.length; i++) groups[labels[i]].push(i);
  return groups;
}

/**
 * Assigns each item a split: per class, a seeded shuffle puts round(n × testFraction) items in test,
 * round(n × valFraction) in val and the rest in train, so that every split has the class balance of
 * the whole. Every item gets exactly one split.
 *
 * @example
 * assignSplits(labels, { valFraction: 0.1, testFraction: 0.1, seed: 42 }); // ['train', 'test', 'train', …]
 */
export function assignSplits(labels: ArrayLike<number>, fractions: SplitFractions): Split[] {
  const splits = new Array<Split>(labels.length).fill('train');
  indicesByClass(labels).forEach((members, label) => {
    const order = shuffledIndices(members.length, deriveSeed(fractions.seed, `split/${EMOTIONS[label]}`));
    const testCount = Math.round(members.length * fractions.testFraction);
    const valCount = Math.round(members.length * fractions.valFraction);
    for (let k = 0; k < testCount + valCount && k < members.length; k++) {
      splits[members[order[k]]] = k < testCount ? 'test' : 'val';
    }
  });
  return splits;
}

/**
 * At most `limit` item indices, ascending, keeping every class present: each class gets one item, the
 * rest of the budget is shared in proportion to class size (largest remainders), and the items of a
 * class are drawn by a seeded shuffle. `context` (e.g. the split name) varies the draw per use.
 * A limit below the number of classes present cannot keep them all and is a BAD_ARGUMENT error.
 *
 * @example
 * stratifiedSample(set.labels.subarray(0, set.count), 700, 42, 'train'); // Uint32Array(700) [3, 17, …]
 */
export function stratifiedSample(labels: ArrayLike<number>, limit: number, seed: number, context: string): Uint32Array {
  if (limit >= labels.length) return Uint32Array.from({ length: labels.length }, (_, i) => i);
  const groups = indicesByClass(labels);
  const present = groups.filter((members) => members.length > 0).length;
  if (limit < present) {
    throw badArgument('limit', `an integer of at least ${present} (the classes present in ${context})`, limit);
  }
  const quotas = shareBudget(groups.map((members) => members.length), limit);
  const chosen: number[] = [];
  groups.forEach((members, label) => {
    const order = shuffledIndices(members.length, deriveSeed(seed, `limit/${context}/${EMOTIONS[label]}`));
    for (let k = 0; k < quotas[label]; k++) chosen.push(members[order[k]]);
  });
  return Uint32Array.from(chosen).sort();
}

/** One per non-empty class, then the rest of `budget` in proportion to what each class has left over. */
function shareBudget(sizes: number[], budget: number): number[] {
  const quotas = sizes.map((size): number => (size > 0 ? 1 : 0));
  const spare = sizes.map((size) => Math.max(0, size - 1));
  const spareTotal = spare.reduce((a, b) => a + b, 0);
  const extra = budget - quotas.reduce((a, b) => a + b, 0);
  const exact = spare.map((s) => (s * extra) / spareTotal);
  exact.forEach((share, i) => { quotas[i] += Math.floor(share); });
  let left = budget - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((share, i) => ({ i, remainder: share - Math.floor(share) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    if (quotas[i] < sizes[i]) {
      quotas[i]++;
      left--;
    }
  }
  return quotas;
}
