// The training loop on the committed FER2013 fixture: loss goes down, the run folder has what
// users rely on, a run killed with SIGKILL resumes to the same history as an uninterrupted one,
// and no tensor leaks across steps and predictions, in one thread and on 2 gradient workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { train } from '../src/train/train.js';
import type { History } from '../src/metrics/history.js';
import { loadModelFolder } from '../src/model/folder.js';
import { loadDataset } from '../src/data/load.js';
import { predictProbabilities } from '../src/model/inference.js';
import { initEngine } from '../src/engine/backend.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';
import { EmoscopeError } from '../src/errors.js';
import { tinyModelFolder } from './helpers/tiny-model.js';

const quiet = {};

test('seed-tuned learns the fixture: training loss goes down over 6 epochs', async () => {
  const out = join(await tempDir(), 'run');
  const result = await train({ data: FER_FOLDERS, model: 'seed-tuned', out, epochs: 6, batchSize: 32, patience: 0, callbacks: quiet });
  const losses = result.history.epochs.map((e) => e.loss);
  assert.equal(losses.length, 6);
  assert.ok(losses[5]! < losses[0]! * 0.8, `expected the last epoch's loss well below the first's, got ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
});

test('a run folder holds best/, last/, history.json and config.json in the documented shapes', async () => {
  const out = join(await tempDir(), 'run');
  await train({ data: FER_FOLDERS, model: 'tiny', out, epochs: 2, callbacks: quiet });
  const entries = await readdir(out);
  for (const name of ['best', 'last', 'history.json', 'config.json']) assert.ok(entries.includes(name), `${name} missing in ${entries}`);
  const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as History;
  assert.deepEqual(history.epochs.map((e) => e.epoch), [1, 2]);
  for (const e of history.epochs) {
    assert.deepEqual(Object.keys(e).sort(), ['acc', 'epoch', 'loss', 'seconds', 'valAcc', 'valLoss']);
    assert.ok(e.seconds > 0);
  }
  const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
  assert.equal(config.model, 'tiny');
  for (const key of ['callbacks', 'signal', 'resume', 'dataset']) assert.ok(!(key in config), `config.json holds "${key}"`);
  const evaluation = JSON.parse(await readFile(join(out, 'evaluation-val.json'), 'utf8'));
  assert.equal(evaluation.n, 21); // the fixture's 21 validation faces, evaluated with best/
  assert.equal(config.epochs, 2);
  const best = await loadModelFolder(join(out, 'best'));
  assert.equal(best.meta.architecture, 'tiny');
  assert.deepEqual(best.meta.labels, ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
  best.model.dispose();
});

test('an existing run is not overwritten without --resume', async () => {
  const out = join(await tempDir(), 'run');
  await train({ data: FER_FOLDERS, model: 'tiny', out, epochs: 1, callbacks: quiet });
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out, epochs: 1, callbacks: quiet }), /already holds a run: pass --resume/);
});

test('a new run never writes into a folder holding other files; an empty folder or a start that never checkpointed is fine', async () => {
  const dir = await tempDir();
  const mine = join(dir, 'mine');
  await mkdir(mine);
  await writeFile(join(mine, 'notes.txt'), 'keep me');
  await writeFile(join(mine, 'config.json'), '{"mine": true}');
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out: mine, epochs: 1, callbacks: quiet }), (error: unknown) =>
    error instanceof EmoscopeError && error.code === 'BAD_OUTPUT' && /Cannot start a run in .*mine: it holds files a run does not write \(notes\.txt\)/.test(error.message));
  assert.equal(await readFile(join(mine, 'config.json'), 'utf8'), '{"mine": true}', 'nothing written before the refusal');
  const started = join(dir, 'started');
  await mkdir(started);
  // a start killed before its first checkpoint: its config.json (a run's), nothing else
  await writeFile(join(started, 'config.json'), JSON.stringify({ data: FER_FOLDERS, model: 'seed-tuned', out: started, epochs: 5 }));
  await train({ data: FER_FOLDERS, model: 'tiny', out: started, epochs: 1, callbacks: quiet });
  assert.equal(JSON.parse(await readFile(join(started, 'config.json'), 'utf8')).model, 'tiny');
});

test('every check comes before anything is written: a run that fails them leaves no folder and no config.json', async () => {
  const dir = await tempDir();
  const out = join(dir, 'new-run');
  await assert.rejects(train({ data: join(dir, 'nope'), model: 'tiny', out, epochs: 1, callbacks: quiet }), (e: unknown) => e instanceof EmoscopeError && e.code === 'NOT_FOUND');
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out, epochs: 1, limit: -1, callbacks: quiet }), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT');
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out, epochs: 1, teacher: join(dir, 'no-teacher'), callbacks: quiet }), (e: unknown) => e instanceof EmoscopeError && e.code === 'NOT_FOUND');
  // found only once the data has loaded: a model to start from of another architecture
  const { dir: tiny } = await tinyModelFolder();
  await assert.rejects(train({ data: FER_FOLDERS, model: 'seed-tuned', init: tiny, out, epochs: 1, callbacks: quiet }), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_MODEL' && /it is a tiny model, this run trains seed-tuned/.test(e.message));
  // into an empty folder of the user's: still empty afterwards
  const empty = join(dir, 'empty');
  await mkdir(empty);
  await assert.rejects(train({ data: join(dir, 'nope'), model: 'tiny', out: empty, epochs: 1, callbacks: quiet }), /no such file or folder/);
  assert.ok(!(await readdir(dir)).includes('new-run'), `${out} left behind`);
  assert.deepEqual(await readdir(empty), []);
  // the CLI as a user runs it
  const cli = await runCli(['train', '--data', join(dir, 'nope'), '--model', 'tiny', '--out', out, '--epochs', '1']);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /no such file or folder/);
  assert.ok(!(await readdir(dir)).includes('new-run'), `${out} left behind`);
});

test('a folder that is not a run to resume keeps its config.json: results without a checkpoint, or a config.json of another kind, are refused in words', async () => {
  const dir = await tempDir();
  const finished = join(dir, 'finished');
  await mkdir(join(finished, 'best'), { recursive: true });
  const mine = '{"model": "seed-tuned", "data": "mine", "epochs": 3, "note": "the run I published"}';
  await writeFile(join(finished, 'config.json'), mine);
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out: finished, epochs: 1, callbacks: quiet }), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_OUTPUT'
    && /^Cannot start a run in .*finished: it holds a run's results \(best\/\) but no checkpoint \(last\/\) to resume it from, and a new run would write over them; choose a new or empty folder$/.test(e.message));
  assert.equal(await readFile(join(finished, 'config.json'), 'utf8'), mine);
  assert.deepEqual((await readdir(finished)).sort(), ['best', 'config.json']);
  const other = join(dir, 'other');
  await mkdir(other);
  await writeFile(join(other, 'config.json'), '{"port": 8080}');
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out: other, epochs: 1, callbacks: quiet }), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_OUTPUT'
    && /^Cannot start a run in .*other: its config\.json would be written over, and it is not a training run's configuration/.test(e.message));
  assert.equal(await readFile(join(other, 'config.json'), 'utf8'), '{"port": 8080}');
  // a moved-aside checkpoint (a writer killed while replacing last/) is a run to resume, as last/ is
  const moved = join(dir, 'moved');
  await mkdir(join(moved, 'last.old-99999999'), { recursive: true });
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out: moved, epochs: 1, callbacks: quiet }), /already holds a run: pass --resume/);
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out: file, epochs: 1, callbacks: quiet }), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_OUTPUT' && /it exists and is not a folder/.test(e.message));
  // the CLI names the folder and leaves it as it was
  const cli = await runCli(['train', '--data', FER_FOLDERS, '--model', 'tiny', '--out', finished, '--epochs', '1']);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /Cannot start a run in .*finished: it holds a run's results/);
  assert.equal(await readFile(join(finished, 'config.json'), 'utf8'), mine);
});

test('--init starts from a trained model\'s weights, takes its architecture, and refuses another architecture', async () => {
  const dir = await tempDir();
  const source = join(dir, 'source');
  await train({ data: FER_FOLDERS, model: 'tiny', out: source, epochs: 2, callbacks: quiet });
  // A near-zero learning rate: the fine-tuned model must still be the source model, not a fresh initialization.
  const tuned = join(dir, 'tuned');
  await train({ data: FER_FOLDERS, model: '', init: join(source, 'best'), out: tuned, epochs: 1, learningRate: 1e-12, callbacks: quiet });
  const config = JSON.parse(await readFile(join(tuned, 'config.json'), 'utf8'));
  assert.equal(config.model, 'tiny');
  assert.equal(config.init, join(source, 'best'));
  const before = await loadModelFolder(join(source, 'best'));
  const after = await loadModelFolder(join(tuned, 'best'));
  const kernel = (m: typeof before) => m.model.getWeights()[0]!.dataSync();
  const maxDiff = (a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
  assert.ok(maxDiff(kernel(before), kernel(after)) < 1e-6, 'the first kernel moved away from the --init weights');
  for (const m of [before, after]) m.model.dispose();
  await assert.rejects(
    train({ data: FER_FOLDERS, model: 'seed-tuned', init: join(source, 'best'), out: join(dir, 'other'), epochs: 1, callbacks: quiet }),
    /--init .*best: it is a tiny model, this run trains seed-tuned/,
  );
});

/** Runs the CLI; resolves with its exit code and stderr. `onStderr` may kill it. */
function runCli(args: string[], onStderr?: (text: string, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

for (const workers of [1, 2]) test(`--workers ${workers}: a run killed with SIGKILL mid-epoch resumes to the same history as an uninterrupted run`, async () => {
  const dir = await tempDir();
  const args = (out: string) => ['train', '--data', FER_FOLDERS, '--model', 'tiny', '--out', out, '--epochs', '4', '--batch-size', '8', '--patience', '0', '--workers', String(workers)];
  const full = await runCli(args(join(dir, 'full')));
  assert.equal(full.code, 0, full.stderr);
  assert.match(full.stderr, /\nNext: `emoscope report .*full` writes one HTML page about this run/, 'after training, one line suggests the report');

  const killed = await runCli(args(join(dir, 'killed')), (text, kill) => {
    if (/epoch 3\/4 \d+\/\d+ loss/.test(text)) kill(); // inside epoch 3, after epoch 2's checkpoint
  });
  assert.equal(killed.signal, 'SIGKILL', `expected the run to be killed; it ended with ${killed.code}: ${killed.stderr}`);
  const partial = JSON.parse(await readFile(join(dir, 'killed', 'history.json'), 'utf8')) as History;
  assert.deepEqual(partial.epochs.map((e) => e.epoch), [1, 2]);

  const resumed = await runCli(['train', '--out', join(dir, 'killed'), '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming at epoch 3/);
  const a = JSON.parse(await readFile(join(dir, 'full', 'history.json'), 'utf8')) as History;
  const b = JSON.parse(await readFile(join(dir, 'killed', 'history.json'), 'utf8')) as History;
  assert.equal(b.epochs.length, 4);
  for (let i = 0; i < 4; i++) {
    for (const key of ['loss', 'acc', 'valLoss', 'valAcc'] as const) {
      assert.ok(Math.abs(a.epochs[i]![key] - b.epochs[i]![key]) < 1e-5, `epoch ${i + 1} ${key}: ${a.epochs[i]![key]} uninterrupted vs ${b.epochs[i]![key]} resumed`);
    }
  }
});

for (const workers of [1, 2]) test(`--workers ${workers}: no tensor leaks across training steps, validation and predictions`, async () => {
  await initEngine();
  const dataset = await loadDataset(FER_FOLDERS, { splits: ['val'] });
  const out = join(await tempDir(), 'run');
  await train({ data: FER_FOLDERS, model: 'tiny', out, epochs: 1, workers, callbacks: quiet });
  const before = tf.memory().numTensors;
  await train({ data: FER_FOLDERS, model: 'tiny', out, epochs: 3, resume: true, workers, callbacks: quiet });
  assert.equal(tf.memory().numTensors, before, 'training two more epochs left tensors behind');
  const { model, meta } = await loadModelFolder(join(out, 'best'));
  const afterLoad = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) predictProbabilities(model, dataset.splits.val, meta.preprocessing, 16);
  assert.equal(tf.memory().numTensors, afterLoad, 'predictions left tensors behind');
  model.dispose();
});
