// Counting a data set (what `emoscope data stats` prints) and taking subsets of packed faces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounts, datasetStats, facePixels, formatStatsTable, loadDataset, subsetFaces } from '../src/data/index.js';
import { FER_FOLDERS } from './helpers/paths.js';

test('datasetStats: faces per split and class of the FER fixture, and the total', async () => {
  const stats = datasetStats(await loadDataset(FER_FOLDERS, { cacheDir: false }));
  assert.equal(stats.format, 'fer2013-folders');
  assert.equal(stats.total, 98);
  assert.deepEqual(stats.splits.train, { total: 56, classes: { angry: 8, disgust: 8, fear: 8, happy: 8, sad: 8, surprise: 8, neutral: 8 } });
  assert.deepEqual(stats.splits.val, { total: 21, classes: { angry: 3, disgust: 3, fear: 3, happy: 3, sad: 3, surprise: 3, neutral: 3 } });
  assert.deepEqual(stats.skipped, []);
});

test('formatStatsTable: a header of the emotions in label order, one row per split, a total row', async () => {
  const stats = datasetStats(await loadDataset(FER_FOLDERS, { cacheDir: false }));
  assert.equal(
    formatStatsTable(stats),
    [
      'split  angry  disgust  fear  happy  sad  surprise  neutral  total',
      'train      8        8     8      8    8         8        8     56',
      'val        3        3     3      3    3         3        3     21',
      'test       3        3     3      3    3         3        3     21',
      'total     14       14    14     14   14        14       14     98',
    ].join('\n'),
  );
});

test('subsetFaces copies the chosen faces with their labels and origins, in the order given', async () => {
  const set = (await loadDataset(FER_FOLDERS, { cacheDir: false })).splits.test;
  const subset = subsetFaces(set, [5, 0, 5]);
  assert.equal(subset.count, 3);
  assert.deepEqual(Array.from(subset.labels), [set.labels[5], set.labels[0], set.labels[5]]);
  assert.deepEqual(subset.origins, [set.origins[5], set.origins[0], set.origins[5]]);
  assert.deepEqual(facePixels(subset, 1), facePixels(set, 0));
  subset.pixels[0] ^= 0xff;
  assert.notEqual(subset.pixels[0], set.pixels[5 * 2304], 'a copy, not a view');
  assert.deepEqual(classCounts(subset).reduce((a, b) => a + b, 0), 3);
  assert.throws(() => subsetFaces(set, [set.count]), RangeError);
});
