// `evaluate` from the library and the CLI: run folders resolve to best/, the JSON has the
// documented shape and agrees with the printed tables, bad --split and missing models are errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';

const run = promisify(execFile);
let runDir: string | undefined;

async function trainedRun(): Promise<string> {
  if (!runDir) {
    runDir = join(await tempDir(), 'run');
    await train({ data: FER_FOLDERS, model: 'tiny', out: runDir, epochs: 2, callbacks: {} });
  }
  return runDir;
}

test('evaluate on a run folder uses its best/ model and counts every test face', async () => {
  const result = await evaluate({ model: await trainedRun(), data: FER_FOLDERS, split: 'test' });
  assert.match(result.modelDir, /run[/\\]best$/);
  const n = result.report.n;
  assert.ok(n > 0);
  assert.equal(result.report.confusionMatrix.flat().reduce((a, b) => a + b, 0), n);
  const supports = Object.values(result.report.perClass).reduce((a, c) => a + c.support, 0);
  assert.equal(supports, n);
  assert.equal(result.probabilities.length, n * 7);
});

test('split all evaluates train, val and test together', async () => {
  const dir = await trainedRun();
  const parts = await Promise.all((['train', 'val', 'test'] as const).map((split) => evaluate({ model: dir, data: FER_FOLDERS, split })));
  const all = await evaluate({ model: dir, data: FER_FOLDERS, split: 'all' });
  assert.equal(all.report.n, parts.reduce((a, p) => a + p.report.n, 0));
});

test('emoscope evaluate --json writes the documented fields and prints the tables', async () => {
  const dir = await trainedRun();
  const jsonPath = join(await tempDir(), 'eval.json');
  const { stdout } = await run(process.execPath, [CLI, 'evaluate', '--model', dir, '--data', FER_FOLDERS, '--split', 'val', '--json', jsonPath]);
  const report = JSON.parse(await readFile(jsonPath, 'utf8'));
  assert.deepEqual(Object.keys(report).sort(), ['accuracy', 'confusionMatrix', 'ece', 'labels', 'n', 'perClass', 'reliability']);
  assert.ok(report.ece >= 0 && report.ece <= 1 && report.reliability.length === 15);
  assert.deepEqual(report.labels, ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
  assert.deepEqual(Object.keys(report.perClass.angry).sort(), ['f1', 'precision', 'recall', 'support']);
  assert.match(stdout, new RegExp(`accuracy ${report.accuracy.toFixed(3)} on ${report.n} faces`));
  assert.match(stdout, /Confusion matrix \(rows: true class, columns: predicted class\)/);
});

test('evaluate --skip-bad lists the rows it left out (line and problem) on stderr, and evaluates the others', async () => {
  const dir = await trainedRun();
  const csv = join(await tempDir(), 'fer2013.csv');
  const lines = (await readFile(join(FER_FOLDERS, '..', 'fer2013.csv'), 'utf8')).trimEnd().split('\n');
  await writeFile(csv, [...lines, '9,1 2 3,PrivateTest', ''].join('\n'));
  const all = await evaluate({ model: dir, data: csv, split: 'test', skipBad: true });
  assert.equal(all.skipped.length, 1);
  assert.match(all.skipped[0]!.where, new RegExp(`fer2013\\.csv:${lines.length + 1}$`));
  const { stdout, stderr } = await run(process.execPath, [CLI, 'evaluate', '--model', dir, '--data', csv, '--split', 'test', '--skip-bad']);
  assert.match(stderr, new RegExp(`Skipped 1 bad input:\\n  .*fer2013\\.csv:${lines.length + 1}: .*emotion`));
  assert.match(stdout, new RegExp(`on ${all.report.n} faces`));
});

test('a split without faces (a CSV with only its header) is BAD_DATA naming the file, the split and where its faces come from', async () => {
  const csv = join(await tempDir(), 'header-only.csv');
  await writeFile(csv, 'emotion,pixels,Usage\n');
  await assert.rejects(evaluate({ model: await trainedRun(), data: csv, split: 'test' }), (error: Error & { code?: string }) =>
    error.code === 'BAD_DATA' && /header-only\.csv: no faces in the test split \(FER2013's PrivateTest rows or files/.test(error.message));
});

test('a reader that closes the pipe early (| head) is no error: exit code 0, no stack trace, --json still written', async () => {
  const dir = await trainedRun();
  const jsonPath = join(await tempDir(), 'eval.json');
  const child = spawn(process.execPath, [CLI, 'evaluate', '--model', dir, '--data', FER_FOLDERS, '--split', 'val', '--json', jsonPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before the first line is written
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|at /);
  assert.equal(JSON.parse(await readFile(jsonPath, 'utf8')).n, 21);
});

test('a missing model folder and an unknown split are clear errors with exit code 1', async () => {
  const missing = run(process.execPath, [CLI, 'evaluate', '--model', '/nonexistent/model', '--data', FER_FOLDERS]);
  await assert.rejects(missing, (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /No model at \/nonexistent\/model: expected a model folder \(with model.json\) or a run folder/);
    return true;
  });
  await assert.rejects(evaluate({ model: await trainedRun(), data: FER_FOLDERS, split: 'dev' as 'test' }), /Expected one of test, val, train, all for split but received "dev"/);
});
