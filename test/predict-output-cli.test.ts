// The CLI's outputs as a user meets them: a table on a real terminal (a pseudo-terminal through
// util-linux `script`), JSON Lines on a pipe with annotated copies written into the input folder
// without touching an input, and unwritable outputs refused before any photo or epoch (predict,
// train, report), with nothing else done.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';
import { COUPLE, SINGLE, saveTinyModel } from './predict-fixtures.js';
import type { PredictedPhoto } from '../src/cli/predict.js';
import { runCli } from './helpers/cli.js';

const run = promisify(execFile);

const emoscope = (args: string[]) => runCli(args);

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

let model: string;
let photos: string;
before(async () => {
  model = await saveTinyModel();
  photos = join(await tempDir(), 'photos');
  await mkdir(photos);
  await copyFile(COUPLE, join(photos, 'couple.jpg'));
  await copyFile(SINGLE, join(photos, 'single.jpg'));
});

const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

test('on a terminal: a table with a row per face, and a summary naming the file written; the JSON goes to --json only', { skip: SCRIPT ? false : 'util-linux script (a pseudo-terminal) is not installed' }, async () => {
  const json = join(await tempDir(), 'faces.json');
  const command = [process.execPath, CLI, 'predict', photos, '--model', model, '--json', json].map(quote).join(' ');
  const { stdout } = await run(SCRIPT!, ['-qec', command, '/dev/null'], { maxBuffer: 1 << 24 });
  // What the terminal shows: per line, what follows the last return to column 1 (the bar redraws and
  // clears itself that way), without the remaining control sequences.
  const screen = stdout.replace(/\r/g, '').split('\n')
    .map((line) => line.slice(line.includes('\x1b[1G') ? line.lastIndexOf('\x1b[1G') : 0).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))
    .join('\n');
  const results = JSON.parse(await readFile(json, 'utf8')) as PredictedPhoto[];
  const faces = results.reduce((n, r) => n + r.faces.length, 0);
  assert.match(screen, /^photo +face +emotion +confidence +runner-up +box$/m);
  for (const r of results) {
    r.faces.forEach((f, i) => {
      const row = new RegExp(`^${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${i + 1} +${f.emotion} +\\d+\\.\\d% +\\w+ \\d+\\.\\d% +${f.box.width}×${f.box.height} at ${f.box.x},${f.box.y}$`, 'm');
      assert.match(screen, row);
    });
  }
  assert.match(screen, new RegExp(`^2 photos, ${faces} faces?; wrote ${json}$`, 'm'));
  assert.doesNotMatch(screen, /"faces"/, 'no JSON on the terminal');
});

test('--jsonl - streams one line per photo; --out into the input folder writes beside the photos, never over them, and the JSON names each output', async () => {
  const before = { couple: await readFile(join(photos, 'couple.jpg')), single: await readFile(join(photos, 'single.jpg')) };
  const listed = await readdir(photos);
  const { code, stdout, stderr } = await emoscope(['predict', join(photos, 'couple.jpg'), join(photos, 'single.jpg'), '--model', model, '--jsonl', '-', '--out', photos]);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as PredictedPhoto);
  assert.deepEqual(lines.map((l) => l.file), [join(photos, 'couple.jpg'), join(photos, 'single.jpg')]);
  assert.deepEqual(await readFile(join(photos, 'couple.jpg')), before.couple, 'the input photo is untouched');
  assert.deepEqual(await readFile(join(photos, 'single.jpg')), before.single);
  for (const line of lines) {
    assert.match(line.annotated!, new RegExp(`^${photos}/${line.file.endsWith('couple.jpg') ? 'couple' : 'single'}\\.[0-9a-f]{8}\\.jpg$`));
    assert.equal(line.charts!.length, line.faces.length);
  }
  const added = (await readdir(photos)).filter((f) => !listed.includes(f)).sort();
  assert.deepEqual(added, lines.flatMap((l) => [l.annotated!, ...l.charts!]).map((f) => f.slice(photos.length + 1)).sort());
  const charts = lines.reduce((n, l) => n + l.charts!.length, 0);
  assert.match(stderr, new RegExp(`^2 photos, ${charts} faces?; wrote 2 annotated photos and ${charts} face charts? in ${photos}$`, 'm'));
});

test('--jsonl followed by a folder or an image reads it as an input (JSON lines on stdout), in its place; --jsonl <file> still writes the file; --jsonl taking the only word says what to write instead', async () => {
  const linesOf = (stdout: string) => stdout.trim().split('\n').map((l) => (JSON.parse(l) as PredictedPhoto).file);
  const dir = await tempDir();
  const photos = join(dir, 'photos'); // its own: another test writes annotated copies into the shared one
  await mkdir(photos);
  await copyFile(COUPLE, join(photos, 'couple.jpg'));
  await copyFile(SINGLE, join(photos, 'single.jpg'));
  const folder = await emoscope(['predict', '--jsonl', photos, '--model', model]);
  assert.equal(folder.code, 0, folder.stderr);
  assert.deepEqual(linesOf(folder.stdout), [join(photos, 'couple.jpg'), join(photos, 'single.jpg')]);

  const image = await emoscope(['predict', SINGLE, '--jsonl', COUPLE, SINGLE, '--model', model]);
  assert.equal(image.code, 0, image.stderr);
  assert.deepEqual(linesOf(image.stdout), [SINGLE, COUPLE, SINGLE], 'the inputs in the order written');

  const file = join(dir, 'faces.jsonl');
  const documented = await emoscope(['predict', photos, '--jsonl', file, '--model', model]);
  assert.equal(documented.code, 0, documented.stderr);
  assert.equal(documented.stdout, '');
  assert.deepEqual(linesOf(await readFile(file, 'utf8')), [join(photos, 'couple.jpg'), join(photos, 'single.jpg')]);

  const notes = join(dir, 'notes.txt');
  const alone = await emoscope(['predict', '--jsonl', notes, '--model', model]);
  assert.equal(alone.code, 1);
  assert.equal(alone.stdout, '');
  assert.ok(alone.stderr.startsWith(`error: no photos to analyse: --jsonl took "${notes}" as the file to write the JSON lines to. For JSON lines on stdout write \`--jsonl - ${notes}\``), alone.stderr);
});

test('an unwritable --json is refused before any photo: only the message, naming the path and the problem', async () => {
  const dir = await tempDir();
  const { code, stdout, stderr } = await emoscope(['predict', photos, '--model', model, '--json', dir]);
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, `emoscope: Cannot write --json ${dir}: it is a folder; expected a file name (EISDIR)\n`);
});

test('two outputs onto one file, or a file name ending in a slash, are refused before any photo; nothing is written', async () => {
  const dir = await tempDir();
  const same = join(dir, 'a.out');
  // the same file not written yet, reached through a linked folder and through a link to it
  const linked = join(await tempDir(), 'linked');
  await symlink(dir, linked);
  await symlink(same, join(linked, 'link.out'));
  // ".." after a linked folder is the parent of the link's target (the kernel's reading), not the folder the link is in
  const deep = join(dir, 'deep', 'er');
  await mkdir(deep, { recursive: true });
  await symlink(deep, join(dir, 'up'));
  for (const flags of [['--json', same, '--csv', same], ['--jsonl', same, '--json', join(dir, '.', 'a.out')], ['--json', same, '--csv', join(linked, 'a.out')], ['--json', same, '--csv', join(dir, 'link.out')], ['--json', `${dir}/up/../a.out`, '--csv', join(dir, 'deep', 'a.out')]]) {
    const r = await emoscope(['predict', photos, '--model', model, ...flags]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^emoscope: Cannot write --(csv|json|jsonl) .*(a|link)\.out: --(json|jsonl) names the same file; give each output a file of its own\n$/);
  }
  const slash = await emoscope(['predict', photos, '--model', model, '--json', join(dir, 'new') + '/']);
  assert.equal(slash.code, 1);
  assert.match(slash.stderr, /Cannot write --json .*new\/: it ends in a slash, as a folder does; expected a file name/);
  assert.deepEqual((await readdir(dir)).sort(), ['deep', 'link.out', 'up'], 'nothing written beside the links');
  assert.deepEqual(await readdir(join(dir, 'deep')), ['er']);
});

test('train --out under a file and report --out onto a folder are refused before any data is read', async () => {
  const dir = await tempDir();
  const file = join(dir, 'notes.txt');
  await writeFile(file, 'a file');
  const trained = await emoscope(['train', '--data', FER_FOLDERS, '--model', 'tiny', '--epochs', '1', '--out', join(file, 'run')]);
  assert.equal(trained.code, 1);
  assert.equal(trained.stderr, `emoscope: Cannot write --out ${join(file, 'run')}: ${file} is a file, not a folder (ENOTDIR)\n`);
  const reported = await emoscope(['report', dir, '--out', dir]);
  assert.equal(reported.code, 1);
  assert.equal(reported.stderr, `emoscope: Cannot write --out ${dir}: it is a folder; expected a file name (EISDIR)\n`);
});
