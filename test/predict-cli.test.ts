// `emoscope predict` as a user runs it: JSON on stdout or in a file, CSV rows per face, annotated
// photos and charts with --out, folders walked, a bad file reported with exit code 1 while the
// others are processed, a photo without a face noted on stderr with exit code 0.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import sharp from 'sharp';
import { CLI, tempDir } from './helpers/paths.js';
import { COUPLE, SINGLE, saveTinyModel } from './predict-fixtures.js';
import { CSV_HEADER } from '../src/predict/csv.js';
import type { PhotoResult } from '../src/types.js';
import type { PredictedPhoto } from '../src/cli/predict.js';
import { runCli } from './helpers/cli.js';
import type { CliOutcome } from './helpers/cli.js';

type Outcome = CliOutcome;

const emoscope = (args: string[]): Promise<Outcome> => runCli(args);

let model: string;
before(async () => {
  model = await saveTinyModel();
});

test('a folder with two photos, a broken file and a faceless picture: JSON, CSV, annotated copies, exit 1', async () => {
  const dir = await tempDir();
  const photos = join(dir, 'photos');
  await mkdir(join(photos, 'more'), { recursive: true });
  await copyFile(COUPLE, join(photos, 'couple.jpg'));
  await copyFile(SINGLE, join(photos, 'more', 'single.jpg'));
  await writeFile(join(photos, 'broken.png'), 'not a png');
  await writeFile(join(photos, 'notes.txt'), 'not taken from a folder: not an image extension');
  await sharp({ create: { width: 200, height: 150, channels: 3, background: '#777' } }).png().toFile(join(photos, 'wall.png'));
  const out = join(dir, 'out');
  const { code, stdout, stderr } = await emoscope(['predict', photos, '--model', model, '--csv', join(dir, 'faces.csv'), '--out', out]);

  assert.equal(code, 1, 'a failed input makes the exit code non-zero');
  const results = JSON.parse(stdout) as PredictedPhoto[];
  assert.deepEqual(results.map((r) => r.file.slice(photos.length + 1)), ['broken.png', 'couple.jpg', 'more/single.jpg', 'wall.png']);
  assert.match(results[0]!.error!, /broken\.png: not an image/);
  assert.deepEqual(results.map((r) => r.faces.length), [0, 2, 1, 0]);
  assert.match(stderr, /broken\.png: not an image/);
  assert.match(stderr, /wall\.png: no face found/);

  const csv = (await readFile(join(dir, 'faces.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv[0], CSV_HEADER.join(','));
  assert.equal(csv.length, 1 + 1 + 2 + 1, 'header, the broken file, one row per face');
  assert.match(csv[2]!, /couple\.jpg,1,\d+,\d+,\d+,\d+,0\.\d+,(angry|disgust|fear|happy|sad|surprise|neutral),/);

  // Each photo's files are named after it plus a hash of its path, and the JSON says which are whose.
  const written = results.flatMap((r) => [r.annotated, ...(r.charts ?? [])]).filter((f) => f !== undefined);
  assert.deepEqual((await readdir(out)).sort(), written.map((f) => f.slice(out.length + 1)).sort());
  assert.deepEqual(written.map((f) => f.slice(out.length + 1).replace(/\.[0-9a-f]{8}\./, '.#.')).sort(),
    ['couple.#.face1.png', 'couple.#.face2.png', 'couple.#.jpg', 'single.#.face1.png', 'single.#.jpg', 'wall.#.jpg']);
  assert.equal(results[0]!.annotated, undefined, 'an unreadable photo has no annotated copy');
  const annotated = await sharp(results[1]!.annotated!).metadata();
  assert.deepEqual([annotated.format, annotated.width, annotated.height], ['jpeg', 640, 446]);
  assert.equal((await sharp(results[1]!.charts![0]!).metadata()).format, 'png');
});

test('--out into the photos folder runs again: the annotated copies and charts of the first run are not taken for photos', async () => {
  const dir = await tempDir();
  await copyFile(COUPLE, join(dir, 'couple.jpg'));
  const first = await emoscope(['predict', dir, '--model', model, '--out', dir, '--json', join(dir, 'first.json')]);
  assert.equal(first.code, 0, first.stderr);
  const again = await emoscope(['predict', dir, '--model', model, '--out', dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual((JSON.parse(again.stdout) as PredictedPhoto[]).map((r) => [r.file, r.faces.length]), [[join(dir, 'couple.jpg'), 2]]);
  assert.match(again.stderr, /left out 3 pictures, e\.g\. .*couple\.[0-9a-f]{8}\.face1\.png: written by emoscope/);
  assert.deepEqual((await readdir(dir)).map((f) => f.replace(/\.[0-9a-f]{8}\./, '.#.')).sort(),
    ['couple.#.face1.png', 'couple.#.face2.png', 'couple.#.jpg', 'couple.jpg', 'first.json'], 'the same files, replaced in place');
});

test('--json writes the file instead of stdout; --largest-face and --min-face-score apply; one good photo exits 0', async () => {
  const dir = await tempDir();
  const json = join(dir, 'results.json');
  const { code, stdout } = await emoscope(['predict', COUPLE, '--model', model, '--json', json, '--largest-face']);
  assert.equal(code, 0);
  assert.equal(stdout, '');
  const [result] = JSON.parse(await readFile(json, 'utf8')) as PhotoResult[];
  assert.equal(result!.faces.length, 1);
  const strict = await emoscope(['predict', COUPLE, '--model', model, '--min-face-score', '0.9999']);
  assert.equal(strict.code, 0);
  assert.deepEqual((JSON.parse(strict.stdout) as PhotoResult[])[0]!.faces, []);
  assert.match(strict.stderr, /couple\.jpg: no face found/);
});

test('a missing model folder and a bad --min-face-score are clear errors with exit code 1', async () => {
  const missing = await emoscope(['predict', COUPLE, '--model', '/no/such/model']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No model at \/no\/such\/model/);
  const bad = await emoscope(['predict', COUPLE, '--model', model, '--min-face-score', '1.5']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--min-face-score/);
});

test('a reader of both streams that stops early (2>&1 | head) is no error: exit code 0, --json still written', async () => {
  const dir = await tempDir();
  const jsonPath = join(dir, 'faces.json');
  // stderr gets the closing summary ("1 photo, 2 faces") after the pipe's reader is gone
  const child = spawn(process.execPath, [CLI, 'predict', COUPLE, '--model', model, '--json', jsonPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  child.stderr.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  assert.equal((JSON.parse(await readFile(jsonPath, 'utf8')) as PredictedPhoto[])[0]!.faces.length, 2);
});

test('a folder\'s entries passed over (hidden, a broken link, a FIFO) are counted and named after the summary; the JSON is unchanged; a broken link named explicitly names its missing target', async () => {
  const dir = await tempDir();
  const photos = join(dir, 'photos');
  await mkdir(photos);
  await copyFile(SINGLE, join(photos, 'single.jpg'));
  await writeFile(join(photos, '.DS_Store'), 'Finder');
  await symlink('gone.jpg', join(photos, 'broken.jpg'));
  execFileSync('mkfifo', [join(photos, 'pipe.jpg')]);
  const json = join(dir, 'faces.json');
  const walked = await emoscope(['predict', photos, '--model', model, '--json', json]);
  assert.equal(walked.code, 0, walked.stderr);
  assert.equal(walked.stdout, '');
  const results = JSON.parse(await readFile(json, 'utf8')) as PredictedPhoto[];
  assert.deepEqual(results.map((r) => [r.file, Object.keys(r).sort()]), [[join(photos, 'single.jpg'), ['faces', 'file', 'height', 'width']]]);
  assert.deepEqual(walked.stderr.split('\n').slice(-3), [
    `1 photo, 1 face; wrote ${json}`,
    `emoscope: passed over 3 entries: 1 hidden file or folder (${photos}/.DS_Store), 1 broken symbolic link (${photos}/broken.jpg → gone.jpg), 1 FIFO (${photos}/pipe.jpg)`,
    '',
  ]);

  const named = await emoscope(['predict', join(photos, 'broken.jpg'), '--model', model]);
  assert.equal(named.code, 1);
  const [result] = JSON.parse(named.stdout) as PhotoResult[];
  assert.equal(result!.errorCode, 'NOT_FOUND');
  assert.equal(result!.error, `${photos}/broken.jpg: a symbolic link whose target gone.jpg (${photos}/gone.jpg) does not exist`);
  assert.match(named.stderr, /broken\.jpg: a symbolic link whose target gone\.jpg \(.*\) does not exist\n/);
  assert.doesNotMatch(named.stderr, /no such file/i);

  const junk = join(dir, 'junk');
  await mkdir(junk);
  await writeFile(join(junk, '.DS_Store'), 'Finder');
  const none = await emoscope(['predict', junk, '--model', model]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, new RegExp(`No images to process in ${junk} \\(passed over 1 entry: 1 hidden file or folder \\(${junk}/\\.DS_Store\\)\\)`));
});
