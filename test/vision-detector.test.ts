// Face detection and cropping on real photos: BlazeFace finds the faces of the fixtures where they
// are, finds none in an empty picture, frees its tensors, and crops are square, gray and edge-padded.
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { initEngine } from '../src/engine/backend.js';
import { loadBlazeFace } from '../src/vision/blazeface.js';
import { iou, weightedNms } from '../src/vision/detector.js';
import { detectFaceAsPhoto, FACE_PHOTO_SIDE } from '../src/vision/face-as-photo.js';
import { cropFace, cropRegion } from '../src/vision/face-crop.js';
import { openPhoto } from '../src/vision/image.js';
import { COUPLE, SINGLE } from './predict-fixtures.js';
import { FER_FOLDERS } from './helpers/paths.js';

/** Centres and sides of the two faces in couple.jpg (640×446), checked by eye on an annotated copy. */
const COUPLE_FACES = [
  { cx: 175, cy: 275, side: 185 },
  { cx: 470, cy: 218, side: 180 },
];

function centre(box: { x: number; y: number; width: number; height: number }): [number, number] {
  return [box.x + box.width / 2, box.y + box.height / 2];
}

test('BlazeFace finds the two faces of couple.jpg where they are, and one in single.jpg', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  try {
    const faces = (await detector.detect(await openPhoto(COUPLE), { minScore: 0.35 })).sort((a, b) => a.box.x - b.box.x);
    assert.equal(faces.length, 2);
    faces.forEach((face, i) => {
      const want = COUPLE_FACES[i]!;
      const [cx, cy] = centre(face.box);
      assert.ok(Math.hypot(cx - want.cx, cy - want.cy) < want.side * 0.2, `face ${i} centre (${cx}, ${cy}) vs (${want.cx}, ${want.cy})`);
      assert.ok(Math.abs(face.box.width - want.side) < want.side * 0.3, `face ${i} width ${face.box.width} vs ${want.side}`);
      assert.ok(face.score > 0.8 && face.score <= 1);
      assert.equal(face.keypoints.length, 6);
    });
    assert.equal((await detector.detect(await openPhoto(SINGLE), { minScore: 0.35 })).length, 1);
  } finally {
    detector.dispose();
  }
});

test('on the photo turned upright-to-portrait (446×640, a 192×256 network input) the faces are where the turn puts them', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  try {
    const portrait = await sharp(COUPLE).rotate(90).jpeg().toBuffer(); // clockwise: (x, y) → (445 - y, x)
    const faces = await detector.detect(await openPhoto(portrait), { minScore: 0.35 });
    assert.equal(faces.length, 2);
    for (const want of COUPLE_FACES) {
      const [wx, wy] = [445 - want.cy, want.cx];
      assert.ok(faces.some((f) => Math.hypot(centre(f.box)[0] - wx, centre(f.box)[1] - wy) < want.side * 0.2), `no face near (${wx}, ${wy})`);
    }
  } finally {
    detector.dispose();
  }
});

test('boxes are in pixels of the photo even when its pixels are decoded smaller, with tiles too', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  try {
    const photo = await openPhoto(COUPLE, { maxSide: 320 }); // half size: tiles search the 320-px pixels
    assert.equal((await photo.pixels()).width, 320);
    const faces = (await detector.detect(photo, { minScore: 0.5, tiles: true })).sort((a, b) => a.box.x - b.box.x);
    assert.equal(faces.length, 2);
    faces.forEach((face, i) => {
      const [cx, cy] = centre(face.box);
      assert.ok(Math.hypot(cx - COUPLE_FACES[i]!.cx, cy - COUPLE_FACES[i]!.cy) < 40, `face ${i} centre (${cx}, ${cy})`);
    });
  } finally {
    detector.dispose();
  }
});

test('BlazeFace finds no face in a plain grey picture', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  const grey = { data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240, channels: 3 as const };
  assert.deepEqual(await detector.detect(await openPhoto(grey), { minScore: 0.35 }), []);
  detector.dispose();
});

test('BlazeFace leaks no tensor over repeated detections, with and without tiles', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  const photo = await openPhoto(COUPLE);
  await detector.detect(photo, { minScore: 0.35 }); // first call may create lasting kernels state
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await detector.detect(photo, { minScore: 0.35, tiles: i === 1 });
  assert.equal(tf.memory().numTensors, before);
  detector.dispose();
});

test('weighted NMS merges overlapping candidates by score and keeps separate ones', () => {
  const kp: Array<[number, number]> = [[0, 0]];
  const merged = weightedNms(
    [
      { box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.9, keypoints: kp },
      { box: { x: 2, y: 0, width: 10, height: 10 }, score: 0.3, keypoints: kp },
      { box: { x: 50, y: 50, width: 10, height: 10 }, score: 0.5, keypoints: kp },
    ],
    0.3,
  );
  assert.equal(merged.length, 2);
  assert.equal(merged[0]!.score, 0.9);
  assert.ok(Math.abs(merged[0]!.box.x - 0.5) < 1e-9, 'x averaged with weights 0.9 and 0.3');
  assert.equal(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 }), 50 / 150);
});

test('weighted NMS ends on boxes of no area and on scores of 0 (a minimum face score of 0 once looped for ever)', () => {
  const kp: Array<[number, number]> = [[4, 6]];
  const flat = { box: { x: 10, y: 10, width: 0, height: 5 }, score: 0.5, keypoints: kp };
  assert.deepEqual(weightedNms([flat, { ...flat }], 0.3), [flat, flat], 'each box of no area is its own group');
  const zero = (x: number) => ({ box: { x, y: 0, width: 10, height: 10 }, score: 0, keypoints: kp });
  const merged = weightedNms([zero(0), zero(2), zero(40)], 0.3);
  assert.equal(merged.length, 2);
  assert.equal(merged[0]!.box.x, 1, 'scores of 0 weigh evenly');
  assert.deepEqual(merged[0]!.keypoints, [[4, 6]]);
});

test('the crop is a square around the box with the margin on each side', () => {
  assert.deepEqual(cropRegion({ x: 100, y: 50, width: 80, height: 100 }, 0.1), { x: 80, y: 40, width: 120, height: 120 });
});

test('a face at the edge is cropped with the edge pixels repeated, gray, at the model size', async () => {
  // left half black, right half white; a box hanging over the left edge sees only black beyond it
  const width = 100;
  const height = 100;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 50; x < width; x++) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  const face = await cropFace({ data, width, height }, { x: -20, y: 30, width: 40, height: 40 }, 48, 0);
  assert.equal(face.length, 48 * 48);
  assert.ok(face.every((v) => v === 0), 'all black: the repeated edge, not a padding colour');
  const inside = await cropFace({ data, width, height }, { x: 30, y: 30, width: 40, height: 40 }, 48, 0);
  assert.ok(inside[48 * 24 + 2]! < 10 && inside[48 * 24 + 45]! > 245, 'left of the crop black, right white');
});

test('a 48-px FER2013 face seen as a photo of itself: scaled to 256 px, its face found in the middle; a blank one has none', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  try {
    const file = join(FER_FOLDERS, 'train', 'happy', 'Training_10019449.jpg');
    const face = new Uint8Array(await sharp(file).grayscale().raw().toBuffer());
    assert.equal(face.length, 48 * 48);
    const { photo, best } = await detectFaceAsPhoto(detector, face, 48, 0.35);
    assert.equal(photo.width, FACE_PHOTO_SIDE);
    assert.equal(photo.height, FACE_PHOTO_SIDE);
    assert.ok(best, 'the face is found');
    const [cx, cy] = centre(best.box);
    // FER2013 frames a face with its box about 0.6 of the image wide, centred
    assert.ok(best.box.width > 0.4 * FACE_PHOTO_SIDE && best.box.width < 0.9 * FACE_PHOTO_SIDE, `box width ${best.box.width}`);
    assert.ok(Math.hypot(cx - 128, cy - 128) < 40, `box centre (${cx}, ${cy})`);
    const blank = await detectFaceAsPhoto(detector, new Uint8Array(48 * 48).fill(128), 48, 0.35);
    assert.equal(blank.best, undefined);
  } finally {
    detector.dispose();
  }
});
