// A model folder cannot make emoscope read anything outside it: weight paths that leave the folder
// (../, absolute, a symbolic link), that are not regular files (/dev/zero, a FIFO) or whose size is
// not what the manifest's shapes take are refused with BAD_MODEL naming the file, and so are
// emoscope.json and model.json when they are links out of the folder or too large. The same for the
// face detector's graph model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, cp, mkdir, readFile, symlink, truncate, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { initEngine } from '../src/engine/backend.js';
import { loadModelFolder, readModelMeta } from '../src/model/folder.js';
import { loadGraphModelFile } from '../src/vision/graph-model.js';
import { EmoscopeError } from '../src/errors.js';
import { REPO_ROOT, tempDir } from './helpers/paths.js';
import { tinyModelFolder } from './helpers/tiny-model.js';

const modelFolder = () => tinyModelFolder();

async function setWeightPath(dir: string, path: string): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = [path];
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
}

function badModel(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof EmoscopeError, `expected an EmoscopeError, got ${String(error)}`);
    assert.equal(error.code, 'BAD_MODEL', error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

test('a model folder loads as it was saved (the guards do not refuse a good one)', async () => {
  const { dir } = await modelFolder();
  const loaded = await loadModelFolder(dir);
  assert.equal(loaded.meta.architecture, 'tiny');
  loaded.model.dispose();
});

test('weight path ../elsewhere/weights.bin (a file of the right size outside the folder) → BAD_MODEL naming it', async () => {
  const { parent, dir } = await modelFolder();
  await mkdir(join(parent, 'elsewhere'));
  await copyFile(join(dir, 'weights.bin'), join(parent, 'elsewhere', 'weights.bin'));
  await setWeightPath(dir, '../elsewhere/weights.bin');
  await assert.rejects(loadModelFolder(dir), badModel(/elsewhere\/weights\.bin.*inside the folder/));
});

test('weight path /etc/passwd (absolute) → BAD_MODEL, the file is not opened', async () => {
  const { dir } = await modelFolder();
  await setWeightPath(dir, '/etc/passwd');
  await assert.rejects(loadModelFolder(dir), badModel(/\/etc\/passwd/));
});

test('weights.bin a symbolic link to a file outside the folder → BAD_MODEL (checked by real path)', async () => {
  const { parent, dir } = await modelFolder();
  await copyFile(join(dir, 'weights.bin'), join(parent, 'outside.bin'));
  await rm(join(dir, 'weights.bin'));
  await symlink(join(parent, 'outside.bin'), join(dir, 'weights.bin'));
  await assert.rejects(loadModelFolder(dir), badModel(/weights\.bin.*resolves to .*outside\.bin/));
});

test('weights.bin a link to /dev/zero, or a FIFO in the folder → BAD_MODEL, nothing read', async () => {
  const { dir } = await modelFolder();
  await rm(join(dir, 'weights.bin'));
  await symlink('/dev/zero', join(dir, 'weights.bin'));
  await assert.rejects(loadModelFolder(dir), badModel(/weights\.bin/));
  await rm(join(dir, 'weights.bin'));
  execFileSync('mkfifo', [join(dir, 'weights.bin')]);
  await assert.rejects(loadModelFolder(dir), badModel(/weights\.bin: expected a regular file but it is a FIFO/));
});

test('weights.bin a broken symbolic link → NOT_FOUND saying so and naming the missing target, not "no such file"', async () => {
  const { dir } = await modelFolder();
  await rm(join(dir, 'weights.bin'));
  await symlink('weights-v2.bin', join(dir, 'weights.bin'));
  await assert.rejects(loadModelFolder(dir), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError && error.code === 'NOT_FOUND', String(error));
    assert.equal(error.message, `${join(dir, 'weights.bin')}: a symbolic link whose target weights-v2.bin (${join(dir, 'weights-v2.bin')}) does not exist`);
    return true;
  });
});

test('weights.bin 4 bytes short, or 4 bytes long → BAD_MODEL naming it with the expected size', async () => {
  const { dir } = await modelFolder();
  const size = (await readFile(join(dir, 'weights.bin'))).length;
  await truncate(join(dir, 'weights.bin'), size - 4);
  await assert.rejects(loadModelFolder(dir), badModel(new RegExp(`weights\\.bin: expected ${size} bytes \\(the shapes and dtypes in model\\.json\\) but the file has ${size - 4}`)));
  await truncate(join(dir, 'weights.bin'), size + 4);
  await assert.rejects(loadModelFolder(dir), badModel(new RegExp(`weights\\.bin: expected ${size} bytes`)));
});

test('emoscope.json or model.json a link out of the folder, or larger than the cap → BAD_MODEL, not read', async () => {
  const { parent, dir } = await modelFolder();
  await cp(join(dir, 'emoscope.json'), join(parent, 'meta.json'));
  await rm(join(dir, 'emoscope.json'));
  await symlink(join(parent, 'meta.json'), join(dir, 'emoscope.json'));
  await assert.rejects(readModelMeta(dir), badModel(/emoscope\.json.*inside the folder/));
  await assert.rejects(loadModelFolder(dir), badModel(/emoscope\.json/));

  const other = await modelFolder();
  await truncate(join(other.dir, 'model.json'), 65 * 1024 * 1024); // sparse: no disk used
  await assert.rejects(loadModelFolder(other.dir), badModel(/model\.json: expected at most \d+ bytes/));
});

test('the detector\'s graph model: a weight path out of its folder or of the wrong size → BAD_MODEL naming it', async () => {
  await initEngine();
  const parent = await tempDir();
  const dir = join(parent, 'blazeface');
  await cp(join(REPO_ROOT, 'models', 'detector', 'blazeface'), dir, { recursive: true });
  const jsonPath = join(dir, 'blazeface.json');
  const json = JSON.parse(await readFile(jsonPath, 'utf8'));
  const original = json.weightsManifest[0].paths[0] as string;
  const model = await loadGraphModelFile(jsonPath); // as shipped: loads
  model.dispose();

  await cp(join(dir, original), join(parent, 'stolen.bin'));
  json.weightsManifest[0].paths = ['../stolen.bin'];
  await writeFile(jsonPath, JSON.stringify(json));
  await assert.rejects(loadGraphModelFile(jsonPath), badModel(/stolen\.bin.*inside the folder/));

  json.weightsManifest[0].paths = [original];
  await writeFile(jsonPath, JSON.stringify(json));
  const size = (await readFile(join(dir, original))).length;
  await truncate(join(dir, original), size - 8);
  await assert.rejects(loadGraphModelFile(jsonPath), badModel(new RegExp(`expected ${size} bytes`)));
});
