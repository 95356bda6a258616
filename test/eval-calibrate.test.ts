// Class-offset calibration: the fit reaches the minimum recall where it can and never lowers
// accuracy when the constraints already hold; the offsets folded into the final layer give exactly
// the shifted probabilities; `emoscope calibrate` writes a model whose measured accuracy is the fit's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { crossCheckOffsets, fitClassOffsets } from '../src/metrics/calibrate.js';
import { addClassOffsets } from '../src/model/class-offsets.js';
import { createRandom } from '../src/util/random.js';
import { initEngine } from '../src/engine/backend.js';
import { getArchitecture } from '../src/model/registry.js';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { EMOTIONS } from '../src/types.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';

/** 3 classes, 300 faces: scores favour the true class, but class 0 gets a large bonus, starving 1 and 2. */
function skewed(bonus: number): { probabilities: Float32Array; labels: Int32Array } {
  const random = createRandom(7);
  const n = 300;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const probabilities = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const logits = [0, 1, 2].map((c) => (c === labels[i] ? 1 : 0) + random() * 1.5 + (c === 0 ? bonus : 0));
    const sum = logits.reduce((a, z) => a + Math.exp(z), 0);
    logits.forEach((z, c) => { probabilities[i * 3 + c] = Math.exp(z) / sum; });
  }
  return { probabilities, labels };
}

test('a classifier skewed towards one class: offsets lift the others above the minimum recall and accuracy up', () => {
  const { probabilities, labels } = skewed(1.2);
  const fit = fitClassOffsets(probabilities, labels, 3, { minRecall: 0.6 });
  assert.ok(fit.before.recall[1]! < 0.6 && fit.before.recall[2]! < 0.6, `setup: recalls before ${fit.before.recall}`);
  assert.ok(fit.feasible);
  for (const r of fit.after.recall) assert.ok(r >= 0.6, `recall after ${fit.after.recall}`);
  assert.ok(fit.after.accuracy > fit.before.accuracy + 0.1, `accuracy ${fit.before.accuracy} → ${fit.after.accuracy}`);
  assert.ok(fit.offsets[0]! < fit.offsets[1]! && fit.offsets[0]! < fit.offsets[2]!, `class 0 pushed down: ${fit.offsets}`);
  assert.ok(Math.abs(fit.offsets.reduce((a, b) => a + b, 0)) < 1e-9, 'offsets have mean 0');
});

test('an unskewed classifier keeps its accuracy (never lower) and an impossible minimum is reported, not hidden', () => {
  const { probabilities, labels } = skewed(0);
  const fit = fitClassOffsets(probabilities, labels, 3, { minRecall: 0.3 });
  assert.ok(fit.feasible);
  assert.ok(fit.after.accuracy >= fit.before.accuracy);
  const impossible = fitClassOffsets(probabilities, labels, 3, { minRecall: 0.99 });
  assert.equal(impossible.feasible, false);
});

test('the cross-check measures offsets on faces they were not fitted on: the correction of the skew holds there too', () => {
  const { probabilities, labels } = skewed(1.2);
  const check = crossCheckOffsets(probabilities, labels, 3, { minRecall: 0.6 });
  assert.ok(check);
  const fit = fitClassOffsets(probabilities, labels, 3, { minRecall: 0.6 });
  assert.ok(Math.abs(check.before.accuracy - fit.before.accuracy) < 1e-9, 'before: every face measured once');
  assert.ok(check.after.accuracy > check.before.accuracy + 0.1, `out of fold ${check.before.accuracy} → ${check.after.accuracy}`);
  assert.ok(check.after.accuracy <= fit.after.accuracy + 0.02, 'out of fold is not better than in sample by chance alone');
  assert.equal(crossCheckOffsets(Float32Array.of(0.9, 0.1, 0.2, 0.8, 0.3, 0.7), Int32Array.of(0, 1, 1), 2), null, 'class 0 has one face');
});

test('a minimum per class: only the class given a higher floor is pushed up to it', () => {
  const { probabilities, labels } = skewed(0.3);
  const plain = fitClassOffsets(probabilities, labels, 3, { minRecall: 0.2 });
  const target = Math.min(0.95, plain.after.recall[2]! + 0.15);
  const fit = fitClassOffsets(probabilities, labels, 3, { minRecall: [0.2, 0.2, target] });
  assert.ok(fit.feasible);
  assert.ok(fit.after.recall[2]! >= target, `class 2 recall ${fit.after.recall[2]} below ${target}`);
});

test('bad calibration input names what was expected', () => {
  assert.throws(() => fitClassOffsets(new Float32Array(5), Int32Array.of(0, 1), 3), /expected 2 × 3 probabilities but received 5/);
  assert.throws(() => fitClassOffsets(new Float32Array(6).fill(0.5), Int32Array.of(0, 0, 0), 2), /class 1 has no faces/);
});

test('offsets added to the final bias give softmax(log p + offset), and a model without a dense softmax head is refused', async () => {
  await initEngine();
  const model = getArchitecture('tiny').build({ seed: 3, classes: 7, inputSize: 48 });
  const x = tf.randomUniform([4, 48, 48, 1], 0, 1, 'float32', 5);
  const offsets = [0.5, -0.25, 0, 1, -1, 0.2, -0.45];
  const before = (model.predict(x) as tf.Tensor).arraySync() as number[][];
  addClassOffsets(model, offsets);
  const after = (model.predict(x) as tf.Tensor).arraySync() as number[][];
  before.forEach((row, i) => {
    const shifted = row.map((p, c) => p * Math.exp(offsets[c]!));
    const sum = shifted.reduce((a, b) => a + b, 0);
    shifted.forEach((p, c) => assert.ok(Math.abs(p / sum - after[i]![c]!) < 1e-5, `face ${i} class ${c}: ${p / sum} vs ${after[i]![c]}`));
  });
  const headless = tfl.sequential({ layers: [tfl.layers.dense({ units: 7, inputShape: [3], activation: 'relu' })] });
  assert.throws(() => addClassOffsets(headless, offsets), /final dense layer with a bias and a softmax/);
  tf.dispose([x]);
  model.dispose();
  headless.dispose();
});

test('emoscope calibrate writes a model whose validation accuracy is the one it reports, with the offsets recorded', async () => {
  const dir = await tempDir();
  const run = join(dir, 'run');
  await train({ data: FER_FOLDERS, model: 'tiny', out: run, epochs: 2, callbacks: {} });
  const out = join(dir, 'calibrated');
  const cli = spawnSync(process.execPath, [CLI, 'calibrate', '--model', run, '--data', FER_FOLDERS, '--out', out, '--min-recall', '0'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /\| accuracy \| \| [\d.]+ \| ([\d.]+) \|/);
  const reported = Number(/\| accuracy \| \| [\d.]+ \| ([\d.]+) \|/.exec(cli.stdout)![1]);
  const meta = JSON.parse(await readFile(join(out, 'emoscope.json'), 'utf8'));
  assert.deepEqual(Object.keys(meta.training.calibration.offsets), [...EMOTIONS]);
  assert.equal(meta.training.calibration.split, 'val');
  assert.match(cli.stdout, /Cross-check|Cross-check skipped/);
  const measured = await evaluate({ model: out, data: FER_FOLDERS, split: 'val' });
  assert.equal(measured.report.accuracy.toFixed(3), reported.toFixed(3));
  // floors no offsets can meet: the closest model is written, and the exit code and a message say the floors were not met
  const unreached = spawnSync(process.execPath, [CLI, 'calibrate', '--model', run, '--data', FER_FOLDERS, '--out', join(out, '..', 'unreached'), '--min-recall', '0.99'], { encoding: 'utf8' });
  assert.equal(unreached.status, 1, unreached.stderr);
  assert.match(unreached.stdout, /recall at least 0\.99: NOT reached\)/);
  assert.match(unreached.stderr, /^emoscope: the minimum recalls were not all reached on these faces \((\w+ [\d.]+ < 0\.99(, )?)+\): .*unreached holds the closest the offsets came/);
  const badFloor = spawnSync(process.execPath, [CLI, 'calibrate', '--model', run, '--data', FER_FOLDERS, '--out', out, '--class-min-recall', 'disgust=0.5,joy=0.3'], { encoding: 'utf8' });
  assert.notEqual(badFloor.status, 0);
  assert.match(badFloor.stderr, /--class-min-recall but received "joy=0.3"/);
  const refused = spawnSync(process.execPath, [CLI, 'calibrate', '--model', run, '--data', FER_FOLDERS, '--out', out, '--split', 'test'], { encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--split.*test.*(choices|Allowed)/i);
});
