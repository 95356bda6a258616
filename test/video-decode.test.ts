// Decoding videos with ffmpeg: every frame, in order, at its real time (variable frame rates
// included), upright when the stream carries rotation metadata; and each bad input's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeVideo } from '../src/video/probe.js';
import { decodeFrames } from '../src/video/decode.js';
import type { DecodedFrame } from '../src/video/decode.js';
import { EmoscopeError } from '../src/errors.js';
import { frameSignature, signatureDistance } from '../src/video/scene.js';
import { DEFAULT_VIDEO_OPTIONS } from '../src/video/options.js';
import { SCENE_FRAMES, ffprobeFrames, makeClips } from './video-fixtures.js';

async function decodeAll(path: string): Promise<{ frames: Omit<DecodedFrame, 'image'>[]; error?: unknown; sizes: Set<string> }> {
  const info = await probeVideo(path);
  const frames: Omit<DecodedFrame, 'image'>[] = [];
  const sizes = new Set<string>();
  try {
    for await (const { index, time, image } of decodeFrames(path, info)) {
      frames.push({ index, time });
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

test('not a video, an empty file, a zero-length video, a missing file: errors that name the file and say why', async () => {
  const clips = await makeClips();
  const cases: Array<[string, string, RegExp]> = [
    [clips.text, 'BAD_VIDEO', /notes\.mp4: not a video ffmpeg can read \(.*Invalid data/],
    [clips.empty, 'BAD_VIDEO', /empty\.mp4: empty file \(0 bytes\), expected a video/],
    [clips.zero, 'BAD_VIDEO', /zero\.mp4: no video stream \(a video of zero length\)/],
    [`${clips.dir}/missing.mp4`, 'NOT_FOUND', /missing\.mp4: no such file/],
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
  const info = await probeVideo(clips.scenes);
  const distances: number[] = [];
  let previous: Float32Array | undefined;
  for await (const { image } of decodeFrames(clips.scenes, info)) {
    const signature = frameSignature(image);
    if (previous) distances.push(signatureDistance(previous, signature));
    previous = signature;
  }
  const cut = SCENE_FRAMES.first - 1; // distance between frame 19 and frame 20
  const over = distances.flatMap((d, i) => (d > DEFAULT_VIDEO_OPTIONS.sceneCut ? [i] : []));
  assert.deepEqual(over, [cut], distances.map((d) => d.toFixed(1)).join(' '));
  assert.ok(Math.max(...distances.filter((_, i) => i !== cut)) < DEFAULT_VIDEO_OPTIONS.sceneCut / 4);
});
