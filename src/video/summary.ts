// A track summarized as it goes, in constant memory per track: start and end, the running mean of
// its probabilities, the segments of one dominant emotion, and a timeline for its chart that is
// thinned (neighbouring points averaged in pairs) whenever it grows past a bound.
import { EMOTIONS } from '../types.js';
import type { EmotionScores } from '../types.js';
import { topEmotion } from './smooth.js';
import type { Segment, TimelinePoint, TrackSummary } from './types.js';

/** The most points a track's timeline keeps (a chart of a long track shows means over short spans). */
export const TIMELINE_POINTS = 600;

interface Bucket {
  timeSum: number;
  sums: number[];
  count: number;
}

/** Collects one track's frames and summarizes them. */
export class TrackSummarizer {
  private start = 0;
  private end = 0;
  private count = 0;
  private readonly sums = EMOTIONS.map(() => 0);
  private readonly segments: Segment[] = [];
  private buckets: Bucket[] = [];
  private perBucket = 1; // frames per bucket: doubles each time the timeline is thinned

  constructor(readonly track: number, private readonly maxPoints = TIMELINE_POINTS) {}

  /** Adds the track's (smoothed) probabilities in the frame at `time`. */
  add(time: number, scores: EmotionScores): void {
    if (this.count === 0) this.start = time;
    this.end = time;
    this.count++;
    EMOTIONS.forEach((e, i) => { this.sums[i]! += scores[e]; });
    const emotion = topEmotion(scores);
    const last = this.segments.at(-1);
    if (last === undefined) this.segments.push({ start: time, end: time, emotion });
    else if (last.emotion !== emotion) {
      last.end = time;
      this.segments.push({ start: time, end: time, emotion });
    } else last.end = time;

    const open = this.buckets.at(-1);
    if (open !== undefined && open.count < this.perBucket) {
      open.timeSum += time;
      open.count++;
      EMOTIONS.forEach((e, i) => { open.sums[i]! += scores[e]; });
    } else {
      this.buckets.push({ timeSum: time, sums: EMOTIONS.map((e) => scores[e]), count: 1 });
      if (this.buckets.length > this.maxPoints) this.thin();
    }
  }

  /** The summary so far. */
  summary(): TrackSummary {
    const scores = {} as EmotionScores;
    EMOTIONS.forEach((e, i) => { scores[e] = round(this.sums[i]! / Math.max(1, this.count)); });
    return { track: this.track, start: this.start, end: this.end, emotion: topEmotion(scores), scores, segments: this.segments.map((s) => ({ ...s })) };
  }

  /** The timeline: at most `maxPoints` points, each the mean over consecutive frames. */
  timeline(): TimelinePoint[] {
    return this.buckets.map((b) => {
      const scores = {} as EmotionScores;
      EMOTIONS.forEach((e, i) => { scores[e] = round(b.sums[i]! / b.count); });
      return { time: Math.round((b.timeSum / b.count) * 1e4) / 1e4, scores };
    });
  }

  private thin(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i]!;
      const b = this.buckets[i + 1];
      merged.push(b === undefined ? a : { timeSum: a.timeSum + b.timeSum, sums: a.sums.map((s, k) => s + b.sums[k]!), count: a.count + b.count });
    }
    this.buckets = merged;
    this.perBucket *= 2;
  }
}

function round(p: number): number {
  return Math.round(p * 1e4) / 1e4;
}
