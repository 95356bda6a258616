// Precision, recall and F1 of every class as grouped bars: which emotions the model gets and which it misses.
import type { TopLevelSpec } from 'vega-lite';
import { checkEvaluation } from '../../metrics/records.js';
import type { EvaluationLike } from '../../metrics/records.js';
import { formatCount, formatPercent } from '../../util/format.js';
import { CHART_CONFIG, METRIC_COLORS, VEGA_LITE_SCHEMA } from './theme.js';

/** One bar in the spec's data. */
export interface MetricBar {
  label: string;
  metric: 'precision' | 'recall' | 'F1';
  value: number;
  support: number;
}

const METRICS = ['precision', 'recall', 'F1'] as const;

/** Three bars per class, in label order. */
export function metricBars(evaluation: EvaluationLike): MetricBar[] {
  return evaluation.labels.flatMap((label) => {
    const m = evaluation.perClass[label]!;
    return [
      { label, metric: 'precision', value: m.precision, support: m.support },
      { label, metric: 'recall', value: m.recall, support: m.support },
      { label, metric: 'F1', value: m.f1, support: m.support },
    ] satisfies MetricBar[];
  });
}

/** Vega-Lite spec of grouped bars: x = class (with its support), three bars each, y = score on a 0–1 axis. */
export function perClassSpec(evaluation: EvaluationLike): TopLevelSpec {
  checkEvaluation(evaluation);
  const labels = [...evaluation.labels];
  const support = Object.fromEntries(labels.map((l) => [l, `n=${evaluation.perClass[l]!.support}`]));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Precision, recall and F1 per class', subtitle: `accuracy ${formatPercent(evaluation.accuracy)} on ${formatCount(evaluation.n)} faces` },
    data: { values: metricBars(evaluation) },
    width: labels.length * 78,
    height: 240,
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'label',
        type: 'nominal',
        sort: labels,
        title: 'class',
        // the support under each name explains a poor score on a rare class
        axis: { labelAngle: 0, labelExpr: `[datum.value, ${JSON.stringify(support)}[datum.value]]`, labelPadding: 6 },
      },
      xOffset: { field: 'metric', type: 'nominal', sort: [...METRICS] },
      y: { field: 'value', type: 'quantitative', title: 'score', scale: { domain: [0, 1] }, axis: { format: '.1f', tickCount: 5 } },
      color: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: [...METRICS],
        scale: { domain: [...METRICS], range: METRICS.map((m) => METRIC_COLORS[m]) },
        legend: { orient: 'top', direction: 'horizontal' },
      },
    },
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;
}
