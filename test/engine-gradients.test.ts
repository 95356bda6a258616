// The convolution gradients emoscope registers on the wasm backend, checked against the
// reference cpu backend on random inputs: strides 1 and 2, same and valid, odd and even sizes,
// batch and channels 1 and more, filters smaller and larger than the stride.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initEngine } from '../src/engine/backend.js';
import { registerEngineKernels, type KernelSet } from '../src/engine/kernels/index.js';
import { nativeAddon } from '../src/engine/native.js';
import { MAX_RELATIVE_ERROR, randomValues, relativeError } from './helpers/compare.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number;

interface Case {
  x: Shape4;
  f: Shape4;
  s: number;
  p: Pad;
}


function outShape(c: Case): Shape4 {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.p);
  return info.outShape as Shape4;
}

/** Runs one kernel on the named backend and returns its output values. */
async function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, { shape: Shape4; values: Float32Array }>,
  attrs: tf.NamedAttrMap,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors: tf.NamedTensorMap = {};
    for (const [name, { shape, values }] of Object.entries(inputs)) tensors[name] = tf.tensor4d(values, shape);
    const out = tf.engine().runKernel(kernel, tensors, attrs) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

function caseName(c: Case): string {
  return `x=[${c.x}] f=[${c.f}] s=${c.s} p=${c.p}`;
}

function cases(): Case[] {
  const list: Case[] = [];
  for (const s of [1, 2]) {
    for (const p of ['same', 'valid'] as const) {
      for (const size of [7, 8]) {
        for (const [batch, cin, cout] of [
          [1, 1, 1],
          [2, 3, 5],
          [3, 4, 2],
        ]) {
          list.push({ x: [batch, size, size, cin], f: [3, 3, cin, cout], s, p });
        }
      }
    }
  }
  // Non-square inputs and filters, filters larger than typical, and strides larger than the
  // filter (where dilated dy overshoots and valid padding skips the last rows of x).
  list.push({ x: [2, 9, 6, 2], f: [5, 3, 2, 3], s: 1, p: 'same' });
  list.push({ x: [2, 9, 6, 2], f: [2, 4, 2, 3], s: 2, p: 'same' });
  list.push({ x: [2, 10, 7, 3], f: [1, 1, 3, 4], s: 2, p: 'valid' });
  list.push({ x: [1, 11, 11, 2], f: [2, 2, 2, 2], s: 3, p: 'valid' });
  list.push({ x: [1, 11, 11, 2], f: [1, 1, 2, 2], s: 3, p: 'same' });
  list.push({ x: [4, 48, 48, 1], f: [3, 3, 1, 8], s: 1, p: 'valid' });
  // Numeric padding, including one wider than the filter (dx falls back to the stock kernel).
  list.push({ x: [2, 7, 7, 2], f: [3, 3, 2, 2], s: 2, p: 1 });
  list.push({ x: [2, 6, 6, 2], f: [2, 2, 2, 3], s: 1, p: 3 });
  return list;
}

before(async () => {
  await initEngine('wasm');
});

/** Both kernel sets are checked: pure wasm always, native where the addon is built. */
const KERNEL_SETS: KernelSet[] = nativeAddon() ? ['wasm', 'native'] : ['wasm'];

for (const set of KERNEL_SETS) {
  describe(`${set} kernels`, () => {
    before(() => {
      registerEngineKernels(set);
    });

    describe('Conv2DBackpropFilter on wasm matches the cpu backend', () => {
      for (const [i, c] of cases().entries()) {
        it(caseName(c), async () => {
          const dyShape = outShape(c);
          const inputs = {
            x: { shape: c.x, values: randomValues(tf.util.sizeFromShape(c.x), 2 * i + 1) },
            dy: { shape: dyShape, values: randomValues(tf.util.sizeFromShape(dyShape), 2 * i + 2) },
          };
          const attrs = { strides: c.s, pad: c.p, dataFormat: 'NHWC', filterShape: c.f };
          const expected = await runOn('cpu', tf.Conv2DBackpropFilter, inputs, attrs);
          const actual = await runOn('wasm', tf.Conv2DBackpropFilter, inputs, attrs);
          const error = relativeError(actual, expected);
          assert.ok(error < MAX_RELATIVE_ERROR, `dW relative error ${error} for ${caseName(c)}`);
        });
      }
    });

    describe('Conv2DBackpropInput on wasm matches the cpu backend', () => {
      for (const [i, c] of cases().entries()) {
        it(caseName(c), async () => {
          const dyShape = outShape(c);
          const inputs = {
            dy: { shape: dyShape, values: randomValues(tf.util.sizeFromShape(dyShape), 2 * i + 101) },
            filter: { shape: c.f, values: randomValues(tf.util.sizeFromShape(c.f), 2 * i + 102) },
          };
          const attrs = { strides: c.s, pad: c.p, dataFormat: 'NHWC', inputShape: c.x };
          const expected = await runOn('cpu', tf.Conv2DBackpropInput, inputs, attrs);
          const actual = await runOn('wasm', tf.Conv2DBackpropInput, inputs, attrs);
          const error = relativeError(actual, expected);
          assert.ok(error < MAX_RELATIVE_ERROR, `dx relative error ${error} for ${caseName(c)}`);
        });
      }
    });

    describe('training gradients of a small conv net on wasm match the cpu backend', () => {
      // Goes through autodiff like training does: fused conv + bias + relu, a strided valid conv,
      // max pooling; every weight's gradient is compared.
      const shapes: Record<string, number[]> = { f1: [3, 3, 2, 4], b1: [4], f2: [3, 3, 4, 3], b2: [3] };
      const x: Shape4 = [3, 9, 9, 2];

      async function gradsOn(backend: 'cpu' | 'wasm'): Promise<Record<string, Float32Array>> {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const vars: Record<string, tf.Variable> = {};
          for (const [i, [name, shape]] of Object.entries(shapes).entries()) {
            vars[name] = tf.variable(tf.tensor(randomValues(tf.util.sizeFromShape(shape), 300 + i), shape), true, `${backend}-${name}`);
          }
          const input = tf.tensor4d(randomValues(tf.util.sizeFromShape(x), 399), x);
          const { grads } = tf.variableGrads(() => {
            const h1 = tf.fused.conv2d({ x: input, filter: vars.f1 as tf.Tensor4D, strides: 1, pad: 'same', bias: vars.b1, activation: 'relu' });
            const h2 = tf.fused.conv2d({ x: h1, filter: vars.f2 as tf.Tensor4D, strides: 2, pad: 'valid', bias: vars.b2, activation: 'relu' });
            const pooled = tf.maxPool(h2, 2, 2, 'valid');
            return tf.sum(tf.mul(pooled, pooled)) as tf.Scalar;
          }, Object.values(vars));
          const out: Record<string, Float32Array> = {};
          for (const name of Object.keys(shapes)) out[name] = grads[`${backend}-${name}`].dataSync() as Float32Array;
          for (const v of Object.values(vars)) v.dispose();
          return out;
        });
      }

      it('x=[3,9,9,2] conv3x3 s=1 same relu → conv3x3 s=2 valid relu → maxpool 2', async () => {
        const expected = await gradsOn('cpu');
        const actual = await gradsOn('wasm');
        for (const name of Object.keys(shapes)) {
          const error = relativeError(actual[name], expected[name]);
          assert.ok(error < MAX_RELATIVE_ERROR, `gradient of ${name}: relative error ${error}`);
        }
      });
    });
  });
}
