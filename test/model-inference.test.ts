// Test-time augmentation: `flip` and `crops` average the views they promise (computed here
// independently, on the face bytes), so a face and its mirror image get the same answer, and no
// tensor is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../src/engine/backend.js';
import { getArchitecture } from '../src/model/registry.js';
import { CROP_SHIFT, predictProbabilities } from '../src/model/inference.js';
import type { Tta } from '../src/model/inference.js';
import { DEFAULT_PREPROCESSING } from '../src/model/meta.js';
import { relativeError } from './helpers/compare.js';

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  const error = relativeError(actual, expected);
  assert.ok(error < tolerance, `relative error ${error} ≥ ${tolerance}`);
}

const SIZE = 48;
const AREA = SIZE * SIZE;
const prep = DEFAULT_PREPROCESSING;

/** Three faces of deterministic, asymmetric gray patterns. */
function faces(): Uint8Array {
  const pixels = new Uint8Array(3 * AREA);
  for (let f = 0; f < 3; f++) {
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) pixels[f * AREA + y * SIZE + x] = (x * (7 + f) + y * y * (f + 1) + 13 * f) % 256;
  }
  return pixels;
}

/** Face `f` seen `dy`, `dx` pixels away, borders mirrored without repeating the edge (numpy's 'reflect'), optionally mirrored left-right. */
function view(pixels: Uint8Array, f: number, dy: number, dx: number, flip: boolean): Uint8Array {
  const reflect = (i: number) => (i < 0 ? -i : i >= SIZE ? 2 * (SIZE - 1) - i : i);
  const out = new Uint8Array(AREA);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const sx = reflect((flip ? SIZE - 1 - x : x) + dx);
      out[y * SIZE + x] = pixels[f * AREA + reflect(y + dy) * SIZE + sx]!;
    }
  }
  return out;
}

function model() {
  return getArchitecture('tiny').build({ seed: 3, classes: 7, inputSize: SIZE });
}

function predict(m: ReturnType<typeof model>, pixels: Uint8Array, tta: Tta): Float32Array {
  return predictProbabilities(m, { pixels, count: pixels.length / AREA }, prep, 2, tta);
}

/** Mean over the views of each face, of the plain predictions. */
function expected(m: ReturnType<typeof model>, pixels: Uint8Array, shifts: Array<[number, number]>): Float32Array {
  const out = new Float32Array(3 * 7);
  for (let f = 0; f < 3; f++) {
    const views = shifts.flatMap(([dy, dx]) => [view(pixels, f, dy, dx, false), view(pixels, f, dy, dx, true)]);
    const stacked = new Uint8Array(views.length * AREA);
    views.forEach((v, i) => stacked.set(v, i * AREA));
    const probs = predict(m, stacked, 'none');
    for (let c = 0; c < 7; c++) {
      let sum = 0;
      for (let v = 0; v < views.length; v++) sum += probs[v * 7 + c]!;
      out[f * 7 + c] = sum / views.length;
    }
  }
  return out;
}

const s = CROP_SHIFT;

test('tta flip is the mean of the face and its mirror image', async () => {
  await initEngine();
  const m = model();
  assertClose(predict(m, faces(), 'flip'), expected(m, faces(), [[0, 0]]), 1e-5);
  m.dispose();
});

test('tta crops is the mean of 10 views: the face and 4 shifted copies, each also mirrored', async () => {
  await initEngine();
  const m = model();
  const shifts: Array<[number, number]> = [[0, 0], [-s, 0], [s, 0], [0, -s], [0, s]];
  assertClose(predict(m, faces(), 'crops'), expected(m, faces(), shifts), 1e-5);
  m.dispose();
});

test('with tta a face and its mirror image get the same probabilities; without, they differ', async () => {
  await initEngine();
  const m = model();
  const pixels = faces();
  const mirrored = new Uint8Array(pixels.length);
  for (let f = 0; f < 3; f++) mirrored.set(view(pixels, f, 0, 0, true), f * AREA);
  for (const tta of ['flip', 'crops'] as const) assertClose(predict(m, mirrored, tta), predict(m, pixels, tta), 1e-5);
  const plain = predict(m, pixels, 'none');
  const plainMirrored = predict(m, mirrored, 'none');
  assert.ok(plain.some((p, i) => Math.abs(p - plainMirrored[i]!) > 1e-4), 'the untrained model should not be mirror-symmetric by itself');
  m.dispose();
});

test('tta leaves no tensors behind', async () => {
  await initEngine();
  const m = model();
  const pixels = faces();
  predict(m, pixels, 'crops');
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) predict(m, pixels, 'crops');
  assert.equal(tf.memory().numTensors, before);
  m.dispose();
});
