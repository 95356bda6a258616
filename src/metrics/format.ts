// Evaluation reports as plain-text tables for the terminal.
import type { EvaluationReport } from './metrics.js';
import { balancedAccuracy } from './metrics.js';

/** Pads cells to column widths; the first column is left-aligned, the rest right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Accuracy, the per-class table and the confusion matrix (rows true, columns predicted). */
export function formatEvaluation(report: EvaluationReport, title = 'Evaluation'): string {
  const pct = (x: number) => x.toFixed(3);
  const perClass = formatTable(
    ['class', 'precision', 'recall', 'f1', 'support'],
    report.labels.map((l) => {
      const m = report.perClass[l];
      return [l, pct(m.precision), pct(m.recall), pct(m.f1), String(m.support)];
    }),
  );
  const matrix = formatTable(
    ['true \\ predicted', ...report.labels],
    report.labels.map((l, i) => [l, ...report.confusionMatrix[i]!.map(String)]),
  );
  return [
    `${title}: accuracy ${pct(report.accuracy)} on ${report.n} faces (balanced accuracy ${pct(balancedAccuracy(report))})`,
    '',
    perClass,
    '',
    'Confusion matrix (rows: true class, columns: predicted class)',
    matrix,
  ].join('\n');
}

/** `x` rounded to 4 decimals, as emoscope.json records measured figures; null stays null. */
export function round4(x: number): number;
export function round4(x: number | null): number | null;
export function round4(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1e4) / 1e4;
}
