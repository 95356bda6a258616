// The reliability diagram of an evaluation: per confidence bin, how often the top emotion was right
// against how sure the model was. Bars on the diagonal mean the probabilities mean what they say;
// bars below it, an over-confident model; above it, an under-confident one.
import type { TopLevelSpec } from 'vega-lite';
import { EmoscopeError } from '../../errors.js';
import type { ReliabilityBin } from '../../metrics/calibration-error.js';
import { formatCount } from '../../util/format.js';
import { CHART_CONFIG, SERIES_COLORS, VEGA_LITE_SCHEMA } from './theme.js';

/** What the diagram needs: an evaluation's bins and, for the subtitle, its ECE. */
export interface ReliabilityLike {
  reliability?: readonly ReliabilityBin[];
  ece?: number;
  n: number;
}

/**
 * Vega-Lite spec: a bar per non-empty bin at its confidence range, as high as its accuracy, paler the
 * fewer faces it holds, with that count written at its foot; a dot at its mean confidence; the diagonal
 * for reference. Empty bins are left out.
 */
export function reliabilitySpec(evaluation: ReliabilityLike, title = 'Reliability: accuracy against confidence'): TopLevelSpec {
  const bins = evaluation.reliability;
  if (!bins || bins.length === 0) {
    throw new EmoscopeError('BAD_DATA', 'reliability diagram: expected the evaluation\'s "reliability" bins but received none (evaluate again with this version)');
  }
  const values = bins.filter((b) => b.count > 0).map((b) => ({ ...b, middle: (b.lower + b.upper) / 2 }));
  const ece = evaluation.ece === undefined ? '' : `expected calibration error ${evaluation.ece.toFixed(3)}, `;
  const axis = { format: '.1f', tickCount: 5 };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, subtitle: [`${ece}${bins.length} bins, ${formatCount(evaluation.n)} faces`, 'faces per bin at each bar\'s foot, faint when few', 'on the dashed diagonal, confidence means what it says'] },
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
        mark: { type: 'line', color: '#888', strokeDash: [4, 4] },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'bar', color: SERIES_COLORS.train, stroke: 'white' },
        encoding: {
          // a bin of a few faces says little: it is drawn faint, however high its bar
          opacity: { field: 'count', type: 'quantitative', scale: { type: 'log', range: [0.25, 0.85] }, legend: null },
          x: { field: 'lower', type: 'quantitative', title: 'confidence (top probability)', scale: { domain: [0, 1], nice: false }, axis },
          x2: { field: 'upper' },
          y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0, 1], nice: false }, axis },
          y2: { datum: 0 }, // a vertical bar from 0 (x and x2 alone would make it a horizontal slab)
          tooltip: [{ field: 'count', title: 'faces' }, { field: 'confidence', format: '.3f' }, { field: 'accuracy', format: '.3f' }],
        },
      },
      {
        data: { values },
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 9, color: '#333' },
        encoding: {
          x: { field: 'middle', type: 'quantitative' },
          y: { datum: 0 },
          text: { field: 'count', type: 'quantitative' },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, color: SERIES_COLORS.validation, size: 40 },
        encoding: { x: { field: 'confidence', type: 'quantitative' }, y: { field: 'confidence', type: 'quantitative' } },
      },
    ],
    config: CHART_CONFIG,
  };
}
