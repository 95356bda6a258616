// Weight averaging ("model soup"): the average is the element-wise mean of the weights; models of
// another architecture are refused by name; greedy mode, measured on validation faces, leaves out
// an ingredient that would make the average worse, and the accuracy it reports is the one measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { averageWeights } from '../src/model/average.js';
import { addClassOffsets } from '../src/model/class-offsets.js';
import { loadModelFolder, saveModelFolder } from '../src/model/folder.js';
import { DEFAULT_PREPROCESSING } from '../src/model/meta.js';
import type { ModelMeta } from '../src/model/meta.js';
import { getArchitecture } from '../src/model/registry.js';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { EMOTIONS } from '../src/types.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';

const meta = (architecture: string): ModelMeta => ({
  format: 'emoscope-model', version: 1, labels: [...EMOTIONS], inputShape: [48, 48, 1],
  preprocessing: DEFAULT_PREPROCESSING, architecture, parameters: 0, createdAt: new Date(0).toISOString(),
});

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, 'average', ...args], { encoding: 'utf8' });

/** Two untrained `tiny` models from `seeds`, saved as <dir>/a and <dir>/b. */
async function twoTinyModels(dir: string, seeds: readonly [number, number]): Promise<tfl.LayersModel[]> {
  await initEngine();
  const tiny = getArchitecture('tiny');
  const models = seeds.map((seed) => tiny.build({ seed, classes: 7, inputSize: 48 }));
  await saveModelFolder(join(dir, 'a'), models[0]!, meta('tiny'));
  await saveModelFolder(join(dir, 'b'), models[1]!, meta('tiny'));
  return models;
}

test('emoscope average writes the mean of the weights; another architecture is refused by name', async () => {
  const dir = await tempDir();
  const [a, b] = await twoTinyModels(dir, [1, 2]);
  const out = join(dir, 'avg');
  const run = cli(join(dir, 'a'), join(dir, 'b'), '--out', out);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /nothing measured/);
  const averaged = await loadModelFolder(out);
  const [wa, wb, wo] = [a!, b!, averaged.model].map((m) => m.getWeights().map((w) => w.dataSync()));
  assert.equal(wo!.length, wa!.length);
  wo!.forEach((w, i) => w.forEach((x, j) => assert.ok(Math.abs(x - (wa![i]![j]! + wb![i]![j]!) / 2) < 1e-6, `weight ${i}[${j}]`)));
  const written = JSON.parse(await readFile(join(out, 'emoscope.json'), 'utf8'));
  assert.equal(written.training.average.ingredients.length, 2);

  const other = getArchitecture('seed-base').build({ seed: 1, classes: 7, inputSize: 48 });
  assert.throws(() => averageWeights([{ model: a!, name: 'a' }, { model: other, name: 'the-other' }]), /the-other has \d+ weight tensors|the-other: weight tensor \d+ has shape/);
  await saveModelFolder(join(dir, 'c'), other, meta('seed-base'));
  const refused = cli(join(dir, 'a'), join(dir, 'c'), '--out', join(dir, 'no'));
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /c is seed-base but .*a is tiny/);
  const alone = cli(join(dir, 'a'), '--out', join(dir, 'no'));
  assert.notEqual(alone.status, 0);
  assert.match(alone.stderr, /at least two model folders/);
  const blind = cli(join(dir, 'a'), join(dir, 'b'), '--greedy', '--out', join(dir, 'no'));
  assert.notEqual(blind.status, 0);
  assert.match(blind.stderr, /--data/);
  for (const m of [a!, b!, other, averaged.model]) m.dispose();
});

test('average --weights 3,1 goes three quarters of the way to the first model, as naming it three times does, and says so', async () => {
  const dir = await tempDir();
  const [a, b] = await twoTinyModels(dir, [3, 4]);
  const weighted = cli(join(dir, 'a'), join(dir, 'b'), '--weights', '3,1', '--out', join(dir, 'w'));
  assert.equal(weighted.status, 0, weighted.stderr);
  assert.match(weighted.stdout, /\| .*a \| – \| 3 parts \|/);
  const repeated = cli(join(dir, 'a'), join(dir, 'a'), join(dir, 'a'), join(dir, 'b'), '--out', join(dir, 'r'));
  assert.equal(repeated.status, 0, repeated.stderr);
  const [wa, wb, ww, wr] = await Promise.all([a!, b!].map(async (m) => m.getWeights().map((w) => w.dataSync())).concat(
    ['w', 'r'].map(async (name) => {
      const loaded = await loadModelFolder(join(dir, name));
      const values = loaded.model.getWeights().map((w) => w.dataSync());
      loaded.model.dispose();
      return values;
    })));
  ww!.forEach((w, i) => w.forEach((x, j) => {
    assert.ok(Math.abs(x - (3 * wa![i]![j]! + wb![i]![j]!) / 4) < 1e-5, `weight ${i}[${j}]: ${x}`);
    assert.ok(Math.abs(x - wr![i]![j]!) < 1e-5, `weight ${i}[${j}] differs from the repeated average`);
  }));
  const written = JSON.parse(await readFile(join(dir, 'w', 'emoscope.json'), 'utf8'));
  assert.deepEqual(written.training.average.ingredients.map((g: { weight: number }) => g.weight), [3, 1]);

  for (const [args, message] of [
    [['--weights', '3'], /one positive number per model \(2\)/],
    [['--weights', '3,-1'], /positive numbers separated by commas .* received "3,-1"/],
    [['--weights', '3,,1'], /positive numbers separated by commas/],
    [['--weights', '3,1', '--greedy', '--data', FER_FOLDERS], /emoscope: weights and greedy cannot be used together: weights fix each model's share, greedy chooses which models to keep/],
  ] as const) {
    const refused = cli(join(dir, 'a'), join(dir, 'b'), ...args, '--out', join(dir, 'no'));
    assert.notEqual(refused.status, 0, args.join(' '));
    assert.match(refused.stderr, message);
  }
  await symlink(join(dir, 'a'), join(dir, 'link'));
  const same = cli(join(dir, 'a'), join(dir, 'link'), '--out', join(dir, 'no'));
  assert.equal(same.status, 1);
  assert.match(same.stderr, /models: .*a, .*link are all the same model folder; their average is that model/);
  await assert.rejects(readFile(join(dir, 'no', 'emoscope.json')), 'nothing written');
  for (const m of [a!, b!]) m.dispose();
});

test('greedy averaging leaves out a model that makes the average worse; plain averaging keeps it', async () => {
  const dir = await tempDir();
  const good = join(dir, 'run');
  await train({ data: FER_FOLDERS, model: 'tiny', out: good, epochs: 2, callbacks: {} });
  // A broken ingredient: the same model with a huge bonus for disgust answers disgust for every face.
  const broken = await loadModelFolder(join(good, 'best'));
  addClassOffsets(broken.model, EMOTIONS.map((e) => (e === 'disgust' ? 40 : 0)));
  await saveModelFolder(join(dir, 'broken'), broken.model, broken.meta);
  const goodAccuracy = (await evaluate({ model: good, data: FER_FOLDERS, split: 'val' })).report.accuracy;
  const brokenAccuracy = (await evaluate({ model: join(dir, 'broken'), data: FER_FOLDERS, split: 'val' })).report.accuracy;
  assert.ok(goodAccuracy > brokenAccuracy, `setup: the trained model (${goodAccuracy}) beats the broken one (${brokenAccuracy})`);

  const greedy = join(dir, 'greedy');
  const run = cli(join(dir, 'broken'), good, '--data', FER_FOLDERS, '--greedy', '--out', greedy);
  assert.equal(run.status, 0, run.stderr);
  const rows = run.stdout.split('\n').filter((l) => l.startsWith('| /'));
  assert.match(rows[0]!, /run\/best \| [\d.]+ \| yes/, 'the better model first, kept');
  assert.match(rows[1]!, /broken \| [\d.]+ \| no/, 'the broken one left out');
  const measured = await evaluate({ model: greedy, data: FER_FOLDERS, split: 'val' });
  assert.equal(measured.report.accuracy.toFixed(4), goodAccuracy.toFixed(4));
  assert.match(run.stdout, new RegExp(`\\| average of 1 \\| ${goodAccuracy.toFixed(4)} \\|`));

  const plain = join(dir, 'plain');
  const all = cli(join(dir, 'broken'), good, '--data', FER_FOLDERS, '--out', plain);
  assert.equal(all.status, 0, all.stderr);
  const reported = Number(/\| average of 2 \| ([\d.]+) \|/.exec(all.stdout)![1]);
  const plainAccuracy = (await evaluate({ model: plain, data: FER_FOLDERS, split: 'val' })).report.accuracy;
  assert.equal(plainAccuracy.toFixed(4), reported.toFixed(4));
  assert.ok(plainAccuracy < goodAccuracy, `the broken ingredient drags the plain average down: ${plainAccuracy} vs ${goodAccuracy}`);
  broken.model.dispose();
});
