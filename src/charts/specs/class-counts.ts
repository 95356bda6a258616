// Faces per class, stacked by split: shows at a glance how unbalanced the classes are (FER2013's disgust).
import type { TopLevelSpec } from 'vega-lite';
import { EMOTIONS } from '../../types.js';
import type { DataStatsLike } from '../../metrics/records.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from './theme.js';

const SPLIT_COLORS: Record<string, string> = { train: '#4c78a8', val: '#f58518', test: '#54a24b' };

/** Vega-Lite spec of stacked bars: x = class in `labels` order, y = faces, one colour per split. */
export function classCountsSpec(stats: DataStatsLike, labels: readonly string[] = EMOTIONS): TopLevelSpec {
  const splits = Object.keys(stats.counts);
  const values = splits.flatMap((split) => labels.map((label) => ({ split, label, faces: stats.counts[split]![label] ?? 0 })));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Faces per class', subtitle: splits.join(' + ') },
    data: { values },
    width: { step: 56 },
    height: 220,
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'nominal', sort: [...labels], title: 'class', axis: { labelAngle: 0 } },
      y: { field: 'faces', type: 'quantitative', title: 'faces', stack: 'zero' },
      color: {
        field: 'split',
        type: 'nominal',
        title: null,
        sort: splits,
        scale: { domain: splits, range: splits.map((s, i) => SPLIT_COLORS[s] ?? ['#b279a2', '#72b7b2', '#9d755d'][i % 3]!) },
        legend: { orient: 'top', direction: 'horizontal' },
      },
      order: { field: 'splitOrder', type: 'quantitative' },
    },
    transform: [{ calculate: `indexof(${JSON.stringify(splits)}, datum.split)`, as: 'splitOrder' }],
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;
}
