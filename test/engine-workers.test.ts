// Data-parallel gradients (engine/workers.ts) against a single-process step on the same weights
// and batch: the same gradients, loss and batch-norm moving statistics, with shards of unequal
// size; and a training loop that keeps its tensor count flat over hundreds of steps.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { registerEngineKernels, type KernelSet } from '../src/engine/kernels/index.js';
import { crossEntropyPerFace } from '../src/engine/loss.js';
import { nativeAddon } from '../src/engine/native.js';
import { GradientWorkers } from '../src/engine/workers.js';
import { MAX_RELATIVE_ERROR, randomValues, relativeError } from './helpers/compare.js';

const categoricalCrossEntropy = (y: tf.Tensor2D, probs: tf.Tensor2D) => tf.mean(crossEntropyPerFace(y, probs)) as tf.Scalar;


/** conv → BN → relu → pool → conv+relu → flatten → dense (L2) → softmax; no dropout, so a step is deterministic. */
function buildModel(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, useBias: false }));
  model.add(tfl.layers.batchNormalization({ axis: -1 }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', padding: 'same' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 4, activation: 'softmax', kernelRegularizer: tfl.regularizers.l2({ l2: 1e-3 }) }));
  // Rank-1 weights (γ, β, biases, moving statistics) around 1 keep the moving variance positive.
  model.setWeights(model.getWeights().map((w, i) => tf.add(tf.tensor(randomValues(w.size, 40 + i), w.shape), w.shape.length === 1 ? 1 : 0)));
  return model;
}

function batch(n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const x = tf.tensor4d(randomValues(n * 100, 77), [n, 10, 10, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 4), 'int32'), 4) as tf.Tensor2D;
  return { x, y };
}

/** The single-process reference: loss and gradients as the training step computes them. */
function singleProcess(model: tfl.LayersModel, x: tf.Tensor4D, y: tf.Tensor2D): { loss: number; grads: Float32Array[] } {
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let loss = 0;
  const grads = tf.tidy(() => {
    const { value, grads: named } = tf.variableGrads(() => {
      const ce = categoricalCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D);
      loss = ce.dataSync()[0];
      return tf.addN([ce, ...model.calculateLosses()]) as tf.Scalar;
    }, trainable);
    value.dispose();
    return trainable.map((v) => named[v.name].dataSync() as Float32Array);
  });
  return { loss, grads };
}

before(async () => {
  await initEngine('wasm');
});

const KERNEL_SETS: KernelSet[] = nativeAddon() ? ['wasm', 'native'] : ['wasm'];

for (const set of KERNEL_SETS) {
  describe(`${set} kernels: a step on 2 workers computes what one process computes`, () => {
    let pool: GradientWorkers;
    let model: tfl.LayersModel;

    before(async () => {
      registerEngineKernels(set);
      model = buildModel();
      pool = await GradientWorkers.start(model, { workers: 2, maxBatch: 16 });
    });
    after(async () => {
      await pool.close();
      model.dispose();
    });

    for (const n of [5, 8]) {
      it(`batch ${n} split ${Math.round(n / 2)} + ${n - Math.round(n / 2)}: loss, gradients and moving statistics`, async () => {
        const { x, y } = batch(n);
        const before = model.getWeights().map((w) => w.dataSync().slice());
        const reference = singleProcess(model, x, y);
        const referenceMoving = model.layers[1].getWeights().slice(2).map((w) => w.dataSync().slice());
        model.setWeights(before.map((v, i) => tf.tensor(v, model.weights[i].shape as number[]))); // undo the moving-average update

        const parallel = await pool.computeGradients(x, y);
        assert.ok(Math.abs(parallel.loss - reference.loss) < 1e-5 * Math.abs(reference.loss), `loss ${parallel.loss} vs ${reference.loss}`);
        parallel.grads.forEach((g, i) => {
          const error = relativeError(g.dataSync(), reference.grads[i]);
          assert.ok(error < MAX_RELATIVE_ERROR, `gradient of ${model.trainableWeights[i].name}: relative error ${error}`);
        });
        const moving = model.layers[1].getWeights().slice(2);
        moving.forEach((m, i) => {
          const error = relativeError(m.dataSync(), referenceMoving[i]);
          assert.ok(error < MAX_RELATIVE_ERROR, `moving ${i === 0 ? 'mean' : 'variance'}: relative error ${error}`);
        });
        tf.dispose([x, y, ...parallel.grads]);
      });
    }
  });

  describe(`${set} kernels: no tensor growth`, () => {
    before(() => {
      registerEngineKernels(set);
    });

    it('300 training steps (conv, batch norm, pooling, dense, Adam) leave the tensor count unchanged', () => {
      const model = buildModel();
      const optimizer = tf.train.adam(1e-3);
      const { x, y } = batch(6);
      const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const step = () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(
            () => tf.addN([categoricalCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor2D), ...model.calculateLosses()]) as tf.Scalar,
            trainable,
          );
          value.dispose();
          optimizer.applyGradients(trainable.map((v) => ({ name: v.name, tensor: grads[v.name] })));
        });
      step(); // Adam creates its moment slots on the first step
      const count = tf.memory().numTensors;
      for (let i = 0; i < 300; i++) step();
      assert.equal(tf.memory().numTensors, count);
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    });
  });
}
