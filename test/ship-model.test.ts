// scripts/ship-model.ts, which makes a run's model the shipped one: the figures go into the model's
// emoscope.json, and the folder's own documents (the model card) survive the replacement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { train } from '../src/train/train.js';
import { FER_FOLDERS, REPO_ROOT, tempDir } from './helpers/paths.js';

const SCRIPT = join(REPO_ROOT, 'dist', 'scripts', 'ship-model.js');

test('ship-model replaces the model files, records both splits\' figures and keeps the model card', async () => {
  const dir = await tempDir();
  await train({ data: FER_FOLDERS, model: 'tiny', out: join(dir, 'run'), epochs: 1, callbacks: {} });
  const out = join(dir, 'default');
  await mkdir(out);
  await writeFile(join(out, 'MODEL_CARD.md'), '# the card\n');
  await writeFile(join(out, 'weights.bin'), 'old weights');
  const shipped = spawnSync(process.execPath, [SCRIPT, '--run', join(dir, 'run'), '--data', FER_FOLDERS, '--out', out], { encoding: 'utf8' });
  assert.equal(shipped.status, 0, shipped.stderr);
  assert.equal(await readFile(join(out, 'MODEL_CARD.md'), 'utf8'), '# the card\n', 'the card is carried over');
  assert.notEqual(await readFile(join(out, 'weights.bin'), 'utf8'), 'old weights', 'the model files are replaced');
  const meta = JSON.parse(await readFile(join(out, 'emoscope.json'), 'utf8')) as { metrics: Record<string, { accuracy: number }> };
  for (const key of ['val', 'test', 'test-tta-flip']) assert.equal(typeof meta.metrics[key]?.accuracy, 'number', key);
});
