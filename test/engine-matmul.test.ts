// The wasm kernels emoscope replaces for speed outside convolutions: matrix products with
// transposed operands (a dense layer's gradients) against the cpu backend, and the copy-free
// Identity that TF.js uses to save tensors for the backward pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../src/engine/backend.js';
import { MAX_RELATIVE_ERROR, randomValues, relativeError } from './helpers/compare.js';

const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
  { a: [5, 7], b: [5, 3], ta: true, tb: false },
  { a: [5, 7], b: [3, 7], ta: false, tb: true },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [2, 4, 6], b: [2, 4, 3], ta: true, tb: false },
  { a: [64, 2304], b: [64, 256], ta: true, tb: false },
  { a: [64, 256], b: [2304, 256], ta: false, tb: true },
];

for (const c of cases) {
  test(`matMul a=[${c.a}] b=[${c.b}] transposeA=${c.ta} transposeB=${c.tb} matches the cpu backend`, async () => {
    await initEngine();
    const va = randomValues(tf.util.sizeFromShape(c.a), 3);
    const vb = randomValues(tf.util.sizeFromShape(c.b), 4);
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const out = tf.matMul(tf.tensor(va, c.a), tf.tensor(vb, c.b), c.ta, c.tb);
        return { values: out.dataSync() as Float32Array, shape: out.shape };
      });
    };
    const expected = await run('cpu');
    const actual = await run('wasm');
    assert.deepEqual(actual.shape, expected.shape);
    const error = relativeError(actual.values, expected.values);
    assert.ok(error < MAX_RELATIVE_ERROR, `relative error ${error}`);
  });
}

test('a clone shares nothing observable with its source: it outlives the source, and no tensor leaks', async () => {
  await initEngine();
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const x = tf.tensor1d([1, 2, 3]);
  const y = x.clone();
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  const z = tf.add(y, 1);
  y.dispose();
  assert.deepEqual(Array.from(z.dataSync()), [2, 3, 4]);
  z.dispose();
  assert.equal(tf.memory().numTensors, before);
});
