// Writing a model replaces its whole folder (atomically), so a model is written only where that
// loses nothing: never over the model it was made from (or a folder holding it), never over a folder
// with files that are not a model's. The derive commands (float16, average, refresh-bn, temperature,
// calibrate) refuse such an --out before any work with BAD_OUTPUT; writing again over their own
// earlier output works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkModelFolderOutput, loadModelFolder, saveModelFolder } from '../src/model/folder.js';
import { EmoscopeError } from '../src/errors.js';
import { CLI, FER_FOLDERS } from './helpers/paths.js';
import { TINY_META, tinyModelFolder } from './helpers/tiny-model.js';

function emoscope(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

test('--out the input model, or a folder holding it: refused, the model and its card untouched', async () => {
  const { parent, dir } = await tinyModelFolder();
  await writeFile(join(dir, 'MODEL_CARD.md'), '# my model\n');
  const before = await readFile(join(dir, 'weights.bin'));
  for (const args of [
    ['float16', '--model', dir, '--out', dir],
    ['float16', '--model', dir, '--out', parent],
    ['average', dir, dir, '--out', dir],
    ['refresh-bn', '--model', dir, '--data', FER_FOLDERS, '--out', join(dir, '.')],
    ['temperature', '--model', dir, '--data', FER_FOLDERS, '--out', dir],
    ['calibrate', '--model', dir, '--data', FER_FOLDERS, '--out', dir],
  ]) {
    const r = emoscope(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /Cannot write the model folder .*: it (is|holds) the input model .*, which emoscope never overwrites/, args.join(' '));
  }
  const inside = emoscope('float16', '--model', dir, '--out', join(dir, 'half'));
  assert.equal(inside.status, 1, inside.stderr);
  assert.match(inside.stderr, /Cannot write the model folder .*half: it is inside the input model .*, whose folder holds only a model's files/);
  assert.deepEqual((await readdir(dir)).sort(), ['MODEL_CARD.md', 'emoscope.json', 'model.json', 'weights.bin']);
  assert.deepEqual(await readFile(join(dir, 'weights.bin')), before);
});

test('--out a folder with other files: refused naming one, nothing deleted; a new, an empty or an earlier output folder is written', async () => {
  const { parent, dir } = await tinyModelFolder();
  const notes = join(parent, 'notes');
  await mkdir(notes);
  await writeFile(join(notes, 'holiday.txt'), 'keep me');
  const refused = emoscope('float16', '--model', dir, '--out', notes);
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /Cannot write the model folder .*notes: it holds a file that is not a model's \(holiday\.txt\)/);
  assert.equal(await readFile(join(notes, 'holiday.txt'), 'utf8'), 'keep me');
  const empty = join(parent, 'empty');
  await mkdir(empty);
  for (const out of [join(parent, 'new'), empty, join(parent, 'new')]) {
    const r = emoscope('float16', '--model', dir, '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['emoscope.json', 'model.json', 'weights.bin']);
  }
});

test('the library: saveModel refuses a folder with other files or one of its inputs (BAD_OUTPUT), and overwrites its own model folder', async () => {
  const { parent, dir } = await tinyModelFolder();
  const { model } = await loadModelFolder(dir);
  const code = (expected: RegExp) => (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_OUTPUT' && expected.test(error.message);
  await assert.rejects(saveModelFolder(parent, model, TINY_META), code(/it holds a file that is not a model's \(model\)/));
  await assert.rejects(saveModelFolder(dir, model, TINY_META, { inputs: [dir] }), code(/it is the input model/));
  await assert.rejects(checkModelFolderOutput(join(dir, 'weights.bin')), code(/it is a file, expected a folder/));
  await saveModelFolder(dir, model, { ...TINY_META, createdAt: new Date(1).toISOString() });
  assert.equal((await loadModelFolder(dir)).meta.createdAt, new Date(1).toISOString());
  model.dispose();
});
