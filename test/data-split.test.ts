// Seeded randomness, the class-folders split and the --limit sample: deterministic for a seed,
// every face exactly once, every class kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EmoscopeError } from '../src/errors.js';
import { EMOTIONS } from '../src/types.js';
import { assignSplits, classCounts, createRandom, loadDataset, shuffledIndices, stratifiedSample } from '../src/data/index.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';

/** Labels of an unbalanced data set: class k has sizes[k] items, interleaved. */
function labelsOf(sizes: number[]): Uint8Array {
  const labels: number[] = [];
  for (let round = 0; labels.length < sizes.reduce((a, b) => a + b, 0); round++) {
    sizes.forEach((size, label) => { if (round < size) labels.push(label); });
  }
  return Uint8Array.from(labels);
}

test('createRandom: the same seed gives the same floats in [0, 1); another seed others', () => {
  const a = createRandom(42);
  const b = createRandom(42);
  const draws = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(Array.from({ length: 1000 }, () => b()), draws);
  assert.ok(draws.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(Array.from({ length: 1000 }, createRandom(43)), draws);
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});

test('shuffledIndices(n, seed): a permutation of 0..n-1, fixed by the seed', () => {
  const order = shuffledIndices(500, 7);
  assert.deepEqual(Array.from(order).sort((x, y) => x - y), Array.from({ length: 500 }, (_, i) => i));
  assert.deepEqual(shuffledIndices(500, 7), order);
  assert.notDeepEqual(shuffledIndices(500, 8), order);
  assert.notDeepEqual(Array.from(order), Array.from({ length: 500 }, (_, i) => i));
});

test('assignSplits: every item once, per-class fractions, same seed same split, other seed other split', () => {
  const labels = labelsOf([400, 40, 300, 700, 500, 300, 500]);
  const fractions = { valFraction: 0.1, testFraction: 0.2, seed: 42 };
  const splits = assignSplits(labels, fractions);
  assert.equal(splits.length, labels.length);
  assert.deepEqual(assignSplits(labels, fractions), splits);
  assert.notDeepEqual(assignSplits(labels, { ...fractions, seed: 1 }), splits);
  const count = (split: string, label: number): number => splits.filter((s, i) => s === split && labels[i] === label).length;
  [400, 40, 300, 700, 500, 300, 500].forEach((size, label) => {
    assert.equal(count('test', label), Math.round(size * 0.2), `test of class ${label}`);
    assert.equal(count('val', label), Math.round(size * 0.1), `val of class ${label}`);
    assert.equal(count('train', label) + count('val', label) + count('test', label), size);
  });
});

test('loadDataset on class folders: the split is disjoint, covers every face once and repeats for a seed', async () => {
  // The fixture's training faces without their Training_ prefix: a user's own <class>/ tree.
  const root = join(await tempDir(), 'mine');
  for (const emotion of EMOTIONS) {
    await mkdir(join(root, emotion), { recursive: true });
    for (const name of await readdir(join(FER_FOLDERS, 'train', emotion))) {
      await copyFile(join(FER_FOLDERS, 'train', emotion, name), join(root, emotion, name.replace('Training_', '')));
    }
  }
  const options = { cacheDir: false as const, valFraction: 0.25, testFraction: 0.25, seed: 3 };
  const ds = await loadDataset(root, options);
  assert.equal(ds.format, 'class-folders');
  const origins = [...ds.splits.train.origins, ...ds.splits.val.origins, ...ds.splits.test.origins];
  assert.equal(origins.length, 56);
  assert.equal(new Set(origins).size, 56, 'no face in two splits');
  assert.deepEqual(classCounts(ds.splits.val), [2, 2, 2, 2, 2, 2, 2]); // round(8 × 0.25) of each class
  assert.deepEqual(classCounts(ds.splits.test), [2, 2, 2, 2, 2, 2, 2]);
  assert.deepEqual(classCounts(ds.splits.train), [4, 4, 4, 4, 4, 4, 4]);
  assert.deepEqual((await loadDataset(root, options)).splits.val.origins, ds.splits.val.origins);
  assert.notDeepEqual((await loadDataset(root, { ...options, seed: 4 })).splits.val.origins, ds.splits.val.origins);
});

test('stratifiedSample: at most N, every class present kept, ascending, same seed same sample', () => {
  const labels = labelsOf([400, 5, 300, 700, 500, 300, 500]);
  const sample = stratifiedSample(labels, 100, 42, 'train');
  assert.equal(sample.length, 100);
  assert.deepEqual(stratifiedSample(labels, 100, 42, 'train'), sample);
  assert.notDeepEqual(stratifiedSample(labels, 100, 43, 'train'), sample);
  assert.equal(new Set(sample).size, 100);
  assert.ok(sample.every((v, i) => i === 0 || sample[i - 1] < v));
  const perClass = new Array<number>(7).fill(0);
  for (const i of sample) perClass[labels[i]]++;
  assert.ok(perClass.every((n) => n >= 1), `every class kept: ${perClass}`);
  assert.ok(perClass[3] > perClass[2], 'larger classes get more');
});

test('stratifiedSample: N at least the size returns everything; N below the classes present is an error', () => {
  const labels = labelsOf([3, 0, 2, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(stratifiedSample(labels, 6, 1, 'val')), [0, 1, 2, 3, 4, 5]);
  assert.equal(stratifiedSample(labels, 3, 1, 'val').length, 3);
  assert.throws(() => stratifiedSample(labels, 2, 1, 'val'), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_ARGUMENT' && /at least 3 \(the classes present in val\)/.test(error.message));
});

test('loadDataset limit: at most N per split with every class, the same faces on every call', async () => {
  const options = { cacheDir: false as const, limit: 10 };
  const ds = await loadDataset(FER_FOLDERS, options);
  assert.equal(ds.splits.train.count, 10);
  assert.ok(classCounts(ds.splits.train).every((n) => n >= 1));
  assert.equal(ds.splits.val.count, 10);
  assert.ok(classCounts(ds.splits.val).every((n) => n >= 1));
  const again = await loadDataset(FER_FOLDERS, options);
  assert.deepEqual(again.splits.train.origins, ds.splits.train.origins);
  assert.deepEqual(again.splits.train.pixels, ds.splits.train.pixels);
  const otherSeed = await loadDataset(FER_FOLDERS, { ...options, seed: 7 });
  assert.notDeepEqual(otherSeed.splits.train.origins, ds.splits.train.origins);
});

test('loadDataset rejects a limit, fractions or seed out of range with the option named', async () => {
  const cases: [object, RegExp][] = [
    [{ limit: 0 }, /for limit but received 0/],
    [{ limit: 2.5 }, /for limit but received 2.5/],
    [{ valFraction: 1 }, /for valFraction but received 1/],
    [{ testFraction: -0.1 }, /for testFraction but received -0.1/],
    [{ valFraction: 0.5, testFraction: 0.5 }, /for valFraction \+ testFraction/],
    [{ seed: 1.5 }, /for seed but received 1.5/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(loadDataset(FER_FOLDERS, options), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_ARGUMENT' && message.test(error.message));
  }
});
