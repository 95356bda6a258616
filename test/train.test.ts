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
  await writeFile(join(started, 'config.json'), '{}'); // a start stopped before its first checkpoint
  await train({ data: FER_FOLDERS, model: 'tiny', out: started, epochs: 1, callbacks: quiet });
  assert.equal(JSON.parse(await readFile(join(started, 'config.json'), 'utf8')).model, 'tiny');
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
