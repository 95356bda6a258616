// scripts/train-default-model.sh, the shipped model's recipe as one command: on a small data set it
// runs the ten stages with the card's settings (the last three on the training faces plus their
// detector crops) and ends in a weight average of two refreshed models; run again, it redoes only what
// is missing and leaves finished stages alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FER_FOLDERS, REPO_ROOT, tempDir } from './helpers/paths.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'train-default-model.sh');
const run = (runs: string) => spawnSync('bash', [SCRIPT, FER_FOLDERS, runs, '--limit', '35', '--epochs', '1'], { encoding: 'utf8' });
const json = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;

test('the recipe script runs the ten stages with the card\'s settings; run again, it redoes only what is missing', async () => {
  const runs = await tempDir();
  const first = run(runs);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /Done: .*emo-vgg-final/);

  const stage3 = await json(join(runs, 'emo-vgg-ft2b', 'config.json'));
  assert.equal(stage3['init'], join(runs, 'emo-vgg-ft', 'best'));
  assert.equal(stage3['learningRate'], 0.004);
  assert.equal(stage3['seed'], 2);
  const stage5 = await json(join(runs, 'emo-vgg-ft3n', 'config.json'));
  assert.equal(stage5['init'], join(runs, 'emo-vgg-ft2b-bn'));
  assert.deepEqual([stage5['augment'], stage5['schedule'], stage5['learningRate'], stage5['seed']], ['none', 'cosine', 0.001, 5]);
  const stage6 = (await json(join(runs, 'emo-vgg-ft3n-bn', 'emoscope.json')))['training'] as Record<string, unknown>;
  assert.equal(stage6['refreshedFrom'], 'emo-vgg-ft3n/last', 'refreshed from stage 5\'s last checkpoint (recorded without the machine\'s absolute path)');
  const stage8 = await json(join(runs, 'emo-vgg-det', 'config.json'));
  assert.deepEqual([stage8['init'], stage8['data']], [join(runs, 'emo-vgg-ft3n-bn'), join(runs, 'fer-detector')]);
  assert.deepEqual([stage8['augment'], stage8['schedule'], stage8['learningRate'], stage8['seed']], ['none', 'cosine', 0.0005, 8]);
  assert.match(first.stdout, /training faces: \d+ crops written now/, 'stage 7 crops the training faces through the detector');
  const stage8bn = (await json(join(runs, 'emo-vgg-det-bn', 'emoscope.json')))['training'] as Record<string, unknown>;
  assert.equal(stage8bn['refreshedFrom'], 'emo-vgg-det/last');
  const stage9 = await json(join(runs, 'emo-vgg-cap', 'config.json'));
  assert.deepEqual([stage9['init'], stage9['data']], [join(runs, 'emo-vgg-det-bn'), join(runs, 'fer-detector')]);
  assert.deepEqual([stage9['augment'], stage9['schedule'], stage9['learningRate'], stage9['seed']], ['capture', 'cosine', 0.0005, 10]);
  const final = (await json(join(runs, 'emo-vgg-final', 'emoscope.json')))['training'] as { average: { ingredients: { model: string; weight: number }[] } };
  assert.deepEqual(final.average.ingredients.map((g) => [g.model.split('/').pop(), g.weight]), [['emo-vgg-det-bn', 3], ['emo-vgg-cap-bn', 1]], 'three parts stage 8 to one part stage 9');

  const weights = join(runs, 'emo-vgg-ft2b', 'best', 'weights.bin');
  const before = (await stat(weights)).mtimeMs;
  await rm(join(runs, 'emo-vgg-final'), { recursive: true });
  const second = run(runs);
  assert.equal(second.status, 0, second.stderr);
  assert.equal((await stat(weights)).mtimeMs, before, 'a finished stage is not trained again');
  assert.match(second.stdout, /emo-vgg-ft2b-bn is done/);
  assert.match(second.stdout, /training faces: 0 crops written now/, 'crops already written are kept');
  assert.match(second.stdout, /emo-vgg-cap-bn is done/);
  assert.ok((await stat(join(runs, 'emo-vgg-final', 'emoscope.json'))).isFile(), 'the missing last stage is written again');

  const usage = spawnSync('bash', [SCRIPT], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: .*<fer2013 path> <runs folder>/);
});
