// Decoding videos with ffmpeg: every frame, in order, at its real time (variable frame rates
// included), upright when the stream carries rotation metadata; and each bad input's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { probeVideo } from '../src/video/probe.js';
import { decodeFrames } from '../src/video/decode.js';
import type { DecodeOptions, DecodedFrame } from '../src/video/decode.js';
import { EmoscopeError } from '../src/errors.js';
import { DEFAULT_VIDEO_OPTIONS } from '../src/video/options.js';
import { SCENE_FRAMES, ffprobeFrames, makeClips } from './video-fixtures.js';
import { tempDir } from './helpers/paths.js';

async function decodeAll(path: string, options: DecodeOptions = {}): Promise<{ frames: Omit<DecodedFrame, 'image'>[]; error?: unknown; sizes: Set<string> }> {
  const info = await probeVideo(path);
  const frames: Omit<DecodedFrame, 'image'>[] = [];
  const sizes = new Set<string>();
  try {
    for await (const { image, ...rest } of decodeFrames(path, info, options)) {
      frames.push(rest);
      sizes.add(`${image.width}x${image.height}:${image.data.length}`);
    }
  } catch (error) {
    return { frames, error, sizes };
  }
  return { frames, sizes };
}

test('scenes.mp4: as many frames as ffprobe counts, indices 0…n-1, times 0.1 s apart, 320×224 RGB', async () => {
  const clips = await makeClips();
  const info = await probeVideo(clips.scenes);
  assert.deepEqual([info.width, info.height, info.fps, info.rotation], [320, 224, 10, 0]);
  assert.equal(info.duration, 3);
  const expected = await ffprobeFrames(clips.scenes);
  const { frames, error, sizes } = await decodeAll(clips.scenes);
  assert.equal(error, undefined);
  assert.equal(expected.count, SCENE_FRAMES.first + SCENE_FRAMES.second);
  assert.equal(frames.length, expected.count);
  assert.deepEqual(frames.map((f) => f.index), frames.map((_, i) => i));
  assert.deepEqual(frames.map((f) => f.time), expected.times);
  assert.deepEqual([...sizes], [`320x224:${320 * 224 * 3}`]);
});

test('variable frame rate: each frame keeps its own time (0.1 s apart, then 0.3 s)', async () => {
  const clips = await makeClips();
  const expected = await ffprobeFrames(clips.vfr);
  const { frames, error } = await decodeAll(clips.vfr);
  assert.equal(error, undefined);
  assert.equal(frames.length, expected.count);
  assert.deepEqual(frames.map((f) => f.time), expected.times);
  const wanted = frames.map((_, n) => (n < 10 ? n * 0.1 : 1 + (n - 10) * 0.3));
  frames.forEach((f, n) => assert.ok(Math.abs(f.time - wanted[n]!) < 0.002, `frame ${n} at ${f.time}, expected ${wanted[n]}`));
});

test('rotation metadata: a clip stored sideways comes out upright (224×320 stored, 320×224 frames)', async () => {
  const clips = await makeClips();
  const info = await probeVideo(clips.rotated);
  assert.deepEqual([info.width, info.height, info.rotation], [320, 224, 90]);
  const { frames, sizes, error } = await decodeAll(clips.rotated);
  assert.equal(error, undefined);
  assert.equal(frames.length, 30);
  assert.deepEqual([...sizes], [`320x224:${320 * 224 * 3}`]);
});

test('a truncated MKV: the frames before the break are yielded, then BAD_VIDEO', async () => {
  const clips = await makeClips();
  const { frames, error } = await decodeAll(clips.truncated);
  assert.ok(frames.length >= 3 && frames.length < 30, `${frames.length} frames decoded`);
  assert.ok(error instanceof EmoscopeError);
  assert.equal(error.code, 'BAD_VIDEO');
  assert.match(error.message, /truncated\.mkv: damaged or truncated video: \d+ frames decoded, then ffmpeg reported: .*ended prematurely/);
});

test('not a video, an empty file, a zero-length video, a missing file, a broken link, sound only, text named .png: errors that name the file and say why', async () => {
  const clips = await makeClips();
  const broken = join(await tempDir(), 'broken.mp4');
  await symlink('gone.mp4', broken);
  const cases: Array<[string, string, RegExp]> = [
    [broken, 'NOT_FOUND', /broken\.mp4: a symbolic link whose target gone\.mp4 \(.*\/gone\.mp4\) does not exist$/],
    [clips.text, 'BAD_VIDEO', /notes\.mp4: not a video ffmpeg can read \(.*Invalid data/],
    [clips.empty, 'BAD_VIDEO', /empty\.mp4: empty file \(0 bytes\), expected a video/],
    [clips.zero, 'BAD_VIDEO', /zero\.mp4: no video stream \(a video of zero length\)/],
    [`${clips.dir}/missing.mp4`, 'NOT_FOUND', /missing\.mp4: no such file/],
    [clips.audio, 'BAD_VIDEO', /tone\.m4a: no video stream \(an audio-only file\? format mov,mp4/],
    [clips.coverArt, 'BAD_VIDEO', /song\.m4a: no video stream, only a cover picture \(mjpeg; an audio file\?\)/],
    [clips.fakePicture, 'BAD_VIDEO', /notes\.png: damaged, or not png data \(a video stream with no picture size\)/],
  ];
  for (const [path, code, message] of cases) {
    await assert.rejects(probeVideo(path), (error: EmoscopeError) => error.code === code && message.test(error.message), path);
  }
});

test('stopping early stops ffmpeg: a consumer that breaks off gets no more frames and no error', async () => {
  const clips = await makeClips();
  const info = await probeVideo(clips.scenes);
  let seen = 0;
  for await (const frame of decodeFrames(clips.scenes, info, { ahead: 1 })) {
    seen = frame.index + 1;
    if (seen === 3) break;
  }
  assert.equal(seen, 3);
});

test('scene cuts: consecutive frames of the panning scene differ by far less than the threshold, the cut by more', async () => {
  const clips = await makeClips();
  const { frames } = await decodeAll(clips.scenes);
  const changes = frames.map((f) => f.change);
  const over = changes.flatMap((d, i) => (d > DEFAULT_VIDEO_OPTIONS.sceneCut ? [i] : []));
  assert.deepEqual(over, [SCENE_FRAMES.first], changes.map((d) => d.toFixed(1)).join(' ')); // frame 20, the first of the second scene
  assert.equal(changes[0], 0);
  assert.ok(Math.max(...changes.filter((_, i) => i !== SCENE_FRAMES.first)) < DEFAULT_VIDEO_OPTIONS.sceneCut / 4);
});

/** The frames sampling asks for, from the real times: the first frame of each 1/n-second span. */
function firstOfEachSpan(times: number[], sampleFps: number): number[] {
  const spans = times.map((t) => Math.floor(t * sampleFps + 1e-6));
  return spans.flatMap((s, i) => (i === 0 || s > spans.slice(0, i).reduce((a, b) => Math.max(a, b)) ? [i] : []));
}

test('sampling: ffmpeg pipes only the first frame of each span, with its source index and real time (variable frame rate too)', async () => {
  const clips = await makeClips();
  for (const [clip, sampleFps] of [[clips.scenes, 5], [clips.vfr, 2], [clips.vfr, 3.5]] as const) {
    const expected = await ffprobeFrames(clip);
    const wanted = firstOfEachSpan(expected.times, sampleFps);
    const { frames, error } = await decodeAll(clip, { sampleFps });
    assert.equal(error, undefined);
    assert.deepEqual(frames.map((f) => f.index), wanted, `${clip} at ${sampleFps} fps`);
    assert.deepEqual(frames.map((f) => f.time), wanted.map((i) => expected.times[i]));
    assert.ok(frames.every((f) => f.sampled));
    // everyFrame: all frames come, the same ones marked as sampled
    const all = await decodeAll(clip, { sampleFps, everyFrame: true });
    assert.equal(all.frames.length, expected.count);
    assert.deepEqual(all.frames.flatMap((f) => (f.sampled ? [f.index] : [])), wanted);
  }
  assert.deepEqual(firstOfEachSpan([0, 0.1, 0.3, 0.5, 0.55, 1.2], 2), [0, 3, 5], 'the rule the expectations use');
});

test('sampling keeps scene cuts that fall between two sampled frames', async () => {
  const clips = await makeClips();
  // at 0.4 fps frames 0 (0 s) and 25 (2.5 s) are sampled; the cut is at frame 20 (2.0 s)
  const { frames } = await decodeAll(clips.scenes, { sampleFps: 0.4 });
  assert.deepEqual(frames.map((f) => f.index), [0, 25]);
  assert.ok(frames[1]!.change > DEFAULT_VIDEO_OPTIONS.sceneCut, `change ${frames[1]!.change}`);
  const within = await decodeAll(clips.scenes, { sampleFps: 0.6 }); // 0, 1.7 s (frame 17), then 3.4 s is past the end
  assert.deepEqual(within.frames.map((f) => f.index), [0, 17]);
  assert.ok(within.frames[1]!.change < DEFAULT_VIDEO_OPTIONS.sceneCut / 4);
});
