// One video's outputs (src/video/outputs.ts) from a made-up event stream, without a model: a run
// stopped half-way keeps its annotated video and the charts of the tracks it cut short under
// partial names, next to the previous complete files, which stay as they were; a complete run puts
// them in place. The entry of the stopped video says INTERRUPTED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EMOTIONS } from '../src/types.js';
import type { EmotionScores } from '../src/types.js';
import { VideoJsonWriter } from '../src/video/json-output.js';
import { writeVideoOutputs } from '../src/video/outputs.js';
import type { TextSink } from '../src/video/sink.js';
import type { TrackSummary, VideoEvent } from '../src/video/types.js';
import { tempDir } from './helpers/paths.js';
import { ffprobeFrames, writePreviousVideo } from './video-fixtures.js';
import { videoHasOutputMark } from '../src/video/output-mark.js';

const SIDE = 32;
const scores = Object.fromEntries(EMOTIONS.map((e) => [e, e === 'happy' ? 0.7 : 0.05])) as EmotionScores;
const track = (n: number): TrackSummary => ({ track: n, start: 0, end: 0.2, emotion: 'happy', scores, segments: [{ start: 0, end: 0.2, emotion: 'happy' }] });
const timeline = [{ time: 0, scores }, { time: 0.1, scores }, { time: 0.2, scores }];

/** A 3-frame video in which track 1 ends, then (the signal aborted by `stop`, if given) track 2 is summarized. */
async function* events(stop?: AbortController): AsyncGenerator<VideoEvent> {
  yield { type: 'video', file: 'clip.mp4', info: { width: SIDE, height: SIDE, fps: 10, duration: 0.3, estimatedFrames: 3, rotation: 0, stream: 0 } };
  for (let index = 0; index < 3; index++) {
    const image = { data: new Uint8Array(SIDE * SIDE * 3).fill(40 * index), width: SIDE, height: SIDE };
    yield { type: 'frame', frame: { index, time: index / 10, faces: [] }, image };
  }
  yield { type: 'track', track: track(1), timeline };
  stop?.abort(); // Ctrl-C: recognizeVideo stops and summarizes the tracks still open
  yield { type: 'track', track: track(2), timeline };
}

function memorySink(): TextSink & { text: string } {
  const sink = { text: '', write: async (t: string) => { sink.text += t; }, close: async () => {}, keep: async () => undefined };
  return sink;
}

test('stopped half-way: the annotated video and the cut-short track\'s chart keep partial names, the previous complete video stays; the entry says INTERRUPTED', async () => {
  const out = await tempDir();
  const previous = await writePreviousVideo(join(out, 'clip.annotated.mp4'), true);
  const stop = new AbortController();
  const sink = memorySink();
  const json = new VideoJsonWriter(sink);
  await json.begin();
  const outcome = await writeVideoOutputs('clip.mp4', events(stop), { json, out, stem: 'clip', signal: stop.signal });
  await json.end();

  assert.equal(outcome.interrupted, true);
  assert.equal(outcome.error?.code, 'INTERRUPTED');
  assert.deepEqual(outcome.keptVideo, { partial: join(out, 'clip.annotated.partial.mp4'), target: join(out, 'clip.annotated.mp4') });
  assert.deepEqual(outcome.keptCharts, [join(out, 'clip.track2.partial.png'), join(out, 'clip.track2.partial.svg')]);
  assert.deepEqual((await readdir(out)).sort(), [
    'clip.annotated.mp4', 'clip.annotated.partial.mp4',
    'clip.track1.png', 'clip.track1.svg', // ended before the stop: complete, in place
    'clip.track2.partial.png', 'clip.track2.partial.svg',
  ]);
  assert.deepEqual(await readFile(join(out, 'clip.annotated.mp4')), previous);
  assert.equal((await ffprobeFrames(join(out, 'clip.annotated.partial.mp4'))).count, 3, 'the partial video plays the frames so far');
  const [entry] = JSON.parse(sink.text) as [{ error: string; errorCode: string }];
  assert.equal(entry.errorCode, 'INTERRUPTED');
  assert.match(entry.error, /^clip\.mp4: interrupted after 3 analysed frames/);
});

test('not stopped: the annotated video replaces the previous one and every chart is in place, no partial file left', async () => {
  const out = await tempDir();
  await writePreviousVideo(join(out, 'clip.annotated.mp4'), true);
  const json = new VideoJsonWriter(memorySink());
  await json.begin();
  const outcome = await writeVideoOutputs('clip.mp4', events(), { json, out, stem: 'clip' });
  assert.deepEqual([outcome.error, outcome.keptVideo, outcome.keptCharts], [undefined, undefined, undefined]);
  assert.deepEqual((await readdir(out)).sort(), ['clip.annotated.mp4', 'clip.track1.png', 'clip.track1.svg', 'clip.track2.png', 'clip.track2.svg']);
  assert.equal((await ffprobeFrames(join(out, 'clip.annotated.mp4'))).count, 3);
  assert.equal(await videoHasOutputMark(join(out, 'clip.annotated.mp4')), true, 'marked: the next run may replace it');
});

test('a user\'s video named <stem>.annotated.mp4 is not replaced: the video\'s entry says BAD_OUTPUT, nothing is written', async () => {
  const out = await tempDir();
  const mine = await writePreviousVideo(join(out, 'clip.annotated.mp4'), false);
  const sink = memorySink();
  const json = new VideoJsonWriter(sink);
  await json.begin();
  const outcome = await writeVideoOutputs('clip.mp4', events(), { json, out, stem: 'clip' });
  await json.end();
  assert.equal(outcome.error?.code, 'BAD_OUTPUT');
  assert.match(outcome.error!.message, /clip\.annotated\.mp4: a file of that name is there and emoscope did not write it/);
  assert.deepEqual(await readFile(join(out, 'clip.annotated.mp4')), mine);
  assert.deepEqual(await readdir(out), ['clip.annotated.mp4']);
  assert.equal((JSON.parse(sink.text) as [{ errorCode: string }])[0].errorCode, 'BAD_OUTPUT');
});
