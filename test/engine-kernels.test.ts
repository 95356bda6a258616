// The forward kernels emoscope replaces on the wasm backend (convolution, plain and fused with
// bias + relu; bias-gradient sums; max-pool gradients), in every kernel set this machine has,
// checked against the reference cpu backend on random inputs.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../src/engine/backend.js';
import { registerEngineKernels, type KernelSet } from '../src/engine/kernels/index.js';
import { nativeAddon } from '../src/engine/native.js';
import { MAX_RELATIVE_ERROR, randomValues, relativeError } from './helpers/compare.js';


/** Runs `f` on tensors made from `inputs` on the named backend; returns the output values and shape. */
async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: Array<{ shape: number[]; values: Float32Array }>,
  f: (...t: tf.Tensor[]) => tf.Tensor,
): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const tensors = inputs.map(({ shape, values }) => tf.tensor(values, shape));
  const out = f(...tensors);
  const result = { values: out.dataSync() as Float32Array, shape: out.shape };
  tf.dispose([out, ...tensors]);
  return result;
}

async function expectSame(inputs: Array<{ shape: number[]; values: Float32Array }>, f: (...t: tf.Tensor[]) => tf.Tensor): Promise<void> {
  const expected = await runOn('cpu', inputs, f);
  const actual = await runOn('wasm', inputs, f);
  assert.deepEqual(actual.shape, expected.shape);
  const error = relativeError(actual.values, expected.values);
  assert.ok(error < MAX_RELATIVE_ERROR, `relative error ${error}: ${actual.values.slice(0, 8)} vs ${expected.values.slice(0, 8)}`);
}

function random(shape: number[], seed: number) {
  return { shape, values: randomValues(tf.util.sizeFromShape(shape), seed) };
}

before(async () => {
  await initEngine('wasm');
});

const KERNEL_SETS: KernelSet[] = nativeAddon() ? ['wasm', 'native'] : ['wasm'];

for (const set of KERNEL_SETS) {
  describe(`${set} kernels match the cpu backend`, () => {
    before(() => {
      registerEngineKernels(set);
    });

    for (const [x, f, s, p] of [
      [[1, 7, 7, 1], [3, 3, 1, 4], 1, 'same'],
      [[3, 8, 8, 3], [3, 3, 3, 5], 1, 'valid'],
      [[2, 9, 7, 4], [3, 3, 4, 2], 2, 'same'],
      [[2, 8, 8, 2], [5, 5, 2, 3], 2, 'valid'],
    ] as Array<[number[], number[], number, 'same' | 'valid']>) {
      it(`Conv2D x=[${x}] f=[${f}] s=${s} p=${p}`, async () => {
        await expectSame([random(x, 1), random(f, 2)], (xt, ft) => tf.conv2d(xt as tf.Tensor4D, ft as tf.Tensor4D, s, p));
      });
      it(`FusedConv2D + bias + relu x=[${x}] f=[${f}] s=${s} p=${p}`, async () => {
        await expectSame([random(x, 3), random(f, 4), random([f[3]], 5)], (xt, ft, bt) =>
          tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: ft as tf.Tensor4D, strides: s, pad: p, bias: bt, activation: 'relu' }),
        );
      });
    }

    it('FusedConv2D with an activation the kernel hands back (elu) x=[2,6,6,2] f=[3,3,2,3]', async () => {
      await expectSame([random([2, 6, 6, 2], 6), random([3, 3, 2, 3], 7)], (xt, ft) =>
        tf.fused.conv2d({ x: xt as tf.Tensor4D, filter: ft as tf.Tensor4D, strides: 1, pad: 'same', activation: 'elu' }),
      );
    });

    it('Sum over all axes but the last x=[3,5,4,6] (bias gradient)', async () => {
      await expectSame([random([3, 5, 4, 6], 8)], (xt) => tf.sum(xt, [0, 1, 2]));
    });
    it('Sum over all axes but the last, keepDims x=[7,3]', async () => {
      await expectSame([random([7, 3], 9)], (xt) => tf.sum(xt, 0, true));
    });
    it('Sum over an inner axis x=[3,5,4] axis=1 (handed to the stock kernel)', async () => {
      await expectSame([random([3, 5, 4], 10)], (xt) => tf.sum(xt, 1));
    });

    for (const [x, k, s, p] of [
      [[2, 8, 8, 3], 2, 2, 'valid'],
      [[1, 7, 7, 2], 2, 2, 'valid'],
      [[2, 7, 9, 2], 3, 2, 'same'],
    ] as Array<[number[], number, number, 'same' | 'valid']>) {
      it(`MaxPoolGrad x=[${x}] pool=${k} s=${s} p=${p}`, async () => {
        await expectSame([random(x, 11)], (xt) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, k, s, p), 3)))(xt));
      });
    }

    it('MaxPoolGrad with ties sends the gradient to the first maximum, x=[1,4,4,2] of ones', async () => {
      await expectSame([{ shape: [1, 4, 4, 2], values: new Float32Array(32).fill(1) }], (xt) =>
        tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(xt),
      );
    });
  });
}
