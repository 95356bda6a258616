// Tracking, smoothing and summaries, on made-up boxes and probabilities: ids stay with a moving
// face, survive a few missed frames and not more, end at a scene cut; smoothing follows real time;
// segments are the runs of one dominant emotion; a long track's timeline stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tracker } from '../src/video/track.js';
import { EmotionSmoother } from '../src/video/smooth.js';
import { TrackSummarizer } from '../src/video/summary.js';
import { EMOTIONS } from '../src/types.js';
import type { Box, Emotion, EmotionScores } from '../src/types.js';

const box = (x: number, y = 100, side = 80): Box => ({ x, y, width: side, height: side });

function peaked(emotion: Emotion, p = 0.9): EmotionScores {
  const rest = (1 - p) / (EMOTIONS.length - 1);
  return Object.fromEntries(EMOTIONS.map((e) => [e, e === emotion ? p : rest])) as EmotionScores;
}

test('two faces moving 10 px per frame keep their ids, whatever order the detector lists them in', () => {
  const tracker = new Tracker();
  const first = tracker.update([box(0), box(300)]);
  assert.deepEqual(first.ids, [1, 2]);
  for (let f = 1; f < 20; f++) {
    const boxes = [box(300 + 10 * f), box(10 * f)]; // listed right to left this time
    assert.deepEqual(tracker.update(boxes).ids, [2, 1], `frame ${f}`);
  }
});

test('a face that jumps farther than its box overlaps is still followed by its centre; a face across the frame is a new track', () => {
  const tracker = new Tracker();
  tracker.update([box(100)]);
  assert.deepEqual(tracker.update([box(140)]).ids, [1], 'centre 40 px away, side 80: same person (IoU 0.33)');
  assert.deepEqual(tracker.update([box(185)]).ids, [1], 'centre 45 px away, no IoU ≥ 0.2 needed');
  assert.deepEqual(tracker.update([box(600)]).ids, [2]);
});

test('a track survives maxMissed frames without its face and ends on the next miss', () => {
  const tracker = new Tracker({ maxMissed: 2, minIou: 0.2, maxDistance: 0.6 });
  tracker.update([box(0)]);
  assert.deepEqual(tracker.update([]).ended, []);
  assert.deepEqual(tracker.update([]).ended, []);
  assert.deepEqual(tracker.update([box(0)]).ids, [1], 'back after 2 missed frames: same id');
  tracker.update([]);
  tracker.update([]);
  const gone = tracker.update([]);
  assert.deepEqual(gone.ended, [1]);
  assert.deepEqual(tracker.update([box(0)]).ids, [2], 'after the track ended, a new id');
});

test('a scene cut ends every track even where a face is at the same place', () => {
  const tracker = new Tracker();
  tracker.update([box(0), box(300)]);
  const after = tracker.update([box(0)], true);
  assert.deepEqual(after.ended, [1, 2]);
  assert.deepEqual(after.ids, [3]);
});

test('smoothing follows real time: after τ seconds a step is 63 % done, at any frame rate; 0 s is off', () => {
  for (const fps of [4, 20]) {
    const s = new EmotionSmoother(0.5);
    s.update(peaked('neutral', 1), 0);
    let last = s.update(peaked('happy', 1), 1 / fps);
    for (let f = 2; f <= fps * 0.5; f++) last = s.update(peaked('happy', 1), f / fps);
    assert.ok(Math.abs(last.happy - (1 - Math.exp(-1))) < 0.002, `${fps} fps: happy ${last.happy}`);
  }
  const off = new EmotionSmoother(0);
  off.update(peaked('neutral', 1), 0);
  assert.equal(off.update(peaked('happy', 1), 0.04).happy, 1);
});

test('a summary: start, end, mean scores, segments that end where the next begins', () => {
  const s = new TrackSummarizer(7);
  const sequence: Emotion[] = ['happy', 'happy', 'sad', 'sad', 'sad', 'sad', 'happy'];
  sequence.forEach((e, i) => s.add(1 + i * 0.5, peaked(e)));
  const summary = s.summary();
  assert.equal(summary.track, 7);
  assert.deepEqual([summary.start, summary.end], [1, 4]);
  assert.equal(summary.emotion, 'sad');
  assert.ok(Math.abs(summary.scores.sad - (4 * 0.9 + 3 * (0.1 / 6)) / 7) < 1e-4);
  assert.deepEqual(summary.segments, [
    { start: 1, end: 2, emotion: 'happy' },
    { start: 2, end: 4, emotion: 'sad' },
    { start: 4, end: 4, emotion: 'happy' },
  ]);
});

test('a long track\'s timeline stays within its bound, as means over spans, ordered in time', () => {
  const s = new TrackSummarizer(1, 100);
  for (let i = 0; i < 10_000; i++) s.add(i / 25, peaked(i < 5_000 ? 'happy' : 'sad'));
  const points = s.timeline();
  assert.ok(points.length <= 100 && points.length > 50, `${points.length} points`);
  assert.ok(points.every((p, i) => i === 0 || p.time > points[i - 1]!.time));
  assert.ok(Math.abs(points[0]!.scores.happy - 0.9) < 1e-4);
  assert.ok(Math.abs(points.at(-1)!.scores.sad - 0.9) < 1e-4);
});
