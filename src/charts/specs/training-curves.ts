// The tutorial's training plot: accuracy and loss per epoch, train against validation, side by side,
// with the best epoch (highest validation accuracy) marked so that over-fitting after it is plain to see.
import type { TopLevelSpec } from 'vega-lite';
import type { NonNormalizedSpec } from 'vega-lite/types_unstable/spec/index.js';
import { bestEpoch, checkHistory } from '../../metrics/records.js';
import type { HistoryLike } from '../../metrics/records.js';
import { CHART_CONFIG, SERIES_COLORS, VEGA_LITE_SCHEMA } from './theme.js';

/** One point of a curve in the spec's data: `series` is "train" or "validation". */
export interface CurvePoint {
  epoch: number;
  metric: 'accuracy' | 'loss';
  series: 'train' | 'validation';
  value: number;
}

const PANEL_WIDTH = 340;
const PANEL_HEIGHT = 230;
const MAX_EPOCHS_WITH_POINTS = 40; // beyond this the dots merge into a thick line

/** The curves as long-form rows, four per epoch: (accuracy, loss) × (train, validation). */
export function curvePoints(history: HistoryLike): CurvePoint[] {
  return history.epochs.flatMap((e) => [
    { epoch: e.epoch, metric: 'accuracy', series: 'train', value: e.acc },
    { epoch: e.epoch, metric: 'accuracy', series: 'validation', value: e.valAcc },
    { epoch: e.epoch, metric: 'loss', series: 'train', value: e.loss },
    { epoch: e.epoch, metric: 'loss', series: 'validation', value: e.valLoss },
  ] satisfies CurvePoint[]);
}

/**
 * Vega-Lite spec of the training curves: two panels (accuracy, loss), x = epoch, one line per series,
 * a dashed rule and a diamond at the best epoch. The data is named "history" so that a live page can
 * stream new epochs into it.
 */
export function trainingCurvesSpec(history: HistoryLike): TopLevelSpec {
  checkHistory(history);
  const best = bestEpoch(history)!;
  const epochs = history.epochs.map((e) => e.epoch);
  const first = Math.min(...epochs);
  const last = Math.max(...epochs);
  const x = {
    field: 'epoch',
    type: 'quantitative',
    title: 'epoch',
    // one epoch still gets a readable axis; integer ticks only
    scale: { domain: first === last ? [first - 1, last + 1] : [first, last], nice: false },
    axis: { tickMinStep: 1, format: 'd' },
  } as const;

  const where = first === last ? 0.5 : (best.epoch - first) / (last - first);
  const labelAlign = where > 0.85 ? 'right' : where < 0.15 ? 'left' : 'center';

  const panel = (metric: 'accuracy' | 'loss', bestValue: number): NonNormalizedSpec => ({
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    title: { text: metric === 'accuracy' ? 'Accuracy' : 'Loss', fontSize: 13, offset: 18 },
    layer: [
      {
        transform: [{ filter: { field: 'metric', equal: metric } }],
        mark: { type: 'line', point: history.epochs.length <= MAX_EPOCHS_WITH_POINTS, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false, padding: 12 }, axis: metric === 'accuracy' ? { format: '.2f' } : {} },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['train', 'validation'], range: [SERIES_COLORS.train, SERIES_COLORS.validation] },
            legend: { orient: 'bottom', direction: 'horizontal' },
          },
        },
      },
      {
        data: { values: [{ epoch: best.epoch, value: bestValue, label: `best: epoch ${best.epoch}` }] },
        layer: [
          { mark: { type: 'rule', strokeDash: [5, 4], color: '#777' }, encoding: { x } },
          {
            mark: { type: 'point', shape: 'diamond', size: 110, filled: true, color: SERIES_COLORS.validation, stroke: '#333', strokeWidth: 1 },
            encoding: { x, y: { field: 'value', type: 'quantitative' } },
          },
          {
            // the label sits just above the plot, where no curve can hide it, and stays over the plot near its ends
            mark: { type: 'text', baseline: 'bottom', align: labelAlign, fontSize: 11, color: '#555' },
            encoding: { x, y: { value: -3 }, text: { field: 'label' } },
          },
        ],
      },
    ],
  });

  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: 'Training curves',
      subtitle: `best epoch ${best.epoch} of ${history.epochs.length}: validation accuracy ${best.valAcc.toFixed(3)}, validation loss ${best.valLoss.toFixed(3)}`,
    },
    data: { name: 'history', values: curvePoints(history) },
    hconcat: [panel('accuracy', best.valAcc), panel('loss', best.valLoss)],
    resolve: { scale: { y: 'independent' } },
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;
}
