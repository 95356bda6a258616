// Per-face smoothing across video frames, as Human's demo does: detection and drawing are decoupled.
// Each analysed frame updates tracks (faces matched to the previous ones by overlap); scores are
// averaged over time (an exponential moving average with a time constant, so the same at 10 or 30
// fps) and the shown label changes only when another emotion leads clearly; drawn boxes glide toward
// the latest detection at the screen's rate. Pure: no DOM, testable in Node.
import { EMOTIONS } from '../types.js';
import type { Box, Emotion, EmotionScores, FaceResult } from '../types.js';
import { iou } from '../vision/detector.js';

export interface TrackerOptions {
  /** time constant of the score average, ms: a change of expression shows after about twice this */
  scoreMs: number;
  /** time constant of a drawn box's glide toward the detection, ms */
  boxMs: number;
  /** a track not seen for this long is dropped, ms */
  keepMs: number;
  /** a face continues a track when their boxes overlap at least this much (IoU) */
  minIou: number;
  /** the shown label changes when another emotion's average leads it by more than this */
  switchMargin: number;
}

export const TRACKER_DEFAULTS: TrackerOptions = { scoreMs: 250, boxMs: 70, keepMs: 400, minIou: 0.25, switchMargin: 0.04 };

/** A face as drawn: its smoothed box, scores and label. */
export interface TrackedFace {
  /** stable while the face stays in view (colours follow it) */
  id: number;
  box: Box;
  scores: EmotionScores;
  emotion: Emotion;
  /** the smoothed score of `emotion` */
  confidence: number;
}

interface Track {
  id: number;
  shown: Box;
  target: Box;
  scores: EmotionScores;
  emotion: Emotion;
  seen: number;
}

export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 0;
  private drawnAt: number | undefined;
  /** frames taken (update calls), and how many of them the last draw had seen */
  private updates = 0;
  private drawnUpdates = -1;
  private readonly o: TrackerOptions;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.o = { ...TRACKER_DEFAULTS, ...options };
  }

  /** Takes the faces of a frame analysed at time `now` (ms). */
  update(faces: readonly FaceResult[], now: number): void {
    const pairs: Array<[number, number, number]> = [];
    faces.forEach((f, i) => this.tracks.forEach((t, j) => {
      const overlap = iou(f.box, t.target);
      if (overlap >= this.o.minIou) pairs.push([overlap, i, j]);
    }));
    pairs.sort((a, b) => b[0] - a[0]);
    const usedFaces = new Set<number>();
    const usedTracks = new Set<number>();
    for (const [, i, j] of pairs) {
      if (usedFaces.has(i) || usedTracks.has(j)) continue;
      usedFaces.add(i);
      usedTracks.add(j);
      const t = this.tracks[j]!;
      const k = 1 - Math.exp(-Math.max(0, now - t.seen) / this.o.scoreMs);
      for (const e of EMOTIONS) t.scores[e] += (faces[i]!.scores[e] - t.scores[e]) * k;
      t.target = { ...faces[i]!.box };
      t.seen = now;
      const lead = EMOTIONS.reduce((best, e) => (t.scores[e] > t.scores[best] ? e : best), EMOTIONS[0]);
      if (t.scores[lead] > t.scores[t.emotion] + this.o.switchMargin) t.emotion = lead;
    }
    faces.forEach((f, i) => {
      if (!usedFaces.has(i)) this.tracks.push({ id: this.nextId++, shown: { ...f.box }, target: { ...f.box }, scores: { ...f.scores }, emotion: f.emotion, seen: now });
    });
    this.tracks = this.tracks.filter((t) => now - t.seen <= this.o.keepMs);
    this.updates += 1;
  }

  /**
   * Whether draw(now) would show what the last draw showed: no frame analysed since, every drawn box
   * at its detection (within a quarter of a pixel), no face due to be dropped. The page skips redrawing then.
   */
  unchanged(now: number): boolean {
    if (this.drawnUpdates !== this.updates) return false;
    return this.tracks.every((t) => now - t.seen <= this.o.keepMs
      && (['x', 'y', 'width', 'height'] as const).every((key) => Math.abs(t.target[key] - t.shown[key]) < 0.25));
  }

  /** The faces to draw at time `now` (ms): boxes moved toward their detections since the last call. */
  draw(now: number): TrackedFace[] {
    const dt = this.drawnAt === undefined ? 0 : Math.max(0, now - this.drawnAt);
    this.drawnAt = now;
    this.drawnUpdates = this.updates;
    const k = 1 - Math.exp(-dt / this.o.boxMs);
    this.tracks = this.tracks.filter((t) => now - t.seen <= this.o.keepMs);
    return this.tracks
      .map((t) => {
        for (const key of ['x', 'y', 'width', 'height'] as const) t.shown[key] += (t.target[key] - t.shown[key]) * k;
        return { id: t.id, box: { ...t.shown }, scores: { ...t.scores }, emotion: t.emotion, confidence: t.scores[t.emotion] };
      });
  }

  /** Forgets every face (the camera stopped). */
  clear(): void {
    this.tracks = [];
    this.drawnAt = undefined;
    this.drawnUpdates = -1;
  }
}
