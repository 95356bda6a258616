// Folded inference: every architecture in the registry, with batch-norm statistics far from their
// initial values, gives the layers model's probabilities; a model with a layer it does not know runs
// unfolded; nothing leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { getArchitecture, listArchitectures } from '../src/model/registry.js';
import { inferenceClassifier } from '../src/model/folded.js';
import { predictProbabilities } from '../src/model/inference.js';
import { DEFAULT_PREPROCESSING } from '../src/model/meta.js';
import { randomValues, relativeError } from './helpers/compare.js';

/** Gives every batch-norm layer moving statistics, scale and shift unlike the identity it starts as. */
function perturbBatchNorm(model: tfl.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(layer.getWeights().map((w, i) => {
      const values = randomValues(w.size, seed + i);
      const name = layer.weights[i]!.originalName;
      // variance positive, gamma around 1, mean and beta around 0
      const shaped = name.endsWith('variance') ? values.map((v) => 0.5 + Math.abs(v)) : name.endsWith('gamma') ? values.map((v) => 1 + 0.5 * v) : values.map((v) => 0.3 * v);
      return tf.tensor(shaped, w.shape);
    }));
  }
}

for (const architecture of listArchitectures()) {
  test(`${architecture.name}: folded inference gives the layers model's probabilities`, async () => {
    await initEngine();
    const model = architecture.build({ seed: 11, classes: 7, inputSize: 48 });
    perturbBatchNorm(model, 100);
    const x = tf.tensor4d(randomValues(3 * 48 * 48, 9, 1).map((v) => v / 2), [3, 48, 48, 1]); // in [0, 1)
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const classifier = inferenceClassifier(model);
    assert.equal(classifier.folded, true);
    assert.equal(classifier.classes, 7);
    const before = tf.memory().numTensors;
    const actual = classifier.predict(x);
    const error = relativeError(actual.dataSync(), expected);
    actual.dispose();
    assert.equal(tf.memory().numTensors, before, 'predict leaves no tensors');
    assert.ok(error < 1e-4, `relative error ${error}`);
    classifier.dispose();
    x.dispose();
    model.dispose();
  });
}

test('batch-norm layers fold away: the folded emo-vgg runs no FusedBatchNorm kernel', async () => {
  await initEngine();
  const model = getArchitecture('emo-vgg').build({ seed: 1, classes: 7, inputSize: 48 });
  const classifier = inferenceClassifier(model);
  const x = tf.zeros([1, 48, 48, 1]) as tf.Tensor4D;
  const kernels = (f: () => tf.Tensor) => tf.profile(() => f()).then((p) => p.kernels.map((k) => k.name));
  const layers = await kernels(() => model.predict(x) as tf.Tensor);
  const folded = await kernels(() => classifier.predict(x));
  assert.ok(layers.includes('FusedBatchNorm'));
  assert.ok(!folded.includes('FusedBatchNorm'), folded.join(' '));
  assert.ok(folded.length < layers.length / 2, `${folded.length} kernels folded against ${layers.length}`);
  classifier.dispose();
  x.dispose();
  model.dispose();
});

test('a layer it does not know (average pooling): the model runs as it is, with the same results', async () => {
  await initEngine();
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [48, 48, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 7, activation: 'softmax' }),
    ],
  });
  const classifier = inferenceClassifier(model);
  assert.equal(classifier.folded, false);
  const before = tf.memory().numTensors;
  const faces = { pixels: new Uint8Array(2 * 48 * 48).map((_, i) => (i * 13) % 256), count: 2 };
  const viaClassifier = predictProbabilities(classifier, faces, DEFAULT_PREPROCESSING);
  const viaModel = predictProbabilities(model, faces, DEFAULT_PREPROCESSING);
  assert.deepEqual(viaClassifier, viaModel);
  assert.equal(tf.memory().numTensors, before);
  classifier.dispose();
  model.dispose();
});

test('folding for one call leaves no tensors behind', async () => {
  await initEngine();
  const model = getArchitecture('seed-tuned').build({ seed: 2, classes: 7, inputSize: 48 });
  const faces = { pixels: new Uint8Array(3 * 48 * 48).map((_, i) => (i * 7) % 256), count: 3 };
  predictProbabilities(model, faces, DEFAULT_PREPROCESSING);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) predictProbabilities(model, faces, DEFAULT_PREPROCESSING, 2, 'flip');
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});
