// Data-parallel training computes what single-process training computes: one step of a network
// with dropout and batch norm (label smoothing, class weights, weight decay) gives the same
// weights on 2 workers as in one thread, and a short run gives the same history.
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { dropoutMask } from '../src/engine/step-random.js';
import { GradientWorkers } from '../src/engine/workers.js';
import { getArchitecture } from '../src/model/registry.js';
import { trainStep, trainStepOnWorkers } from '../src/train/step.js';
import type { StepOptions } from '../src/train/step.js';
import { train } from '../src/train/train.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';

/** Largest |a − b| over all weights, relative to the largest |a|. */
function weightDifference(a: tfl.LayersModel, b: tfl.LayersModel): { name: string; relative: number } {
  let worst = { name: '', relative: 0 };
  a.weights.forEach((w, i) => {
    const va = w.read().dataSync();
    const vb = b.weights[i]!.read().dataSync();
    let diff = 0;
    let scale = 1e-30;
    for (let j = 0; j < va.length; j++) {
      diff = Math.max(diff, Math.abs(va[j]! - vb[j]!));
      scale = Math.max(scale, Math.abs(va[j]!));
    }
    if (diff / scale > worst.relative) worst = { name: w.name, relative: diff / scale };
  });
  return worst;
}

test('dropout masks drawn per face: rows 5..8 of a batch get the same mask alone as within the batch', () => {
  const whole = dropoutMask(7, 0, 0, 9, 100, 0.25);
  const shard = dropoutMask(7, 0, 5, 4, 100, 0.25);
  assert.deepEqual(shard, whole.subarray(500));
  const kept = whole.filter((v) => v > 0);
  assert.ok(Math.abs(kept.length / whole.length - 0.75) < 0.06, `kept ${kept.length} of ${whole.length}, expected about 75%`);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6), 'kept values are scaled by 1/(1 − rate)');
  assert.notDeepEqual(dropoutMask(7, 1, 0, 9, 100, 0.25), whole, 'a second dropout call of the step gets another mask');
});

describe('one step of tiny (conv, batch norm, dropout) on 2 workers gives the weights one thread gives', () => {
  const batch = 9; // shards of 5 and 4 faces
  let x: tf.Tensor4D;
  let y: tf.Tensor2D;
  const options: StepOptions = { labelSmoothing: 0.1, classWeights: Float32Array.from([1, 2, 1, 0.5, 1, 1, 1.5]), weightDecay: 1e-3, seed: 1234 };
  const build = () => getArchitecture('tiny').build({ seed: 3, classes: 7, inputSize: 48 });

  before(async () => {
    await initEngine();
    x = tf.randomNormal([batch, 48, 48, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 7), 'int32'), 7), 'float32') as tf.Tensor2D);
  });
  after(() => {
    tf.dispose([x, y]);
  });

  for (const [name, optimizer] of [['adam', () => tf.train.adam(0.003)], ['sgd', () => tf.train.momentum(0.05, 0.9, true)]] as const) {
    it(`${name}: weights, batch-norm statistics, loss and accuracy within float tolerance`, async () => {
      const single = build();
      const parallel = build();
      const singleOptimizer = optimizer();
      const parallelOptimizer = optimizer();
      const pool = await GradientWorkers.start(parallel, { workers: 2, maxBatch: 16 });
      try {
        const a = trainStep(single, singleOptimizer, x, y, options);
        const b = await trainStepOnWorkers(pool, parallel, parallelOptimizer, x, y, options);
        assert.ok(Math.abs(a.loss - b.loss) < 1e-5 * a.loss, `loss ${a.loss} in one thread vs ${b.loss} on 2 workers`);
        assert.equal(b.correct, a.correct);
        const { name: worst, relative } = weightDifference(single, parallel);
        assert.ok(relative < 1e-5, `${worst}: relative difference ${relative}`);

        // The masks matter: another step seed trains other weights (so equal weights above are not a coincidence of no dropout).
        const other = build();
        const otherOptimizer = optimizer();
        trainStep(other, otherOptimizer, x, y, { ...options, seed: 99 });
        assert.ok(weightDifference(single, other).relative > 1e-3, 'a different step seed gave the same weights');
        other.dispose();
        otherOptimizer.dispose();
      } finally {
        await pool.close();
        single.dispose();
        parallel.dispose();
        singleOptimizer.dispose();
        parallelOptimizer.dispose();
      }
    });
  }
});

test('a 4-epoch run (augmentation, label smoothing, class weights) has the same history with --workers 2 as with --workers 1', async () => {
  const dir = await tempDir();
  const run = (workers: number) => train({
    data: FER_FOLDERS, model: 'tiny', out: join(dir, `workers-${workers}`), epochs: 4, batchSize: 8, patience: 0,
    augment: 'standard', labelSmoothing: 0.1, classWeighting: 'sqrt', weightDecay: 1e-3, workers, callbacks: {},
  });
  const one = (await run(1)).history.epochs;
  const two = (await run(2)).history.epochs;
  assert.equal(two.length, 4);
  for (let i = 0; i < 4; i++) {
    for (const key of ['loss', 'valLoss'] as const) {
      assert.ok(Math.abs(one[i]![key] - two[i]![key]) < 1e-4 * one[i]![key], `epoch ${i + 1} ${key}: ${one[i]![key]} with 1 worker vs ${two[i]![key]} with 2`);
    }
    for (const key of ['acc', 'valAcc'] as const) assert.equal(two[i]![key], one[i]![key], `epoch ${i + 1} ${key}`);
  }
});

test('workers: 0 is refused with the field named', async () => {
  const out = join(await tempDir(), 'run');
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out, workers: 0, callbacks: {} }), /Expected a whole number of at least 1 for workers but received 0/);
});
