// The tutorial's per-face chart: one bar per emotion with the model's confidence, in label order,
// the predicted emotion highlighted (green when it matches a known true label, red when not).
import type { TopLevelSpec } from 'vega-lite';
import type { Field, PositionDef } from 'vega-lite/types_unstable/channeldef.js';
import { EMOTIONS } from '../../types.js';
import type { Emotion, EmotionScores } from '../../types.js';
import { CHART_CONFIG, CONFIDENCE_COLORS, VEGA_LITE_SCHEMA } from './theme.js';

export interface ConfidenceBarsOptions {
  title?: string;
  /** the true emotion when known: its name is drawn in bold and the top bar turns green or red */
  trueLabel?: Emotion;
}

/** One bar in the spec's data; `kind` picks its colour. */
export interface ConfidenceBar {
  emotion: Emotion;
  score: number;
  kind: 'correct' | 'wrong' | 'top' | 'other';
}

/** The seven bars in EMOTIONS order. */
export function confidenceBars(scores: EmotionScores, trueLabel?: Emotion): ConfidenceBar[] {
  const top = EMOTIONS.reduce((a, b) => (scores[b] > scores[a] ? b : a));
  return EMOTIONS.map((emotion) => ({
    emotion,
    score: scores[emotion],
    kind: emotion !== top ? 'other' : trueLabel === undefined ? 'top' : trueLabel === top ? 'correct' : 'wrong',
  }));
}

/** Vega-Lite spec of horizontal confidence bars: y = the seven emotions in label order, x = 0–1, value at each bar's end. */
export function confidenceBarsSpec(scores: EmotionScores, options: ConfidenceBarsOptions = {}): TopLevelSpec {
  const kinds = Object.keys(CONFIDENCE_COLORS);
  const y: PositionDef<Field> = {
    field: 'emotion',
    type: 'nominal',
    sort: [...EMOTIONS],
    title: null,
    axis: {
      labelFontSize: 13,
      labelPadding: 6,
      ticks: false,
      domain: false,
      labelFontWeight: options.trueLabel ? { condition: { test: `datum.value === '${options.trueLabel}'`, value: 'bold' }, value: 'normal' } : 'normal',
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    data: { values: confidenceBars(scores, options.trueLabel) },
    width: 260,
    height: { step: 22 },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          x: { field: 'score', type: 'quantitative', title: 'confidence', scale: { domain: [0, 1] }, axis: { format: '.1f', tickCount: 5 } },
          color: { field: 'kind', type: 'nominal', scale: { domain: kinds, range: kinds.map((k) => CONFIDENCE_COLORS[k as keyof typeof CONFIDENCE_COLORS]) }, legend: null },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 12, color: '#333' },
        encoding: { x: { field: 'score', type: 'quantitative' }, text: { field: 'score', type: 'quantitative', format: '.2f' } },
      },
    ],
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;
}
