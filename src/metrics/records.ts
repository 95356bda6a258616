// The records the charts and the report are drawn from: a run's history.json and an `evaluate --json`
// report, with the training and evaluation modules' own types for one line of each.
import { EmoscopeError } from '../errors.js';
import type { EpochLog } from './history.js';
import type { ClassMetrics } from './metrics.js';

/** One line of a run's `history.json`: the means over an epoch. */
export type EpochRecord = EpochLog;
export type { ClassMetrics };

/** A run's `history.json`. */
export interface HistoryLike {
  epochs: readonly EpochRecord[];
}


/** An evaluation as `emoscope evaluate --json` writes it. */
export interface EvaluationLike {
  /** fraction of faces whose top emotion is the true one */
  accuracy: number;
  /** number of faces evaluated */
  n: number;
  /** class names in the order of the matrix's rows and columns */
  labels: readonly string[];
  /** counts; rows are true classes, columns predicted ones */
  confusionMatrix: readonly (readonly number[])[];
  perClass: Readonly<Record<string, ClassMetrics>>;
}

export { bestEpoch } from './history.js';

/** Throws unless the history has at least one epoch; `what` names the caller's input in the message. */
export function checkHistory(history: HistoryLike, what = 'history'): void {
  if (!history || !Array.isArray(history.epochs) || history.epochs.length === 0) {
    throw new EmoscopeError('BAD_DATA', `${what}: expected "epochs" with at least one epoch but received ${JSON.stringify(history?.epochs)}`);
  }
}

/** Throws unless the confusion matrix is square over `labels` and every class has metrics. */
export function checkEvaluation(evaluation: EvaluationLike, what = 'evaluation'): void {
  const k = evaluation.labels.length;
  const m = evaluation.confusionMatrix;
  if (k === 0) throw new EmoscopeError('BAD_DATA', `${what}: expected "labels" to name at least one class but received []`);
  if (m.length !== k || m.some((row) => row.length !== k)) {
    const shape = `${m.length}×${m.map((r) => r.length).join('/')}`;
    throw new EmoscopeError('BAD_DATA', `${what}: expected "confusionMatrix" of ${k}×${k} (one row and column per label) but received ${shape}`);
  }
  const missing = evaluation.labels.filter((l) => !evaluation.perClass[l]);
  if (missing.length > 0) {
    throw new EmoscopeError('BAD_DATA', `${what}: expected a "perClass" entry for every label but received none for ${missing.map((l) => JSON.stringify(l)).join(', ')}`);
  }
}

/** Sum of each confusion-matrix row: the number of true faces per class. */
export function rowTotals(evaluation: EvaluationLike): number[] {
  return evaluation.confusionMatrix.map((row) => row.reduce((a, b) => a + b, 0));
}

/**
 * The accuracy of always answering the most frequent true class: the floor a model must beat
 * (FER2013's PrivateTest: happy, 0.249). Undefined for an evaluation without faces.
 */
export function majorityBaseline(evaluation: EvaluationLike): { label: string; accuracy: number } | undefined {
  const totals = rowTotals(evaluation);
  const n = totals.reduce((a, b) => a + b, 0);
  if (n === 0) return undefined;
  const top = totals.reduce((best, t, i) => (t > totals[best]! ? i : best), 0);
  return { label: evaluation.labels[top]!, accuracy: totals[top]! / n };
}

/** Faces per class in each split of a data set, e.g. `{ train: { angry: 3995, … }, val: {…}, test: {…} }`. */
export interface DataStatsLike {
  /** where the faces came from (a path or a description), shown as is */
  source?: string;
  counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** faces of splits whose per-class counts are unknown (e.g. only a run's totals are stored) */
  totals?: Readonly<Record<string, number>>;
  /** a sentence shown under the table, e.g. how the run's sample differs from the whole data set */
  note?: string;
}
