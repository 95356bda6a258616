// Mixing a batch's faces (`train --mix mixup|cutmix`): the inputs are blended or patched pairwise,
// the targets and loss weights follow by the same share, and a seeded run mixes the same way again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { batchTargets } from '../src/engine/loss.js';
import { mixBatch } from '../src/data/mix.js';
import { createRandom, symmetricBeta } from '../src/util/random.js';
import { initEngine } from '../src/engine/backend.js';
import { loadModelFolder } from '../src/model/folder.js';
import { runCli } from './helpers/cli.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';

/** n faces of size² values, face i filled with the value i + 1 (so a mixed pixel tells its sources). */
function flatFaces(n: number, size: number): Float32Array {
  return Float32Array.from({ length: n * size * size }, (_, p) => Math.floor(p / (size * size)) + 1);
}

test('mixup: every face is λ of itself and 1 − λ of its partner, partners a shuffle of the batch', () => {
  const values = flatFaces(8, 4);
  const { partner, lambda } = mixBatch(values, 4, 'mixup', 1, createRandom(3));
  assert.deepEqual([...partner].sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.ok(lambda > 0 && lambda < 1, `λ ${lambda}`);
  for (let i = 0; i < 8; i++) {
    const expected = lambda * (i + 1) + (1 - lambda) * (partner[i]! + 1);
    for (let p = 0; p < 16; p++) assert.ok(Math.abs(values[i * 16 + p]! - expected) < 1e-5, `face ${i} pixel ${p}: ${values[i * 16 + p]} against ${expected}`);
  }
  const again = flatFaces(8, 4);
  mixBatch(again, 4, 'mixup', 1, createRandom(3));
  assert.deepEqual(again, values, 'the same seed mixes the same way');
});

test('cutmix: a rectangle comes from the partner, the rest stays, and λ is the share that stayed', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const size = 12;
    const values = flatFaces(6, size);
    const { partner, lambda } = mixBatch(values, size, 'cutmix', 1, createRandom(seed));
    for (let i = 0; i < 6; i++) {
      const face = values.subarray(i * size * size, (i + 1) * size * size);
      const own = face.filter((v) => v === i + 1).length;
      const pasted = face.filter((v) => v === partner[i]! + 1).length;
      if (partner[i] === i) continue; // its own partner: nothing visible changes
      assert.equal(own + pasted, size * size, `face ${i}: every pixel is its own or its partner's`);
      assert.ok(Math.abs(own / (size * size) - lambda) < 1e-9, `seed ${seed} face ${i}: ${own} own pixels, λ ${lambda}`);
    }
  }
});

test('the Beta(α, α) mixing weight has the mean and spread of its distribution', () => {
  const random = createRandom(11);
  for (const alpha of [0.4, 1, 3]) {
    const draws = Array.from({ length: 20000 }, () => symmetricBeta(random, alpha));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    assert.ok(draws.every((d) => d >= 0 && d <= 1));
    assert.ok(Math.abs(mean - 0.5) < 0.01, `α ${alpha}: mean ${mean}`);
    const expected = 1 / (4 * (2 * alpha + 1));
    assert.ok(Math.abs(variance - expected) < 0.05 * expected, `α ${alpha}: variance ${variance}, expected ${expected}`);
  }
});

test('mixed targets and loss weights: the same blend as the faces, weights still summing to 1', () => {
  const onehot = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const plain = batchTargets(onehot, 3, { labelSmoothing: 0.3, classWeights: [1, 2, 5] });
  const mixed = batchTargets(onehot, 3, { labelSmoothing: 0.3, classWeights: [1, 2, 5], mix: { partner: [2, 0, 1], lambda: 0.75 } });
  const partner = [2, 0, 1];
  for (let r = 0; r < 3; r++) {
    for (let k = 0; k < 3; k++) {
      const expected = 0.75 * plain.targets[r * 3 + k]! + 0.25 * plain.targets[partner[r]! * 3 + k]!;
      assert.ok(Math.abs(mixed.targets[r * 3 + k]! - expected) < 1e-6, `row ${r} class ${k}`);
    }
    assert.ok(Math.abs(mixed.faceWeights[r]! - (0.75 * plain.faceWeights[r]! + 0.25 * plain.faceWeights[partner[r]!]!)) < 1e-6);
  }
  assert.ok(Math.abs(mixed.faceWeights.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  assert.throws(() => batchTargets(onehot, 3, { mix: { partner: [0, 1], lambda: 0.5 } }), /expected 3 partners but received 2/);
});

test('train --mix: recorded in the run, changes what is learned, the same again from the same seed; a bad mode or α is refused', async () => {
  await initEngine();
  const dir = await tempDir();
  const weights = async (run: string) => {
    const { model } = await loadModelFolder(join(run, 'last'));
    const values = model.getWeights().flatMap((w) => [...w.dataSync()]);
    model.dispose();
    return values;
  };
  const base = ['train', '--data', FER_FOLDERS, '--model', 'tiny', '--epochs', '1', '--seed', '4'];
  for (const [name, extra] of [['plain', []], ['cutmix', ['--mix', 'cutmix']], ['cutmix2', ['--mix', 'cutmix']], ['mixup', ['--mix', 'mixup', '--mix-alpha', '0.4']]] as const) {
    const run = await runCli([...base, '--out', join(dir, name), ...extra]);
    assert.equal(run.code, 0, run.stderr);
  }
  const config = JSON.parse(await readFile(join(dir, 'mixup', 'config.json'), 'utf8')) as { mix: string; mixAlpha: number };
  assert.deepEqual([config.mix, config.mixAlpha], ['mixup', 0.4]);
  const [plain, cutmix, cutmix2, mixup] = await Promise.all(['plain', 'cutmix', 'cutmix2', 'mixup'].map((n) => weights(join(dir, n))));
  assert.deepEqual(cutmix, cutmix2, 'a seeded run with --mix repeats exactly');
  assert.notDeepEqual(cutmix, plain, '--mix cutmix changes the training');
  assert.notDeepEqual(mixup, plain, '--mix mixup changes the training');

  const bad = await runCli([...base, '--out', join(dir, 'bad'), '--mix', 'blend']);
  assert.notEqual(bad.code, 0, bad.stderr);
  assert.match(bad.stderr, /--mix.*blend.*mixup, cutmix/s);
  const badAlpha = await runCli([...base, '--out', join(dir, 'bad'), '--mix', 'mixup', '--mix-alpha', '0']);
  assert.notEqual(badAlpha.code, 0);
  assert.match(badAlpha.stderr, /--mix-alpha/);
  const resumed = await runCli(['train', '--out', join(dir, 'cutmix'), '--resume', '--mix', 'mixup', '--epochs', '2']);
  assert.notEqual(resumed.code, 0);
  assert.match(resumed.stderr, /--mix mixup \(the run's: "cutmix"\)/);
});
