// Time per epoch as bars: shows how long a run took and whether epochs slowed down (swapping, a busy machine).
import type { TopLevelSpec } from 'vega-lite';
import { checkHistory } from '../../metrics/records.js';
import type { HistoryLike } from '../../metrics/records.js';
import { formatDuration } from '../../util/format.js';
import { CHART_CONFIG, SERIES_COLORS, VEGA_LITE_SCHEMA } from './theme.js';

/** At most about 20 labelled epochs, every 1st, 2nd, 5th, 10th, 20th, 50th… (Vega's overlap removal leaves ordinal labels crowded). */
function tickEpochs(epochs: number[]): number[] {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const step = steps.find((s) => epochs.length / s <= 20) ?? Math.ceil(epochs.length / 20);
  return epochs.filter((e) => e === epochs[0] || e % step === 0);
}

/** Vega-Lite spec of seconds per epoch, one bar per epoch, with the total and mean in the subtitle. */
export function epochTimesSpec(history: HistoryLike): TopLevelSpec {
  checkHistory(history);
  const seconds = history.epochs.map((e) => e.seconds);
  const total = seconds.reduce((a, b) => a + b, 0);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: 'Time per epoch', subtitle: `total ${formatDuration(total)}, mean ${formatDuration(total / seconds.length)} per epoch` },
    width: Math.min(700, Math.max(240, history.epochs.length * 18)),
    height: 160,
    data: { values: history.epochs.map((e) => ({ epoch: e.epoch, seconds: e.seconds })) },
    mark: { type: 'bar', color: SERIES_COLORS.train },
    encoding: {
      x: { field: 'epoch', type: 'ordinal', title: 'epoch', axis: { labelAngle: 0, values: tickEpochs(history.epochs.map((e) => e.epoch)) } },
      y: { field: 'seconds', type: 'quantitative', title: 'seconds' },
    },
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;
}
