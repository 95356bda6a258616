// `emoscope data stats` end to end: the compiled CLI run as users run it, on the committed fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, FER_FOLDERS, FIXTURES, tempDir } from './helpers/paths.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `emoscope <args>` with its own cache folder and returns exit code and output. */
async function emoscope(...args: string[]): Promise<Run> {
  const env = { ...process.env, EMOSCOPE_CACHE_DIR: await tempDir() };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('data stats --json prints faces per split and class as JSON', async () => {
  const run = await emoscope('data', 'stats', '--data', FER_FOLDERS, '--json');
  assert.equal(run.code, 0, run.stderr);
  const stats = JSON.parse(run.stdout) as {
    format: string;
    source: string;
    total: number;
    splits: Record<string, { total: number; classes: Record<string, number> }>;
    skipped: unknown[];
  };
  assert.equal(stats.format, 'fer2013-folders');
  assert.equal(stats.source, FER_FOLDERS);
  assert.equal(stats.total, 98);
  assert.deepEqual(Object.keys(stats.splits), ['train', 'val', 'test']);
  assert.deepEqual(stats.splits.test, { total: 21, classes: { angry: 3, disgust: 3, fear: 3, happy: 3, sad: 3, surprise: 3, neutral: 3 } });
  assert.equal(stats.splits.train.classes.disgust, 8);
  assert.deepEqual(stats.skipped, []);
});

test('data stats prints the format, the path and a table', async () => {
  const run = await emoscope('data', 'stats', '--data', join(FIXTURES, 'fer2013.csv'));
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `fer2013-csv: ${join(FIXTURES, 'fer2013.csv')}`);
  assert.equal(lines[1], 'split  angry  disgust  fear  happy  sad  surprise  neutral  total');
  assert.equal(lines[2], 'train      1        1     1      1    1         1        1      7');
  assert.equal(lines[5], 'total      3        3     3      3    3         3        3     21');
});

test('data stats on a bad CSV exits 1 with the line and problem; --skip-bad lists the skipped lines', async () => {
  const lines = (await readFile(join(FIXTURES, 'fer2013.csv'), 'utf8')).trimEnd().split('\n');
  lines[2] = lines[2].replace(/^\d/, '8');
  const path = join(await tempDir(), 'bad.csv');
  await writeFile(path, lines.join('\n'));

  const stopped = await emoscope('data', 'stats', '--data', path);
  assert.equal(stopped.code, 1);
  assert.equal(stopped.stderr, 'emoscope: bad.csv line 3: expected an emotion label 0–6 but found "8"\n');

  const skipped = await emoscope('data', 'stats', '--data', path, '--skip-bad', '--json');
  assert.equal(skipped.code, 0);
  assert.equal((JSON.parse(skipped.stdout) as { total: number }).total, 20);
  assert.equal(skipped.stderr, 'Skipped 1 bad input:\n  bad.csv:3: expected an emotion label 0–6 but found "8"\n');
});

test('data stats names a bad option value and a missing path', async () => {
  const fraction = await emoscope('data', 'stats', '--data', FER_FOLDERS, '--val-fraction', '2');
  assert.notEqual(fraction.code, 0);
  assert.match(fraction.stderr, /Expected a number from 0 to below 1 for --val-fraction but received "2"/);
  const missing = await emoscope('data', 'stats', '--data', join(FIXTURES, 'nope'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope: no such file or folder/);
});

test('data stats on class folders says once on stderr what it passed over (hidden, not an image, a broken link); its JSON is unchanged', async () => {
  const root = await tempDir();
  for (const label of ['happy', 'sad']) {
    await mkdir(join(root, label));
    const faces = (await readdir(join(FER_FOLDERS, 'train', label))).slice(0, 3);
    for (const [i, face] of faces.entries()) await copyFile(join(FER_FOLDERS, 'train', label, face), join(root, label, `${i}.jpg`));
  }
  const clean = await emoscope('data', 'stats', '--data', root, '--json');
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.stderr, '');
  await writeFile(join(root, '.DS_Store'), '');
  await writeFile(join(root, 'sad', 'notes.txt'), '');
  await symlink('gone.jpg', join(root, 'happy', 'old.jpg.bak'));
  const run = await emoscope('data', 'stats', '--data', root, '--json');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, clean.stdout);
  assert.equal(run.stderr, `emoscope: passed over 3 entries: 1 hidden file or folder (${root}/.DS_Store), 1 broken symbolic link (${root}/happy/old.jpg.bak → gone.jpg), 1 file without an image extension (${root}/sad/notes.txt)\n`);
});
