// The confusion matrix as a heatmap: rows are true classes, columns predicted ones; either raw counts
// or each row divided by its total, which puts every class's recall on the diagonal.
import type { TopLevelSpec } from 'vega-lite';
import { checkEvaluation, rowTotals } from '../../metrics/records.js';
import type { EvaluationLike } from '../../metrics/records.js';
import { formatCount, formatPercent } from '../../util/format.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './theme.js';

/** One cell of the matrix in the spec's data. `fraction` is `count` over its row's total (null for an empty row). */
export interface MatrixCell {
  actual: string;
  predicted: string;
  count: number;
  fraction: number | null;
}

export interface ConfusionMatrixOptions {
  /** colour and label cells by their share of the true class (row) instead of by count */
  normalize?: boolean;
}

const CELL = 52; // px per cell: room for "1234" or "100%" at 12 px

/** The matrix as long-form cells, row by row. */
export function matrixCells(evaluation: EvaluationLike): MatrixCell[] {
  const totals = rowTotals(evaluation);
  return evaluation.labels.flatMap((actual, i) =>
    evaluation.labels.map((predicted, j) => {
      const count = evaluation.confusionMatrix[i]![j]!;
      return { actual, predicted, count, fraction: totals[i]! > 0 ? count / totals[i]! : null };
    }),
  );
}

/**
 * Vega-Lite spec of the confusion-matrix heatmap: x "predicted", y "true" (with each class's number of
 * faces), cells coloured on a blue scale and labelled with the count or the percentage of the row.
 */
export function confusionMatrixSpec(evaluation: EvaluationLike, options: ConfusionMatrixOptions = {}): TopLevelSpec {
  checkEvaluation(evaluation);
  const normalize = options.normalize ?? false;
  const labels = [...evaluation.labels];
  const cells = matrixCells(evaluation);
  const totals = rowTotals(evaluation);
  const field = normalize ? 'fraction' : 'count';
  const max = normalize ? 1 : Math.max(1, ...cells.map((c) => c.count));
  // "angry (491)": the row totals make the counts and the percentages comparable at a glance
  const rowNames = Object.fromEntries(labels.map((l, i) => [l, `${l} (${totals[i]})`]));
  const size = CELL * labels.length;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: normalize
      ? { text: 'Confusion matrix, share of each true class', subtitle: 'rows sum to 100%; the diagonal is each class’s recall' }
      : { text: 'Confusion matrix, counts', subtitle: `${formatCount(evaluation.n)} faces, accuracy ${formatPercent(evaluation.accuracy)}` },
    data: { values: cells },
    width: size,
    height: size,
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: labels, title: 'predicted', axis: { orient: 'bottom', labelAngle: -35, domain: false, ticks: false } },
      y: {
        field: 'actual',
        type: 'nominal',
        sort: labels,
        title: 'true',
        axis: { domain: false, ticks: false, labelExpr: `${JSON.stringify(rowNames)}[datum.value] || datum.value` },
      },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            condition: { test: 'datum.count === 0', value: '#f6f8fa' }, // empty cells recede, so the eye finds the mistakes that happen
            field,
            type: 'quantitative',
            title: normalize ? 'share of row' : 'faces',
            scale: { scheme: 'blues', domain: [0, max] },
            // counts: whole-number ticks only (a small matrix had ticks 0, 0.5, 1… printed 0, 1, 1…)
            legend: { format: normalize ? '.0%' : 'd', gradientLength: size - 20, ...(normalize ? {} : { tickMinStep: 1 }) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 12 },
        encoding: {
          text: { field, type: 'quantitative', format: normalize ? '.0%' : 'd' },
          // white on the dark half of the blue scale, near-black on the light half
          color: {
            condition: [
              { test: 'datum.count === 0', value: '#8c959f' },
              { test: `datum.${field} > ${max * 0.55}`, value: 'white' },
            ],
            value: '#1a1a1a',
          },
        },
      },
    ],
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;
}
