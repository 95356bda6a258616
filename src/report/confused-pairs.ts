// The class pairs a model mixes up most: the largest off-diagonal cells of the confusion matrix.
import { checkEvaluation, rowTotals } from '../metrics/records.js';
import type { EvaluationLike } from '../metrics/records.js';

/** Faces of class `trueLabel` that the model called `predicted`. */
export interface ConfusedPair {
  trueLabel: string;
  predicted: string;
  count: number;
  /** `count` over all faces of `trueLabel`: how much of that class is lost to this mistake */
  rate: number;
}

/**
 * The `k` largest off-diagonal cells, by count, then by rate (a mistake that takes a bigger share of a
 * smaller class first), then in label order. Empty cells are never listed.
 *
 * @example mostConfusedPairs(evaluation, 2)
 * // [{ trueLabel: 'sad', predicted: 'neutral', count: 102, rate: 0.172 },
 * //  { trueLabel: 'fear', predicted: 'sad', count: 95, rate: 0.18 }]
 */
export function mostConfusedPairs(evaluation: EvaluationLike, k = 5): ConfusedPair[] {
  checkEvaluation(evaluation);
  const totals = rowTotals(evaluation);
  const pairs: ConfusedPair[] = [];
  evaluation.labels.forEach((trueLabel, i) => {
    evaluation.labels.forEach((predicted, j) => {
      const count = evaluation.confusionMatrix[i]![j]!;
      if (i !== j && count > 0) pairs.push({ trueLabel, predicted, count, rate: count / totals[i]! });
    });
  });
  // Array.prototype.sort is stable, so equal pairs keep their row-major label order
  pairs.sort((a, b) => b.count - a.count || b.rate - a.rate);
  return pairs.slice(0, Math.max(0, k));
}
