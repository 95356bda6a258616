// The page's per-face smoothing (src/web/tracker.ts): a still face whose scores wobble near a tie
// keeps its label, a real change of expression shows after a few hundred ms, faces keep their
// identity while they move a little, and a face that leaves is forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaceTracker } from '../src/web/tracker.js';
import type { EmotionScores, FaceResult } from '../src/types.js';

function face(x: number, scores: Partial<EmotionScores>): FaceResult {
  const all: EmotionScores = { angry: 0, disgust: 0, fear: 0, happy: 0, sad: 0, surprise: 0, neutral: 0, ...scores };
  const emotion = (Object.keys(all) as Array<keyof EmotionScores>).reduce((a, b) => (all[b] > all[a] ? b : a));
  return { box: { x, y: 50, width: 100, height: 100 }, score: 0.9, emotion, scores: all };
}

test('a still face whose top two scores alternate (0.46/0.44 and back) at 20 fps keeps one label', () => {
  const tracker = new FaceTracker();
  const labels = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const t = i * 50;
    tracker.update([face(200, i % 2 ? { happy: 0.46, neutral: 0.44, sad: 0.1 } : { happy: 0.44, neutral: 0.46, sad: 0.1 })], t);
    const drawn = tracker.draw(t);
    assert.equal(drawn.length, 1);
    if (i > 0) labels.add(drawn[0]!.emotion);
  }
  assert.equal(labels.size, 1, `labels shown: ${[...labels].join(', ')}`);
});

test('a real change of expression (neutral → happy) shows within half a second, not at the first frame', () => {
  const tracker = new FaceTracker();
  let t = 0;
  for (; t < 1000; t += 50) tracker.update([face(200, { neutral: 0.8, happy: 0.2 })], t);
  tracker.update([face(200, { happy: 0.8, neutral: 0.2 })], t);
  assert.equal(tracker.draw(t)[0]!.emotion, 'neutral', 'one frame does not switch');
  const start = t;
  while (tracker.draw(t)[0]!.emotion !== 'happy') {
    t += 50;
    tracker.update([face(200, { happy: 0.8, neutral: 0.2 })], t);
    assert.ok(t - start <= 500, 'switched within 500 ms');
  }
});

test('two faces keep their ids while moving a few pixels; a face that leaves is dropped after 400 ms', () => {
  const tracker = new FaceTracker();
  tracker.update([face(0, { happy: 1 }), face(300, { sad: 1 })], 0);
  const ids = tracker.draw(0).map((f) => f.id);
  tracker.update([face(6, { happy: 1 }), face(295, { sad: 1 })], 50);
  assert.deepEqual(tracker.draw(50).map((f) => f.id), ids);
  tracker.update([face(8, { happy: 1 })], 100);
  assert.equal(tracker.draw(300).length, 2, 'kept a moment');
  tracker.update([face(8, { happy: 1 })], 600);
  assert.deepEqual(tracker.draw(600).map((f) => f.id), [ids[0]]);
});

test('drawn boxes glide toward the detection instead of jumping', () => {
  const tracker = new FaceTracker();
  tracker.update([face(100, { happy: 1 })], 0);
  tracker.draw(0);
  tracker.update([face(120, { happy: 1 })], 100);
  const x = tracker.draw(16)[0]!.box.x;
  assert.ok(x > 100 && x < 120, `x ${x}`);
  assert.ok(Math.abs(tracker.draw(450)[0]!.box.x - 120) < 0.1);
});

test('once its boxes have settled, the tracker says a redraw would show nothing new, until the next frame or a face is due to go', () => {
  const tracker = new FaceTracker();
  tracker.update([face(200, { happy: 0.9, neutral: 0.1 })], 0);
  assert.equal(tracker.unchanged(0), false, 'never drawn');
  tracker.draw(0);
  assert.equal(tracker.unchanged(16), true, 'drawn where detected, nothing since');
  tracker.update([face(230, { happy: 0.9, neutral: 0.1 })], 20);
  assert.equal(tracker.unchanged(33), false, 'a new frame was analysed');
  tracker.draw(33);
  assert.equal(tracker.unchanged(50), false, 'the box is still gliding toward x = 230');
  for (let t = 50; t <= 290; t += 16) tracker.draw(t);
  tracker.update([face(230, { happy: 0.9, neutral: 0.1 })], 300); // the face stays where it was
  for (let t = 306; t <= 500; t += 16) tracker.draw(t);
  assert.equal(tracker.unchanged(510), true, 'settled');
  assert.equal(tracker.unchanged(720), false, 'the face is due to be dropped (not seen for 420 ms)');
  assert.equal(tracker.draw(720).length, 0);
  assert.equal(tracker.unchanged(740), true, 'nothing to draw, and nothing was drawn');
});
