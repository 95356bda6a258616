// emoscope's fused training-mode batch normalization (engine/batch-norm-layer.ts) against the
// stock tfjs-layers implementation on the cpu backend: same outputs, same gradients, same moving
// statistics, and no tensors left behind.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { registerEngineKernels, type KernelSet } from '../src/engine/kernels/index.js';
import { nativeAddon } from '../src/engine/native.js';
import { MAX_RELATIVE_ERROR, randomValues, relativeError } from './helpers/compare.js';


/** conv → batch norm → relu → dense: every weight set from a fixed seed so both backends agree. */
function buildModel(inputShape: number[]): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape, filters: 5, kernelSize: 3, useBias: false }));
  model.add(tfl.layers.batchNormalization({ axis: -1 }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 3, activation: 'softmax' }));
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomValues(w.size, 7 + i, w.shape.length === 1 ? 0.5 : 0), w.shape)));
  return model;
}

interface StepOutcome {
  grads: Float32Array[];
  /** moving mean and moving variance after the step */
  moving: Float32Array[];
  output: Float32Array;
}

async function stepOn(backend: 'cpu' | 'wasm', xShape: [number, number, number, number]): Promise<StepOutcome> {
  await tf.setBackend(backend);
  const model = buildModel(xShape.slice(1));
  const x = tf.tensor4d(randomValues(tf.util.sizeFromShape(xShape), 99, 0.3), xShape);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2].slice(0, xShape[0]), 'int32'), 3);
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const output = tf.tidy(() => (model.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array);
  // Reset the moving statistics the forward pass above just updated, then take the step.
  model.setWeights(buildModel(xShape.slice(1)).getWeights());
  const { value, grads } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
    trainable,
  );
  const outcome: StepOutcome = {
    grads: trainable.map((v) => grads[v.name].dataSync() as Float32Array),
    moving: model.layers[1].getWeights().slice(2).map((w) => w.dataSync() as Float32Array), // [γ, β, moving μ, moving σ²]
    output,
  };
  value.dispose();
  tf.dispose([x, labels, ...Object.values(grads)]);
  model.dispose();
  return outcome;
}

before(async () => {
  await initEngine('wasm');
});

const KERNEL_SETS: KernelSet[] = nativeAddon() ? ['wasm', 'native'] : ['wasm'];

for (const set of KERNEL_SETS) {
  describe(`${set} kernels: training-mode batch normalization on wasm matches stock tfjs-layers on cpu`, () => {
    before(() => {
      registerEngineKernels(set);
    });

    for (const xShape of [
      [4, 7, 7, 2],
      [1, 6, 5, 1],
      [3, 9, 8, 3],
    ] as Array<[number, number, number, number]>) {
      it(`x=[${xShape}] conv3x3 → batchNorm → relu → dense: output, gradients, moving statistics`, async () => {
        const expected = await stepOn('cpu', xShape);
        const actual = await stepOn('wasm', xShape);
        assert.ok(relativeError(actual.output, expected.output) < MAX_RELATIVE_ERROR, 'training-mode output differs');
        expected.grads.forEach((g, i) => {
          const error = relativeError(actual.grads[i], g);
          assert.ok(error < MAX_RELATIVE_ERROR, `gradient of weight ${i}: relative error ${error}`);
        });
        expected.moving.forEach((m, i) => {
          const error = relativeError(actual.moving[i], m);
          assert.ok(error < MAX_RELATIVE_ERROR, `moving ${i === 0 ? 'mean' : 'variance'}: relative error ${error}`);
        });
      });
    }

    it('leaves no tensors behind across training steps', async () => {
      await tf.setBackend('wasm');
      const model = buildModel([6, 6, 2]);
      const optimizer = tf.train.adam(0.01);
      const x = tf.tensor4d(randomValues(4 * 6 * 6 * 2, 5), [4, 6, 6, 2]);
      const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
      const step = () =>
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      step(); // the optimizer creates its slots on the first step
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) step();
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, labels]);
      optimizer.dispose();
      model.dispose();
    });
  });
}
