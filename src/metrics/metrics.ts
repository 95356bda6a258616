// Classification metrics as pure functions of true and predicted labels: the confusion matrix,
// accuracy, and per-class precision, recall, F1 and support. No TF.js here.
import { EMOTIONS } from '../types.js';
import type { Emotion } from '../types.js';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** number of faces whose true label is this class */
  support: number;
}

/** What `emoscope evaluate --json` writes. */
export interface EvaluationReport {
  accuracy: number;
  n: number;
  labels: Emotion[];
  /** rows: true class, columns: predicted class, both in `labels` order */
  confusionMatrix: number[][];
  perClass: Record<Emotion, ClassMetrics>;
}

/** Counts (true, predicted) pairs into a classes × classes matrix, rows true, columns predicted. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  if (truth.length !== predicted.length) {
    throw new Error(`confusionMatrix: expected as many predictions as labels but received ${predicted.length} and ${truth.length}`);
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) {
      throw new Error(`confusionMatrix: expected labels in 0..${classes - 1} but received ${t} (true) and ${p} (predicted) at ${i}`);
    }
    matrix[t]![p]! += 1;
  }
  return matrix;
}

/** Precision, recall and F1 of class `k`; a ratio with nothing to divide by is 0 (scikit-learn's convention). */
export function classMetrics(matrix: number[][], k: number): ClassMetrics {
  const tp = matrix[k]![k]!;
  const support = sum(matrix[k]!);
  const predictedK = sum(matrix.map((row) => row[k]!));
  const precision = predictedK === 0 ? 0 : tp / predictedK;
  const recall = support === 0 ? 0 : tp / support;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, support };
}

/** The full evaluation of predictions against labels, both as indices into EMOTIONS. */
export function evaluatePredictions(truth: ArrayLike<number>, predicted: ArrayLike<number>): EvaluationReport {
  const matrix = confusionMatrix(truth, predicted, EMOTIONS.length);
  const n = truth.length;
  let correct = 0;
  for (let k = 0; k < EMOTIONS.length; k++) correct += matrix[k]![k]!;
  const perClass = Object.fromEntries(EMOTIONS.map((label, k) => [label, classMetrics(matrix, k)])) as Record<Emotion, ClassMetrics>;
  return { accuracy: n === 0 ? 0 : correct / n, n, labels: [...EMOTIONS], confusionMatrix: matrix, perClass };
}

/** Mean of the per-class recalls (balanced accuracy): a model that predicts one class for everything scores 1/7. */
export function balancedAccuracy(report: EvaluationReport): number {
  const present = report.labels.filter((l) => report.perClass[l].support > 0);
  return present.length === 0 ? 0 : present.reduce((acc, l) => acc + report.perClass[l].recall, 0) / present.length;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
