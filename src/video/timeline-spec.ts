// A track's timeline chart (Vega-Lite, rendered by the project's chart code): the seven
// probabilities over time as lines, and above them a strip of the segments in which one emotion
// dominates, in the same colours.
import type { TopLevelSpec } from 'vega-lite';
import { EMOTIONS } from '../types.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { Emotion } from '../types.js';
import { CHART_CONFIG, VEGA_LITE_SCHEMA } from '../charts/specs/theme.js';
import type { TimelinePoint, TrackSummary } from './types.js';

/** One colour per emotion, the same in every timeline (Tableau 10, distinguishable in print). */
export const EMOTION_COLORS: Record<Emotion, string> = {
  angry: '#e15759',
  disgust: '#59a14f',
  fear: '#b07aa1',
  happy: '#f28e2b',
  sad: '#4e79a7',
  surprise: '#edc948',
  neutral: '#9d9d9d',
};

const WIDTH = 560;
const HEIGHT = 220;

export interface TimelineOptions {
  /** the chart's title; default "track N" */
  title?: string;
}

const TIMELINE_OPTION_KEYS = optionKeys<TimelineOptions>({ title: true });

/** Vega-Lite spec: x = seconds, y = probability 0–1, one line per emotion; a strip of the track's segments on top. */
export function timelineSpec(track: TrackSummary, timeline: readonly TimelinePoint[], options: TimelineOptions = {}): TopLevelSpec {
  checkOptionKeys(options, TIMELINE_OPTION_KEYS, 'timelineSpec');
  const points = timeline.flatMap((p) => EMOTIONS.map((emotion) => ({ time: p.time, emotion, probability: p.scores[emotion] })));
  // A one-frame track still gets a readable axis.
  const domain = track.end > track.start ? [track.start, track.end] : [track.start - 0.5, track.start + 0.5];
  const x = { field: 'time', type: 'quantitative', title: 'seconds', scale: { domain, nice: false }, axis: { tickCount: 8, labelOverlap: true, labelFlush: true } } as const;
  const color = {
    field: 'emotion',
    type: 'nominal',
    title: null,
    scale: { domain: [...EMOTIONS], range: EMOTIONS.map((e) => EMOTION_COLORS[e]) },
    legend: { orient: 'right' },
  } as const;
  const segments = track.segments.map((s) => ({ ...s, end: s.end > s.start ? s.end : s.start + (domain[1]! - domain[0]!) / 200 }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: options.title ?? `track ${track.track}`,
      subtitle: `${track.start.toFixed(2)}–${track.end.toFixed(2)} s; mean: ${track.emotion} ${Math.round(track.scores[track.emotion] * 100)}%; ${track.segments.length} segment${track.segments.length === 1 ? '' : 's'} of one dominant emotion (strip on top)`,
    },
    vconcat: [
      {
        width: WIDTH,
        height: 16,
        data: { values: segments },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'start', type: 'quantitative', scale: { domain, nice: false }, axis: null },
          x2: { field: 'end' },
          color,
          tooltip: [{ field: 'emotion' }, { field: 'start' }, { field: 'end' }],
        },
      },
      {
        width: WIDTH,
        height: HEIGHT,
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1.8, interpolate: 'linear', point: timeline.length <= 2 },
        encoding: {
          x,
          y: { field: 'probability', type: 'quantitative', title: 'probability', scale: { domain: [0, 1] } },
          color,
        },
      },
    ],
    spacing: 4,
    config: CHART_CONFIG,
  } satisfies TopLevelSpec;
}
