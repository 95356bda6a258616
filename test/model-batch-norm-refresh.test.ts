// Re-estimating batch normalization's statistics: every batch of the pass counts once, the moving
// mean and variance become the average of the batches' statistics, nothing else changes; the
// command's result does not depend on the stale statistics it replaces, reports the validation
// accuracy that `evaluate` measures, and refuses a model without batch normalization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { loadDataset } from '../src/data/load.js';
import { shuffledIndices } from '../src/util/random.js';
import { batchNormLayers, refreshBatchNorm } from '../src/model/batch-norm-refresh.js';
import { loadModelFolder, saveModelFolder } from '../src/model/folder.js';
import { facesToTensor } from '../src/model/inference.js';
import { DEFAULT_PREPROCESSING } from '../src/model/meta.js';
import type { ModelMeta } from '../src/model/meta.js';
import { getArchitecture } from '../src/model/registry.js';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { EMOTIONS } from '../src/types.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, 'refresh-bn', ...args], { encoding: 'utf8' });

test('refreshBatchNorm sets the moving statistics to the mean of the batches\' statistics and changes nothing else', async () => {
  await initEngine();
  const faces = (await loadDataset(FER_FOLDERS, { splits: ['train'] })).splits.train;
  const model = getArchitecture('tiny').build({ seed: 3, classes: 7, inputSize: 48 });
  const [bn] = batchNormLayers(model);
  const before = model.getWeights().map((w) => w.dataSync().slice());
  const batchSize = 16;
  const result = refreshBatchNorm(model, faces, DEFAULT_PREPROCESSING, { batchSize, seed: 5 });
  assert.deepEqual(result, { layers: 1, batches: Math.ceil(faces.count / batchSize) });
  assert.ok(faces.count % batchSize !== 0, 'setup: a short last batch, which counts as much as the others');

  // Expected: the statistics of the conv output that feeds the batch norm layer, batch by batch.
  const convOut = tfl.model({ inputs: model.inputs, outputs: model.layers[0]!.output as tfl.SymbolicTensor });
  const order = shuffledIndices(faces.count, 5);
  const means: tf.Tensor[] = [];
  const variances: tf.Tensor[] = [];
  for (let start = 0; start < faces.count; start += batchSize) {
    const x = convOut.predict(facesToTensor(faces, order.subarray(start, start + batchSize), DEFAULT_PREPROCESSING)) as tf.Tensor;
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    means.push(mean);
    variances.push(variance);
  }
  const expectedMean = tf.div(tf.addN(means), means.length).dataSync();
  const expectedVariance = tf.div(tf.addN(variances), variances.length).dataSync();
  const [, , movingMean, movingVariance] = bn!.getWeights().map((w) => w.dataSync());
  expectedMean.forEach((m, c) => assert.ok(Math.abs(movingMean![c]! - m) < 1e-4 * (1 + Math.abs(m)), `mean of channel ${c}: ${movingMean![c]} vs ${m}`));
  expectedVariance.forEach((v, c) => assert.ok(Math.abs(movingVariance![c]! - v) < 1e-4 * (1 + v), `variance of channel ${c}: ${movingVariance![c]} vs ${v}`));

  const names = model.weights.map((w) => w.originalName);
  model.getWeights().forEach((w, i) => {
    if (/moving_(mean|variance)/.test(names[i]!)) return;
    assert.deepEqual(w.dataSync(), before[i], `${names[i]} unchanged`);
  });
  assert.equal((bn as unknown as { momentum: number }).momentum, 0.99, 'momentum restored for later training');
  model.dispose();
});

test('emoscope refresh-bn: the result does not depend on the stale statistics; it reports what evaluate measures; no batch norm is refused', async () => {
  const dir = await tempDir();
  const run = join(dir, 'run');
  await train({ data: FER_FOLDERS, model: 'tiny', out: run, epochs: 2, callbacks: {} });
  // The same model with wrecked statistics.
  const stale = await loadModelFolder(join(run, 'best'));
  const weights = stale.model.getWeights().map((w, i) => (/moving_(mean|variance)/.test(stale.model.weights[i]!.originalName) ? tf.add(tf.mul(w, 50), 3) : w));
  stale.model.setWeights(weights);
  await saveModelFolder(join(dir, 'stale'), stale.model, stale.meta);

  const outputs = [];
  for (const [source, out] of [[run, join(dir, 'fresh')], [join(dir, 'stale'), join(dir, 'fresh-from-stale')]] as const) {
    const r = cli('--model', source, '--data', FER_FOLDERS, '--out', out, '--batch-size', '16');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Refreshed 1 batch normalization layers .* on \d+ training faces \(\d+ batches\)/);
    const after = Number(/([\d.]+) after/.exec(r.stdout)![1]);
    const measured = await evaluate({ model: out, data: FER_FOLDERS, split: 'val' });
    assert.equal(measured.report.accuracy.toFixed(4), after.toFixed(4), 'the printed accuracy is the refreshed model\'s');
    outputs.push(await loadModelFolder(out));
  }
  const [a, b] = outputs.map((o) => o.model.getWeights().map((w) => w.dataSync()));
  a!.forEach((w, i) => w.forEach((x, j) => assert.ok(Math.abs(x - b![i]![j]!) < 1e-4 * (1 + Math.abs(x)), `weight ${i}[${j}]: ${x} vs ${b![i]![j]}`)));
  const written = JSON.parse(await readFile(join(dir, 'fresh', 'emoscope.json'), 'utf8'));
  const trainFaces = (await loadDataset(FER_FOLDERS, { splits: ['train'] })).splits.train.count;
  assert.equal(written.training.batchNormRefresh.faces, trainFaces);
  assert.equal(written.training.batchNormRefresh.batchSize, 16);

  const meta: ModelMeta = {
    format: 'emoscope-model', version: 1, labels: [...EMOTIONS], inputShape: [48, 48, 1],
    preprocessing: DEFAULT_PREPROCESSING, architecture: 'seed-base', parameters: 0, createdAt: new Date(0).toISOString(),
  };
  const plain = getArchitecture('seed-base').build({ seed: 1, classes: 7, inputSize: 48 });
  await saveModelFolder(join(dir, 'plain'), plain, meta);
  const refused = cli('--model', join(dir, 'plain'), '--data', FER_FOLDERS, '--out', join(dir, 'no'));
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /plain \(seed-base\) has no batch normalization layers/);
  for (const m of [stale.model, plain, ...outputs.map((o) => o.model)]) m.dispose();
  tf.dispose(weights);
});
