// What every chart shares: the font, sizes and colours, so that the pictures of one run look like one set.
import type { Config } from 'vega-lite';
import { CHART_FONT } from '../fonts.js';

/** Vega-Lite `$schema` of the specs we write: a web page can hand them to vega-embed as they are. */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Train and validation series: blue and orange, as in most training plots (and distinguishable by the colour-blind). */
export const SERIES_COLORS = { train: '#4c78a8', validation: '#f58518' } as const;

/** Precision, recall and F1 bars. */
export const METRIC_COLORS = { precision: '#4c78a8', recall: '#f58518', F1: '#54a24b' } as const;

/** Confidence bars: the predicted emotion when right, when wrong, when the truth is unknown, and the others. */
export const CONFIDENCE_COLORS = { correct: '#2e8540', wrong: '#c0392b', top: '#4c78a8', other: '#b8c4d0' } as const;

/** Vega-Lite config for every chart: larger text than Vega's 10-11 px defaults, which are hard to read in a PNG. */
export const CHART_CONFIG: Config = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  view: { stroke: null },
};
