// The FER2013 CSV reader: faces, labels, splits and line-numbered origins from the committed
// fer2013.csv fixture, and every kind of bad row reported with its line number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmoscopeError } from '../src/errors.js';
import { classCounts, facePixels, loadDataset } from '../src/data/index.js';
import { FIXTURES, tempDir } from './helpers/paths.js';

const FIXTURE_CSV = join(FIXTURES, 'fer2013.csv');

/** The fixture's lines (header first), without the trailing empty one. */
async function fixtureLines(): Promise<string[]> {
  return (await readFile(FIXTURE_CSV, 'utf8')).trimEnd().split('\n');
}

/** Writes `lines` as `name` in a fresh temporary folder and returns its path. */
async function writeCsv(lines: string[], name = 'bad.csv', newline = '\n'): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, lines.join(newline) + newline);
  return path;
}

/** The fixture with line `lineNumber` (1 = header) rewritten by `edit`. */
async function csvWithLine(lineNumber: number, edit: (fields: string[]) => string[]): Promise<string> {
  const lines = await fixtureLines();
  lines[lineNumber - 1] = edit(lines[lineNumber - 1].split(',')).join(',');
  return writeCsv(lines);
}

function isBadData(message: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof EmoscopeError, `expected an EmoscopeError, got ${String(error)}`);
    assert.equal(error.code, 'BAD_DATA');
    assert.equal(error.message, message);
    return true;
  };
}

test('fixture fer2013.csv: 21 faces, Training/PublicTest/PrivateTest → train/val/test, one face per class each', async () => {
  const ds = await loadDataset(FIXTURE_CSV);
  assert.equal(ds.format, 'fer2013-csv');
  assert.equal(ds.source, FIXTURE_CSV);
  assert.deepEqual(ds.skipped, []);
  for (const split of ['train', 'val', 'test'] as const) {
    assert.equal(ds.splits[split].count, 7, split);
    assert.deepEqual(classCounts(ds.splits[split]), [1, 1, 1, 1, 1, 1, 1], split);
    assert.equal(ds.splits[split].pixels.length, 7 * 48 * 48);
  }
});

test('a CSV row becomes its label, its 2,304 gray values in order, and origin fer2013.csv:<line>', async () => {
  const lines = await fixtureLines();
  const [label, pixels, usage] = lines[1].split(',');
  assert.equal(usage, 'Training');
  const train = (await loadDataset(FIXTURE_CSV)).splits.train;
  assert.equal(train.origins[0], 'fer2013.csv:2');
  assert.equal(train.labels[0], Number(label));
  assert.deepEqual(Array.from(facePixels(train, 0)), pixels.split(' ').map(Number));
  assert.equal(train.origins[6], 'fer2013.csv:8');
});

test('Windows line endings, quoted fields, another column order and blank lines read the same faces', async () => {
  const lines = await fixtureLines();
  const reordered = lines.map((line) => {
    const [emotion, pixels, usage] = line.split(',');
    return `"${usage}", ${emotion} ,"${pixels}"`;
  });
  const path = await writeCsv([...reordered, '', '  '], 'crlf.csv', '\r\n');
  const expected = await loadDataset(FIXTURE_CSV);
  const ds = await loadDataset(path);
  for (const split of ['train', 'val', 'test'] as const) {
    assert.deepEqual(ds.splits[split].labels, expected.splits[split].labels);
    assert.deepEqual(ds.splits[split].pixels, expected.splits[split].pixels);
  }
});

test('a file larger than one read chunk (1 MB) keeps every row and the right line numbers', async () => {
  const [header, ...rows] = await fixtureLines();
  const many = Array.from({ length: 250 }, (_, i) => rows[i % rows.length]); // ~2 MB
  many[199] = many[199].replace(/ \d+,/, ','); // line 201: one value short
  const path = await writeCsv([header, ...many]);
  await assert.rejects(loadDataset(path), isBadData('bad.csv line 201: expected 2304 pixel values but found 2303'));
  const ds = await loadDataset(path, { skipBad: true });
  assert.equal(ds.splits.train.count + ds.splits.val.count + ds.splits.test.count, 249);
  assert.deepEqual(ds.skipped.map((bad) => bad.where), ['bad.csv:201']);
});

test('line 3 with 2,303 pixel values: "bad.csv line 3: expected 2304 pixel values but found 2303"', async () => {
  const path = await csvWithLine(3, ([label, pixels, usage]) => [label, pixels.split(' ').slice(1).join(' '), usage]);
  await assert.rejects(loadDataset(path), isBadData('bad.csv line 3: expected 2304 pixel values but found 2303'));
});

test('line 3 with 2,305 pixel values is reported with the count found', async () => {
  const path = await csvWithLine(3, ([label, pixels, usage]) => [label, `${pixels} 7`, usage]);
  await assert.rejects(loadDataset(path), isBadData('bad.csv line 3: expected 2304 pixel values but found 2305'));
});

test('a pixel that is not a number names its position and text', async () => {
  const path = await csvWithLine(4, ([label, pixels, usage]) => {
    const values = pixels.split(' ');
    values[4] = '12a';
    return [label, values.join(' '), usage];
  });
  await assert.rejects(loadDataset(path), isBadData('bad.csv line 4: expected pixel values 0–255 but pixel 5 is "12a"'));
});

test('a pixel above 255 or negative is reported', async () => {
  const high = await csvWithLine(2, ([label, pixels, usage]) => [label, `256${pixels.slice(pixels.indexOf(' '))}`, usage]);
  await assert.rejects(loadDataset(high), isBadData('bad.csv line 2: expected pixel values 0–255 but pixel 1 is "256"'));
  const negative = await csvWithLine(2, ([label, pixels, usage]) => [label, `-1${pixels.slice(pixels.indexOf(' '))}`, usage]);
  await assert.rejects(loadDataset(negative), isBadData('bad.csv line 2: expected pixel values 0–255 but pixel 1 is "-1"'));
});

test('labels outside 0–6 or not numbers are reported with the label found', async () => {
  for (const label of ['7', '-1', 'happy', '']) {
    const path = await csvWithLine(5, ([, pixels, usage]) => [label, pixels, usage]);
    await assert.rejects(loadDataset(path), isBadData(`bad.csv line 5: expected an emotion label 0–6 but found "${label}"`));
  }
});

test('an unknown Usage is reported with the accepted ones', async () => {
  const path = await csvWithLine(9, ([label, pixels]) => [label, pixels, 'Validation']);
  await assert.rejects(loadDataset(path), isBadData('bad.csv line 9: expected Usage Training, PublicTest or PrivateTest but found "Validation"'));
});

test('a row with a missing column is reported', async () => {
  const path = await csvWithLine(6, ([label, pixels]) => [label, pixels]);
  await assert.rejects(loadDataset(path), isBadData('bad.csv line 6: expected 3 columns (emotion,pixels,Usage) but found 2'));
});

test('a file without the emotion,pixels,Usage header is reported at line 1', async () => {
  const [, ...rows] = await fixtureLines();
  const path = await writeCsv(rows);
  await assert.rejects(loadDataset(path), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError && error.code === 'BAD_DATA');
    assert.match(error.message, /^bad\.csv line 1: expected the header emotion,pixels,Usage but found "5,/);
    return true;
  });
});

test('default stops at the first bad row; skipBad skips every bad row and lists line and problem', async () => {
  const lines = await fixtureLines();
  lines[2] = lines[2].replace(/^\d/, '9'); // line 3: label 9
  lines[10] = lines[10].replace(/,[A-Za-z]+$/, ',Nope'); // line 11: Usage
  lines[20] = lines[20].replace(/ \d+,/, ','); // line 21: pixel count
  const path = await writeCsv(lines);
  await assert.rejects(loadDataset(path), isBadData('bad.csv line 3: expected an emotion label 0–6 but found "9"'));

  const ds = await loadDataset(path, { skipBad: true });
  assert.equal(ds.splits.train.count + ds.splits.val.count + ds.splits.test.count, 18);
  assert.deepEqual(ds.skipped, [
    { where: 'bad.csv:3', problem: 'expected an emotion label 0–6 but found "9"' },
    { where: 'bad.csv:11', problem: 'expected Usage Training, PublicTest or PrivateTest but found "Nope"' },
    { where: 'bad.csv:21', problem: 'expected 2304 pixel values but found 2303' },
  ]);
  assert.ok(!ds.splits.train.origins.includes('bad.csv:3'));
});

test('splits: only the splits asked for are loaded, the others are empty', async () => {
  const ds = await loadDataset(FIXTURE_CSV, { splits: ['val'] });
  assert.equal(ds.splits.val.count, 7);
  assert.equal(ds.splits.train.count, 0);
  assert.equal(ds.splits.test.count, 0);
});

test('a missing file is NOT_FOUND; a file that is not .csv is BAD_DATA', async () => {
  await assert.rejects(loadDataset(join(FIXTURES, 'no-such.csv')), (error: unknown) => error instanceof EmoscopeError && error.code === 'NOT_FOUND' && error.message.includes('no-such.csv'));
  await assert.rejects(loadDataset(join(FIXTURES, 'README.md')), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_DATA' && error.message.includes('README.md'));
});
