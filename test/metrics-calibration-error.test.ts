// Expected calibration error and temperature scaling: the binning and the weighted gap follow the
// standard definition (checked against a hand count), a fitted temperature recovers the one that made
// over- or under-confident probabilities and never changes the top class, the folded model gives
// softmax(z / T), and `emoscope temperature` writes a model whose evaluation reports a lower ECE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectedCalibrationError, reliabilityBins } from '../src/metrics/calibration-error.js';
import { applyTemperature, fitTemperature, temperatureNll } from '../src/metrics/temperature.js';
import { divideLogits } from '../src/model/temperature.js';
import { initEngine } from '../src/engine/backend.js';
import { getArchitecture } from '../src/model/registry.js';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { argmaxRows } from '../src/model/inference.js';
import { reliabilitySpec } from '../src/charts/specs/reliability.js';
import { createRandom } from '../src/util/random.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';

test('ECE by hand: 4 faces, 2 classes, 10 bins — top probabilities 0.95 (right), 0.95 (wrong), 0.65 (right), 0.55 (right)', () => {
  const probs = [0.95, 0.05, 0.05, 0.95, 0.35, 0.65, 0.55, 0.45];
  const labels = [0, 0, 1, 0];
  const bins = reliabilityBins(probs, labels, 2, 10);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins.map((b) => b.count), [0, 0, 0, 0, 0, 1, 1, 0, 0, 2]);
  assert.equal(bins[9]!.accuracy, 0.5);
  assert.ok(Math.abs(bins[9]!.confidence - 0.95) < 1e-12);
  // (2/4)·|0.5 − 0.95| + (1/4)·|1 − 0.65| + (1/4)·|1 − 0.55| = 0.225 + 0.0875 + 0.1125
  assert.ok(Math.abs(expectedCalibrationError(probs, labels, 2, 10) - 0.425) < 1e-12);
});

test('a top probability on a bin edge goes to the bin it closes: 0.6 with 10 bins is in (0.5, 0.6]; 15 bins by default', () => {
  const bins = reliabilityBins([0.6, 0.4], [0], 2, 10);
  assert.equal(bins[5]!.count, 1);
  assert.equal(reliabilityBins([0.6, 0.4], [0], 2).length, 15);
  assert.throws(() => reliabilityBins([0.6, 0.4, 0.5], [0], 2), /expected 1 × 2 probabilities but received 3/);
});

/** Faces whose true class is drawn from softmax(z): calibrated at T = 1 by construction. */
function calibratedFaces(n: number, classes: number, seed: number): { logits: number[]; labels: number[] } {
  const random = createRandom(seed);
  const logits: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: classes }, () => random() * 6 - 3);
    const e = z.map(Math.exp);
    const sum = e.reduce((a, b) => a + b, 0);
    let u = random() * sum;
    let y = 0;
    while (y < classes - 1 && (u -= e[y]!) > 0) y++;
    logits.push(...z);
    labels.push(y);
  }
  return { logits, labels };
}

test('the fitted temperature undoes an over-confident (×2 logits) and an under-confident (×0.5) model, and keeps every top class', () => {
  const { logits, labels } = calibratedFaces(6000, 4, 11);
  for (const sharpen of [2, 0.5]) {
    const probs = applyTemperature(logits.map(Math.exp), 4, 1 / sharpen); // softmax(sharpen · z)
    const fit = fitTemperature(probs, labels, 4);
    assert.ok(Math.abs(fit.temperature - sharpen) / sharpen < 0.1, `×${sharpen}: fitted ${fit.temperature}`);
    assert.ok(fit.nllAfter < fit.nllBefore);
    assert.ok(Math.abs(fit.nllAfter - temperatureNll(probs, labels, 4, fit.temperature)) < 1e-12);
    const scaled = applyTemperature(probs, 4, fit.temperature);
    assert.deepEqual(argmaxRows(scaled, 4), argmaxRows(probs, 4));
    assert.ok(expectedCalibrationError(scaled, labels, 4) < expectedCalibrationError(probs, labels, 4) / 2);
  }
  assert.throws(() => fitTemperature([], [], 4), /at least one face/);
});

test('dividing the final layer by T gives softmax(z / T) for every face, and a model without a dense softmax head is refused', async () => {
  await initEngine();
  const model = getArchitecture('tiny').build({ seed: 3, classes: 7, inputSize: 48 });
  const x = tf.randomUniform([4, 48, 48, 1], 0, 1, 'float32', 5);
  const before = (model.predict(x) as tf.Tensor).dataSync();
  divideLogits(model, 0.5);
  const after = (model.predict(x) as tf.Tensor).dataSync();
  const expected = applyTemperature(before, 7, 0.5);
  expected.forEach((p, i) => assert.ok(Math.abs(p - after[i]!) < 1e-4, `${i}: ${p} vs ${after[i]}`));
  assert.throws(() => divideLogits(model, 0), /positive temperature but received 0/);
  const headless = tfl.sequential({ layers: [tfl.layers.dense({ units: 7, inputShape: [3], activation: 'relu' })] });
  assert.throws(() => divideLogits(headless, 2), /final dense layer with a softmax/);
  tf.dispose([x]);
  model.dispose();
  headless.dispose();
});

test('emoscope temperature writes a model with the same accuracy and a validation NLL no higher; evaluate reports its ECE', async () => {
  const dir = await tempDir();
  const run = join(dir, 'run');
  await train({ data: FER_FOLDERS, model: 'tiny', out: run, epochs: 2, callbacks: {} });
  const out = join(dir, 'scaled');
  const cli = spawnSync(process.execPath, [CLI, 'temperature', '--model', run, '--data', FER_FOLDERS, '--out', out], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^Temperature [\d.]+ fitted on \d+ faces of val/m);
  const meta = JSON.parse(await readFile(join(out, 'emoscope.json'), 'utf8'));
  const t = meta.training.temperature;
  assert.equal(t.split, 'val');
  assert.ok(t.temperature > 0 && t.nll.after <= t.nll.before, JSON.stringify(t));
  const before = await evaluate({ model: run, data: FER_FOLDERS, split: 'val' });
  const after = await evaluate({ model: out, data: FER_FOLDERS, split: 'val' });
  assert.equal(after.report.accuracy, before.report.accuracy);
  assert.ok(Math.abs(after.report.ece! - t.ece.after) < 1e-3, `${after.report.ece} vs ${t.ece.after}`);
  assert.equal(after.report.reliability!.length, 15);
  const json = join(dir, 'eval.json');
  const evaluated = spawnSync(process.execPath, [CLI, 'evaluate', '--model', out, '--data', FER_FOLDERS, '--split', 'val', '--json', json], { encoding: 'utf8' });
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.match(evaluated.stdout, /Expected calibration error \(top probability, 15 bins\): [\d.]+/);
  assert.equal(typeof JSON.parse(await readFile(json, 'utf8')).ece, 'number');
  const refused = spawnSync(process.execPath, [CLI, 'temperature', '--model', run, '--data', FER_FOLDERS, '--out', out, '--split', 'test'], { encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
});

test('the reliability diagram has a bar per non-empty bin and names the ECE; without bins it says what is missing', () => {
  const bins = reliabilityBins([0.9, 0.1, 0.6, 0.4, 0.3, 0.7], [0, 1, 1], 2, 10);
  type Layer = { data: { values: Array<{ count: number }> }; mark: { type: string }; encoding: Record<string, { field?: string }> };
  const spec = reliabilitySpec({ reliability: bins, ece: 0.123, n: 3 }) as unknown as { layer: Layer[]; title: { subtitle: string[] } };
  const bars = spec.layer.find((l) => l.mark.type === 'bar')!;
  assert.equal(bars.data.values.length, 3);
  assert.equal(bars.encoding['opacity']!.field, 'count', 'a bin of few faces is drawn fainter');
  const counts = spec.layer.find((l) => l.mark.type === 'text')!;
  assert.equal(counts.encoding['text']!.field, 'count');
  assert.deepEqual(counts.data.values.map((v) => v.count), bins.filter((b) => b.count > 0).map((b) => b.count), 'each bar says how many faces it holds');
  assert.match(spec.title.subtitle[0]!, /expected calibration error 0\.123, 10 bins, 3 faces/);
  assert.throws(() => reliabilitySpec({ n: 3 }), /"reliability" bins/);
});
