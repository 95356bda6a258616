// recognizer.recognizeVideo on generated clips (tiny random classifier, real face detector): the
// events' order, track ids stable within a scene and new after the cut, tracks' segments,
// sampling, the pixels of skipped frames for drawing, and a broken-off video keeping its frames.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadRecognizer } from '../src/predict/recognizer.js';
import type { Recognizer } from '../src/predict/recognizer.js';
import { EmoscopeError } from '../src/errors.js';
import { EMOTIONS } from '../src/types.js';
import type { VideoEvent, VideoFrame, TrackSummary } from '../src/video/types.js';
import { saveTinyModel } from './predict-fixtures.js';
import { SCENE_FRAMES, makeClips } from './video-fixtures.js';

let recognizer: Recognizer;
before(async () => {
  recognizer = await loadRecognizer({ model: await saveTinyModel() });
});
after(() => recognizer.dispose());

async function collect(events: AsyncIterable<VideoEvent>): Promise<{ order: string[]; frames: VideoFrame[]; tracks: TrackSummary[]; skipped: number; error?: unknown }> {
  const out = { order: [] as string[], frames: [] as VideoFrame[], tracks: [] as TrackSummary[], skipped: 0, error: undefined as unknown };
  try {
    for await (const e of events) {
      out.order.push(e.type === 'track' ? `track${e.track.track}` : e.type);
      if (e.type === 'frame') out.frames.push(e.frame);
      if (e.type === 'track') out.tracks.push(e.track);
      if (e.type === 'skipped') out.skipped++;
    }
  } catch (error) {
    out.error = error;
  }
  return out;
}

test('scenes.mp4: two people keep ids 1 and 2 through the first scene; the cut ends them; the third person is track 3', async () => {
  const clips = await makeClips();
  const { order, frames, tracks, error } = await collect(recognizer.recognizeVideo(clips.scenes));
  assert.equal(error, undefined);
  assert.equal(order[0], 'video');
  assert.equal(frames.length, SCENE_FRAMES.first + SCENE_FRAMES.second);
  const first = frames.filter((f) => f.time < SCENE_FRAMES.cutAt);
  const second = frames.filter((f) => f.time >= SCENE_FRAMES.cutAt);
  assert.ok(first.every((f) => f.faces.map((x) => x.track).join() === '1,2'), first.map((f) => f.faces.map((x) => x.track).join()).join(' '));
  assert.ok(second.every((f) => f.faces.map((x) => x.track).join() === '3'), second.map((f) => f.faces.map((x) => x.track).join()).join(' '));
  // tracks 1 and 2 are summarized at the cut, before the first frame of the new scene
  assert.deepEqual(order.slice(1 + SCENE_FRAMES.first, 4 + SCENE_FRAMES.first), ['track1', 'track2', 'frame']);
  assert.equal(order.at(-1), 'track3');
  assert.deepEqual(tracks.map((t) => [t.track, t.start, t.end]), [[1, 0, 1.9], [2, 0, 1.9], [3, 2, 2.9]]);
  for (const t of tracks) {
    assert.equal(t.segments[0]!.start, t.start);
    assert.equal(t.segments.at(-1)!.end, t.end);
    t.segments.forEach((s, i) => i > 0 && assert.equal(s.start, t.segments[i - 1]!.end, 'segments meet'));
    t.segments.forEach((s, i) => i > 0 && assert.notEqual(s.emotion, t.segments[i - 1]!.emotion, 'a segment is a run of one emotion'));
    assert.equal(t.emotion, EMOTIONS.reduce((a, b) => (t.scores[b] > t.scores[a] ? b : a)));
  }
  for (const f of frames) {
    for (const face of f.faces) {
      assert.equal(face.emotion, EMOTIONS.reduce((a, b) => (face.scores[b] > face.scores[a] ? b : a)));
      assert.ok(face.box.x >= 0 && face.box.x + face.box.width <= 320 + 2 && face.box.width > 60);
    }
  }
});

test('sampleFps 5: frames 0, 2, 4, … at 0.2-s steps; with images, the skipped frames come too, with pixels', async () => {
  const clips = await makeClips();
  const sampled = await collect(recognizer.recognizeVideo(clips.scenes, { sampleFps: 5 }));
  assert.deepEqual(sampled.frames.map((f) => f.index), Array.from({ length: 15 }, (_, i) => 2 * i));
  assert.deepEqual(sampled.frames.map((f) => f.time), Array.from({ length: 15 }, (_, i) => Math.round(2 * i) / 10));
  assert.equal(sampled.skipped, 0);
  let pixels = 0;
  const analysed: number[] = [];
  for await (const e of recognizer.recognizeVideo(clips.scenes, { sampleFps: 5, images: true })) {
    if (e.type === 'skipped') assert.equal(e.faces.length, e.time < 2 ? 2 : 1);
    if (e.type === 'frame') analysed.push(e.frame.index);
    if ((e.type === 'frame' || e.type === 'skipped') && e.image?.data.length === 320 * 224 * 3) pixels++;
  }
  assert.equal(pixels, 30, 'every frame of the video, analysed or not, with its pixels');
  assert.deepEqual(analysed, sampled.frames.map((f) => f.index), 'the same frames analysed whether ffmpeg drops the others or not');
});

test('a truncated video: its frames and tracks are yielded, then BAD_VIDEO is thrown', async () => {
  const clips = await makeClips();
  const { frames, tracks, error, order } = await collect(recognizer.recognizeVideo(clips.truncated));
  assert.ok(frames.length > 0);
  assert.ok(tracks.length >= 2);
  assert.ok(order.at(-1)!.startsWith('track'));
  assert.ok(error instanceof EmoscopeError && error.code === 'BAD_VIDEO');
});

test('a disposed recognizer refuses a video before anything is yielded: the first next() rejects in words', async () => {
  const clips = await makeClips();
  const own = await loadRecognizer({ model: await saveTinyModel() });
  own.dispose();
  const events = own.recognizeVideo(clips.scenes);
  await assert.rejects(events.next(), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT' && /^This recognizer was disposed: its models are freed; load another with loadRecognizer\(\)$/.test(e.message));
  assert.deepEqual(await events.next(), { done: true, value: undefined }, 'and nothing after');
});

test('options are checked: which one, what was expected', async () => {
  const clips = await makeClips();
  await assert.rejects(collect(recognizer.recognizeVideo(clips.scenes, { sampleFps: -1 })).then((r) => { throw r.error; }), /Expected a number of frames per second, 0 for every frame for sampleFps but received -1/);
  await assert.rejects(collect(recognizer.recognizeVideo(clips.scenes, { smoth: 1 } as never)).then((r) => { throw r.error; }), /for video options but received "smoth"/);
  // a video's bytes instead of its path: described in a few words, not dumped into the message
  const bytes = await readFile(clips.scenes);
  await assert.rejects(collect(recognizer.recognizeVideo(bytes as never)).then((r) => { throw r.error; }), (e: Error) => /Expected a video file path .* for path but received a Buffer of \d+ bytes$/.test(e.message) && e.message.length < 200);
});
