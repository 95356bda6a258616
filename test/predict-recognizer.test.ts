// The recognizer a library user calls: faces in the right places with the documented result shape,
// one input → one result and an array → an array, every kind of bad input reported per photo, the
// model's preprocessing honoured, bad models refused clearly, and no tensor leak.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { loadRecognizer } from '../src/predict/index.js';
import type { Recognizer } from '../src/predict/index.js';
import { EmoscopeError } from '../src/errors.js';
import { EMOTIONS } from '../src/types.js';
import type { PhotoResult } from '../src/types.js';
import { COUPLE, SINGLE, saveTinyModel } from './predict-fixtures.js';
import { tempDir } from './helpers/paths.js';
import { ERROR_CATALOGUE } from '../src/errors.js';
import { nativeAddon } from '../src/engine/native.js';

let modelDir: string;
let recognizer: Recognizer;

before(async () => {
  modelDir = await saveTinyModel();
  recognizer = await loadRecognizer({ model: modelDir });
});
after(() => recognizer.dispose());

function assertPhotoShape(result: PhotoResult): void {
  const keys = Object.keys(result).sort();
  assert.deepEqual(keys, result.error === undefined ? ['faces', 'file', 'height', 'width'] : ['error', 'errorCode', 'faces', 'file', 'height', 'width']);
  if (result.error !== undefined) assert.ok(result.errorCode! in ERROR_CATALOGUE, `errorCode ${result.errorCode} is a code of the catalogue`);
  for (const face of result.faces) {
    assert.deepEqual(Object.keys(face).sort(), ['box', 'emotion', 'score', 'scores']);
    assert.deepEqual(Object.keys(face.box).sort(), ['height', 'width', 'x', 'y']);
    for (const v of Object.values(face.box)) assert.ok(Number.isInteger(v) && v >= 0, `box values are whole pixels: ${v}`);
    assert.ok(face.box.x + face.box.width <= result.width && face.box.y + face.box.height <= result.height, 'box inside the photo');
    assert.deepEqual(Object.keys(face.scores), [...EMOTIONS]);
    const sum = EMOTIONS.reduce((s, e) => s + face.scores[e], 0);
    assert.ok(Math.abs(sum - 1) < 1e-3, `scores sum to 1: ${sum}`);
    assert.equal(face.emotion, EMOTIONS.reduce((a, b) => (face.scores[b] > face.scores[a] ? b : a)));
    assert.ok(face.score > 0 && face.score <= 1);
  }
}

test('couple.jpg gives two faces, left to right, in the places the people are, in the documented shape', async () => {
  const result = await recognizer.recognize(COUPLE);
  assertPhotoShape(result);
  assert.equal(result.file, COUPLE);
  assert.deepEqual([result.width, result.height], [640, 446]);
  assert.equal(result.faces.length, 2);
  const [left, right] = result.faces;
  assert.ok(Math.abs(left!.box.x + left!.box.width / 2 - 175) < 40 && Math.abs(left!.box.y + left!.box.height / 2 - 275) < 40);
  assert.ok(Math.abs(right!.box.x + right!.box.width / 2 - 470) < 40 && Math.abs(right!.box.y + right!.box.height / 2 - 218) < 40);
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result, 'plain JSON data');
});

test('an array gives an array in the same order; a Buffer and decoded pixels give the same faces as the path', async () => {
  const bytes = await readFile(COUPLE);
  const { data, info } = await sharp(COUPLE).raw().toBuffer({ resolveWithObject: true });
  const pixels = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 as const };
  const results = await recognizer.recognize([SINGLE, bytes, pixels]);
  assert.equal(results.length, 3);
  assert.deepEqual(results.map((r) => r.file), [SINGLE, '<buffer 1>', '<pixels 2>']);
  assert.equal(results[0]!.faces.length, 1);
  const fromPath = await recognizer.recognize(COUPLE);
  assert.deepEqual(results[1]!.faces, fromPath.faces);
  assert.deepEqual(results[2]!.faces.map((f) => f.box), fromPath.faces.map((f) => f.box));
});

test('largestFace keeps only the biggest face', async () => {
  const all = await recognizer.recognize(COUPLE);
  const largest = await loadRecognizer({ model: modelDir, largestFace: true });
  try {
    const result = await largest.recognize(COUPLE);
    assert.equal(result.faces.length, 1);
    const areas = all.faces.map((f) => f.box.width * f.box.height);
    assert.deepEqual(result.faces[0]!.box, all.faces[areas.indexOf(Math.max(...areas))]!.box);
  } finally {
    largest.dispose();
  }
});

test('a list takes per-call options as one photo does; a single path or buffer given as the list is refused, not read by characters', async () => {
  const [each] = await recognizer.recognize([COUPLE], { largestFace: true });
  assert.equal(each!.faces.length, 1, 'largestFace applies to a list');
  const one = await recognizer.recognize(COUPLE, { largestFace: true });
  assert.deepEqual(each!.faces, one.faces);
  const streamed: PhotoResult[] = [];
  for await (const r of recognizer.recognizeEach([COUPLE, SINGLE], { minFaceScore: 0.99999 })) streamed.push(r);
  assert.deepEqual(streamed.map((r) => r.faces.length), [0, 0], 'minFaceScore applies to recognizeEach');
  for (const wrong of [COUPLE, await readFile(COUPLE)]) {
    await assert.rejects(async () => {
      for await (const _ of recognizer.recognizeEach(wrong as unknown as string[])) assert.fail('nothing is yielded');
    }, (error: EmoscopeError) => error.code === 'BAD_ARGUMENT' && /a list of photos .*for one photo call recognize\(photo\)/.test(error.message) && error.message.length < 300);
  }
});

test('a photo without a face gives faces: [] and no error', async () => {
  const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#8899aa' } }).png().toBuffer();
  const result = await recognizer.recognize(blank);
  assert.deepEqual(result, { file: '<buffer>', width: 300, height: 200, faces: [] });
});

test('bad inputs get an error each and the good photos between them are still processed', async () => {
  const dir = await tempDir();
  const bytes = await readFile(SINGLE);
  const files = {
    text: join(dir, 'notes.jpg'),
    empty: join(dir, 'empty.png'),
    truncated: join(dir, 'cut.jpg'),
    missing: join(dir, 'missing.jpg'),
  };
  await writeFile(files.text, 'hello');
  await writeFile(files.empty, '');
  await writeFile(files.truncated, bytes.subarray(0, bytes.length >> 1));
  const small = await loadRecognizer({ model: modelDir, maxPixels: 300_000 }); // COUPLE has 285,440 pixels
  try {
    const big = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#000' } }).png().toBuffer();
    const results = await small.recognize([files.text, COUPLE, files.empty, files.truncated, big, files.missing, SINGLE]);
    results.forEach(assertPhotoShape);
    const errors = results.map((r) => r.error);
    assert.match(errors[0]!, /notes\.jpg: not an image/);
    assert.match(errors[2]!, /empty\.png: empty file/);
    assert.match(errors[3]!, /cut\.jpg: damaged or truncated/);
    assert.match(errors[4]!, /<buffer 4>: image larger than the limit of 300000 pixels/);
    assert.match(errors[5]!, /missing\.jpg: no such file/);
    assert.deepEqual([0, 2, 3, 4, 5].map((i) => results[i]!.errorCode), ['UNSUPPORTED_IMAGE', 'BAD_IMAGE', 'BAD_IMAGE', 'IMAGE_TOO_LARGE', 'NOT_FOUND']);
    assert.equal(results[1]!.faces.length, 2);
    assert.equal(results[6]!.faces.length, 1);
    for (const i of [0, 2, 3, 4, 5]) assert.deepEqual([results[i]!.width, results[i]!.height, results[i]!.faces], [0, 0, []]);
  } finally {
    small.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});

test('faces are normalized as the model folder says: scale 0 and offset 0 make every input zero', async () => {
  const dir = await saveTinyModel();
  const metaPath = join(dir, 'emoscope.json');
  const meta = JSON.parse(await readFile(metaPath, 'utf8'));
  meta.preprocessing = { ...meta.preprocessing, scale: 0, offset: 0 };
  await writeFile(metaPath, JSON.stringify(meta));
  const zeroed = await loadRecognizer({ model: dir });
  try {
    // zero input → the dense layer's zero bias → a uniform softmax, whatever the face looks like
    const { faces } = await zeroed.recognize(COUPLE);
    for (const e of EMOTIONS) assert.ok(Math.abs(faces[0]!.scores[e] - 1 / 7) < 1e-3);
  } finally {
    zeroed.dispose();
  }
  const normal = await recognizer.recognize(COUPLE);
  assert.ok(EMOTIONS.some((e) => Math.abs(normal.faces[0]!.scores[e] - 1 / 7) > 1e-3), 'the real pixels do reach the model');
});

test('a missing model folder and a model with another label set are clear errors', async () => {
  await assert.rejects(loadRecognizer({ model: '/no/such/model' }), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError);
    assert.equal(error.code, 'NOT_FOUND');
    assert.match(error.message, /No model at \/no\/such\/model/);
    return true;
  });
  const relabelled = await saveTinyModel({ labels: ['happy', 'sad', 'angry', 'fear', 'disgust', 'surprise', 'neutral'] });
  await assert.rejects(loadRecognizer({ model: relabelled }), /expected labels \["angry","disgust".*but received \["happy","sad"/);
  const fiveWay = await saveTinyModel({ classes: 5 });
  await assert.rejects(loadRecognizer({ model: fiveWay }), /expected 7 outputs .* but the model has \[5\]/);
});

test('options are checked: a face score outside 0..1 and an unknown option are refused', async () => {
  await assert.rejects(loadRecognizer({ model: modelDir, minFaceScore: 2 }), /Expected a number between 0 and 1 for minFaceScore but received 2/);
  await assert.rejects(loadRecognizer({ model: modelDir, minFaceSocre: 0.5 } as never), /for options but received "minFaceSocre"/);
  await assert.rejects(loadRecognizer({ model: modelDir, tta: 'rotate' as never }), /Expected one of none, flip, crops for tta but received "rotate"/);
});

test('one call takes only its own options: a load-time setting or a misspelt key is refused in words; a large wrong input is described, not dumped', async () => {
  await assert.rejects(recognizer.recognize(COUPLE, { maxPixels: 10 } as never), (e: EmoscopeError) => e.code === 'BAD_ARGUMENT' && /only minFaceScore, largestFace, tta \(maxPixels is set once, by loadRecognizer\)/.test(e.message));
  await assert.rejects(recognizer.recognize([COUPLE], { tiles: true } as never), /tiles is set once, by loadRecognizer/);
  await assert.rejects(recognizer.recognize(COUPLE, { largestFaces: true } as never), /Expected options named minFaceScore, largestFace, tta, timings for the options of one call but received "largestFaces"/);
  const pixels = new Uint8ClampedArray(600 * 400 * 4);
  await assert.rejects(recognizer.recognize(pixels as never), (e: EmoscopeError) => e.code === 'BAD_ARGUMENT' && /received a Uint8ClampedArray of 960000 bytes/.test(e.message) && e.message.length < 300);
});

test('one call\'s options must be an options object: a number, a word or a list is refused in words, for one photo, a list or one by one', async () => {
  const refused = (received: string) => (e: unknown): boolean => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT'
    && e.message === `Expected an options object (minFaceScore, largestFace, tta, timings) for the options of one call but received ${received}`;
  await assert.rejects(recognizer.recognize(COUPLE, 5 as never), refused('5'));
  await assert.rejects(recognizer.recognize(COUPLE, 'fast' as never), refused('"fast"'));
  await assert.rejects(recognizer.recognize(COUPLE, [1] as never), refused('an array of 1 item'));
  await assert.rejects(recognizer.recognize(COUPLE, null as never), refused('null'));
  await assert.rejects(recognizer.recognize([COUPLE], 5 as never), /^EmoscopeError: Expected an options object \(minFaceScore, largestFace, tta\) for the options of one call but received 5$/);
  await assert.rejects(recognizer.recognizeEach([COUPLE], 'fast' as never).next(), /Expected an options object .* but received "fast"$/);
  // the same names as a call's settings on the prototype are not load-time settings either
  await assert.rejects(recognizer.recognize(COUPLE, { toString: 1 } as never), /^EmoscopeError: Expected options named minFaceScore, largestFace, tta, timings for the options of one call but received "toString"$/);
});

test('timings: a plain object that takes the times, checked before the photo is read; anything else is refused, never an uncaught error', async () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown): void => { uncaught.push(error); };
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  try {
    const refused = (received: string) => (e: unknown): boolean => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT'
      && e.message === `Expected a plain object that the times are written into (recognize(photo, { timings: {} })) for timings but received ${received}`;
    await assert.rejects(recognizer.recognize(COUPLE, { timings: 'abc' } as never), refused('"abc"'));
    await assert.rejects(recognizer.recognize(COUPLE, { timings: 5 } as never), refused('5'));
    await assert.rejects(recognizer.recognize(COUPLE, { timings: Object.freeze({}) } as never), refused('a frozen object'));
    await assert.rejects(recognizer.recognize(COUPLE, { timings: Object.seal({ decode: 0 }) } as never), refused('an object that takes no new properties'));
    await assert.rejects(recognizer.recognize(COUPLE, { timings: Object.defineProperty({}, 'total', { value: 0 }) } as never), refused('an object with a property that cannot be written'));
    await assert.rejects(recognizer.recognize(COUPLE, { timings: new Map() } as never), refused('a Map'));
    await assert.rejects(recognizer.recognize(COUPLE, { timings: [] } as never), refused('an array of 0 items'));
    // timings are one photo's: a list refuses them rather than drop them
    await assert.rejects(recognizer.recognize([COUPLE], { timings: {} } as never), /^EmoscopeError: Expected only minFaceScore, largestFace, tta \(timings are measured for one photo: recognize\(photo, \{ timings \}\)\) for the options of one call but received "timings"$/);
    const timings = Object.create(null) as Record<string, number>;
    const result = await recognizer.recognize(COUPLE, { timings: timings as never });
    assert.equal(result.faces.length, 2);
    assert.deepEqual(Object.keys(timings).sort(), ['classify', 'decode', 'detect', 'total']);
    // a record that takes the first times and then refuses one: the photo's work goes on, and nothing is thrown where no one catches it
    let writes = 0;
    const grudging = { get decode(): number { return 0; }, set decode(_value: number) { if (++writes > 2) throw new TypeError('no more times'); } };
    assert.equal((await recognizer.recognize(COUPLE, { timings: grudging as never })).faces.length, 2);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a detached branch would have failed by now
    assert.ok(writes > 2, `the decode time was written ${writes} times`);
  } finally {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
  }
  assert.deepEqual(uncaught, []);
});

test('a detector is looked up among the registry\'s own names: constructor or __proto__ is refused before anything loads', async () => {
  for (const detector of ['constructor', '__proto__', 'hasOwnProperty']) {
    await assert.rejects(loadRecognizer({ model: modelDir, detector: detector as never }), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT' && e.message === `Expected one of blazeface for detector but received "${detector}"`);
  }
});

test('decoded pixels with bad dimensions are that photo\'s BAD_IMAGE result naming each bad field, whichever field it is; the others in the list are recognized', async () => {
  const data = new Uint8Array(320 * 240 * 3);
  const results = await recognizer.recognize([
    { data, width: 1.5, height: 240, channels: 3 } as never,
    { data: new Uint8Array(0), width: 0, height: 0, channels: 3 },
    { data, width: -320, height: 240, channels: 3 },
    { data, width: 320, height: 240, channels: 4 },
    SINGLE,
  ]);
  assert.deepEqual(results.map((r) => r.errorCode), ['BAD_IMAGE', 'BAD_IMAGE', 'BAD_IMAGE', 'BAD_IMAGE', undefined]);
  assert.deepEqual(results.slice(0, 4).map((r) => r.error), [
    '<pixels 0>: expected a positive whole number for width but received 1.5',
    '<pixels 1>: expected a positive whole number for width but received 0; expected a positive whole number for height but received 0',
    '<pixels 2>: expected a positive whole number for width but received -320',
    '<pixels 3>: expected width × height × channels = 320 × 240 × 4 = 307200 bytes of data but received 230400 bytes',
  ]);
  assert.equal(results[4]!.faces.length, 1);
  const one = await recognizer.recognize({ data, width: 320, height: 240, channels: 2 } as never);
  assert.equal(one.error, '<pixels>: expected 1 (gray), 3 (RGB) or 4 (RGBA) for channels but received 2');
});

test('a disposed recognizer refuses work in words; disposing twice is harmless', async () => {
  const own = await loadRecognizer({ model: modelDir });
  own.dispose();
  own.dispose();
  await assert.rejects(own.recognize(COUPLE), (e: EmoscopeError) => e.code === 'BAD_ARGUMENT' && /recognizer was disposed/.test(e.message));
  await assert.rejects(own.recognize([COUPLE]), /recognizer was disposed/);
  assert.throws(() => own.classify(new Uint8Array(48 * 48), 1), /recognizer was disposed/);
  await assert.rejects(own.recognizeEach([COUPLE]).next(), /recognizer was disposed/);
  // a video is refused at its first step, whatever the path (a real video: video-recognize.test)
  await assert.rejects(own.recognizeVideo('/no/such/video.mp4').next(), (e: EmoscopeError) => e.code === 'BAD_ARGUMENT' && /recognizer was disposed/.test(e.message));
});

test('tta flip keeps the boxes and changes the scores, which still sum to 1 (the averaging itself: model-inference.test)', async () => {
  const flipped = await loadRecognizer({ model: modelDir, tta: 'flip' });
  const plain = await recognizer.recognize(COUPLE);
  const result = await flipped.recognize(COUPLE);
  assert.deepEqual(result.faces.map((f) => f.box), plain.faces.map((f) => f.box));
  assert.notDeepEqual(result.faces.map((f) => f.scores), plain.faces.map((f) => f.scores));
  for (const face of result.faces) {
    const total = Object.values(face.scores).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 1) < 1e-3, `scores sum to ${total}`);
  }
  flipped.dispose();
});

test('no tensor leaks over repeated recognize calls', async () => {
  await recognizer.recognize([COUPLE, SINGLE]);
  const tensors = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await recognizer.recognize([COUPLE, SINGLE, Buffer.from('bad')]);
  assert.equal(tf.memory().numTensors, tensors);
});


test('the native kernels run on one thread by default (decoding has the other cores) and on `threads` when given', { skip: nativeAddon() === undefined ? 'native kernels not built' : false }, async () => {
  const addon = nativeAddon()!;
  addon.setThreads(3);
  const one = await loadRecognizer({ model: modelDir });
  assert.equal(addon.setThreads(0), 1, 'loadRecognizer() leaves the kernels on one thread');
  one.dispose();
  const two = await loadRecognizer({ model: modelDir, threads: 2 });
  assert.equal(addon.setThreads(0), 2);
  two.dispose();
  const untouched = await loadRecognizer({ model: modelDir, threads: 0 });
  assert.equal(addon.setThreads(0), 2, 'threads: 0 leaves the setting alone');
  untouched.dispose();
  await assert.rejects(loadRecognizer({ model: modelDir, threads: 1.5 }), /threads/);
  addon.setThreads(1);
});
