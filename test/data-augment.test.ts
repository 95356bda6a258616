// Training-time augmentation of 48×48 faces: "none" is the plain normalized face, a certain flip is
// an exact mirror, erasing fills one rectangle with the face's mean gray, and the light preset
// (the last fine-tune's) perturbs faces less than the standard one and never erases; the capture
// preset blurs, shrinks and adds noise to some faces, and the older presets' faces for a seed did
// not change when it came.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AUGMENT_CAPTURE, AUGMENT_LIGHT, AUGMENT_NONE, AUGMENT_PRESET_NAMES, AUGMENT_STANDARD, augmentFaceInto, gaussianBlur, lowResolution } from '../src/data/augment.js';
import type { AugmentOptions } from '../src/data/augment.js';
import { createRandom } from '../src/util/random.js';
import { getArchitecture } from '../src/model/registry.js';
import { resolveTrainConfig } from '../src/train/config.js';

const SIZE = 48;
const NORM = { scale: 1 / 255, offset: 0 };

/** A face-like test pattern: a diagonal gradient with a bright off-centre square, so shifts, flips and rotations all show. */
function pattern(): Uint8Array {
  const face = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) face[y * SIZE + x] = x >= 8 && x < 18 && y >= 10 && y < 20 ? 250 : 2 * x + y;
  }
  return face;
}

function augment(face: Uint8Array, options: AugmentOptions, random: () => number): Float32Array {
  const out = new Float32Array(SIZE * SIZE);
  augmentFaceInto(face, SIZE, options, random, out, 0, NORM);
  return out;
}

const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

test('augment "none" writes the normalized face; a certain flip mirrors it exactly', () => {
  const face = pattern();
  const plain = augment(face, AUGMENT_NONE, createRandom(1));
  plain.forEach((v, i) => assert.ok(Math.abs(v - face[i]! / 255) < 1e-6, `pixel ${i}`));
  const flipped = augment(face, { ...AUGMENT_NONE, flip: 1 }, createRandom(1));
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) assert.ok(Math.abs(flipped[y * SIZE + x]! - face[y * SIZE + SIZE - 1 - x]! / 255) < 1e-5, `(${x}, ${y})`);
  }
});

test('erasing fills one rectangle of 2–20 % of the face with its mean gray and leaves the rest', () => {
  const face = pattern();
  const mean = face.reduce((s, v) => s + v, 0) / face.length / 255;
  const random = createRandom(7);
  for (let k = 0; k < 20; k++) {
    const out = augment(face, { ...AUGMENT_NONE, erase: 1 }, random);
    const erased: number[] = [];
    out.forEach((v, i) => { if (Math.abs(v - face[i]! / 255) > 1e-6) erased.push(i); });
    // Pixels that already had the mean gray are not told apart; the pattern has none at that value.
    assert.ok(erased.length >= 0.02 * face.length * 0.9 && erased.length <= 0.2 * face.length * 1.1, `${erased.length} pixels erased`);
    for (const i of erased) assert.ok(Math.abs(out[i]! - mean) < 1e-5);
    const xs = erased.map((i) => i % SIZE);
    const ys = erased.map((i) => Math.floor(i / SIZE));
    const box = (Math.max(...xs) - Math.min(...xs) + 1) * (Math.max(...ys) - Math.min(...ys) + 1);
    assert.equal(box, erased.length, 'the erased pixels form one rectangle');
  }
});

test('the light preset changes faces less than the standard one and never erases; train accepts it by name', () => {
  const face = pattern();
  const plain = augment(face, AUGMENT_NONE, createRandom(1));
  const change = (options: AugmentOptions) => {
    const random = createRandom(3);
    let total = 0;
    for (let k = 0; k < 200; k++) total += meanAbsDiff(augment(face, options, random), plain);
    return total / 200;
  };
  // Flips are equally likely in both (a mirror is a plain face too); compare the rest.
  assert.equal(AUGMENT_LIGHT.flip, AUGMENT_STANDARD.flip);
  const light = change({ ...AUGMENT_LIGHT, flip: 0 });
  const standard = change({ ...AUGMENT_STANDARD, flip: 0 });
  assert.ok(light > 0.005, `light still augments (${light})`);
  assert.ok(light < 0.6 * standard, `light ${light} vs standard ${standard}`);
  assert.equal(AUGMENT_LIGHT.erase, 0);
  assert.deepEqual(AUGMENT_PRESET_NAMES, ['none', 'light', 'standard', 'capture']);
  const overrides = { data: 'x', model: 'tiny', out: 'y' };
  assert.equal(resolveTrainConfig(getArchitecture('tiny'), { ...overrides, augment: 'light' }).augment, 'light');
  assert.throws(() => resolveTrainConfig(getArchitecture('tiny'), { ...overrides, augment: 'heavy' as 'light' }), /one of none, light, standard, capture for augment/);
});

/** Mean squared difference of horizontally adjacent pixels: the fine detail a blur removes. */
function detail(face: Float32Array): number {
  let total = 0;
  for (let y = 0; y < SIZE; y++) for (let x = 1; x < SIZE; x++) total += (face[y * SIZE + x]! - face[y * SIZE + x - 1]!) ** 2;
  return total / (SIZE * (SIZE - 1));
}

test('blur and low resolution keep a flat face flat and an even pattern\'s mean, and take away its fine detail', () => {
  for (const degrade of [(f: Float32Array) => gaussianBlur(f, SIZE, 1.5), (f: Float32Array) => lowResolution(f, SIZE, 16)]) {
    const flat = new Float32Array(SIZE * SIZE).fill(100);
    degrade(flat);
    flat.forEach((v, i) => assert.ok(Math.abs(v - 100) < 1e-3, `pixel ${i}: ${v}`));
    const stripes = Float32Array.from({ length: SIZE * SIZE }, (_, i) => (i % 2 === 0 ? 0 : 200)); // 1-px vertical stripes
    const before = detail(stripes);
    degrade(stripes);
    assert.ok(Math.abs(stripes.reduce((a, v) => a + v, 0) / stripes.length - 100) < 1, 'the mean gray stays');
    assert.ok(detail(stripes) < 0.05 * before, `detail ${detail(stripes)} of ${before}`);
  }
});

test('the capture preset degrades some faces but not all (blur, low resolution, noise a quarter of the time each), without geometry', () => {
  const face = Float32Array.from(pattern(), (v) => v / 255);
  const random = createRandom(5);
  let [untouched, smoothed, noisy] = [0, 0, 0];
  for (let k = 0; k < 400; k++) {
    const out = augment(pattern(), { ...AUGMENT_CAPTURE, flip: 0, brightness: 0, contrast: 0 }, random);
    const ratio = detail(out) / detail(face);
    if (meanAbsDiff(out, face) < 1e-6) untouched++; // the face itself: no shift, zoom or turn
    else if (ratio < 0.7) smoothed++;
    else if (ratio > 1.3) noisy++;
  }
  // none of the three: 0.75³ ≈ 0.42; blur or low resolution, 1 − 0.75² ≈ 0.44, most of them smoothed
  assert.ok(untouched > 0.32 * 400 && untouched < 0.52 * 400, `${untouched} of 400 untouched`);
  assert.ok(smoothed > 0.25 * 400 && smoothed < 0.5 * 400, `${smoothed} of 400 smoothed`);
  assert.ok(noisy > 0.04 * 400, `${noisy} of 400 noisy`);
});

test('presets without capture degradations give the same faces for a seed as before they existed', () => {
  // fingerprints taken with the code before blur, low resolution and noise were added
  const fingerprint = (options: AugmentOptions): number => {
    const random = createRandom(3);
    let total = 0;
    for (let k = 0; k < 10; k++) augment(pattern(), options, random).forEach((v, i) => (total += v * ((i % 7) + 1)));
    return total;
  };
  assert.ok(Math.abs(fingerprint(AUGMENT_STANDARD) - 31144.8455) < 1e-2, String(fingerprint(AUGMENT_STANDARD)));
  assert.ok(Math.abs(fingerprint(AUGMENT_LIGHT) - 28802.0761) < 1e-2, String(fingerprint(AUGMENT_LIGHT)));
});
