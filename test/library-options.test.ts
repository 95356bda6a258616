// The library's options objects are checked by name: a misspelt option (`splt`), one that belongs to
// another function, or a required path left out is refused with BAD_ARGUMENT naming it, before any
// work and without a raw TypeError, so that a typo in a script does not silently run with defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { averageModels, calibrateModel, evaluate, float16Model, loadDataset, refreshModelBatchNorm, temperatureScaleModel, train, writeRunReport } from '../src/index.js';
import { EmoscopeError } from '../src/errors.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';
import { tinyModelFolder } from './helpers/tiny-model.js';

/** Rejects with BAD_ARGUMENT whose message matches `message`. */
async function refused(work: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof EmoscopeError, String(error));
    assert.equal(error.code, 'BAD_ARGUMENT');
    assert.match(error.message, message);
    return true;
  });
}

test('a misspelt option is refused by name, with the names each function takes', async () => {
  const { dir } = await tinyModelFolder();
  const out = join(await tempDir(), 'out');
  await refused(loadDataset(FER_FOLDERS, { splt: ['test'] } as never), /Expected options named splits, limit, .* for loadDataset but received "splt"/);
  await refused(evaluate({ model: dir, data: FER_FOLDERS, splt: 'val' } as never), /for evaluate but received "splt"/);
  await refused(float16Model({ model: dir, out, dta: FER_FOLDERS } as never), /for float16Model but received "dta"/);
  await refused(refreshModelBatchNorm({ model: dir, data: FER_FOLDERS, out, batch: 8 } as never), /options named model, data, out, batchSize, limit, .* for refreshModelBatchNorm but received "batch"/);
  await refused(temperatureScaleModel({ model: dir, data: FER_FOLDERS, out, tta: 'flip' } as never), /for temperatureScaleModel but received "tta"/);
  await refused(calibrateModel({ model: dir, data: FER_FOLDERS, out, minRecal: 0.3 } as never), /for calibrateModel but received "minRecal"/);
  await refused(averageModels({ models: [dir, dir], out, greed: true } as never), /for averageModels but received "greed"/);
  await refused(writeRunReport(dir, { output: 'r.html' } as never), /for writeRunReport but received "output"/);
  await refused(train({ data: FER_FOLDERS, model: 'tiny-cnn', out, epoch: 1 } as never), /for train but received "epoch"/);
  await refused(evaluate('model' as never), /Expected an object for evaluate but received "model"/);
  assert.deepEqual(await readdir(join(out, '..')), [], 'nothing written');
});

test('a required path left out is named, not a TypeError', async () => {
  const { dir } = await tinyModelFolder();
  await refused(refreshModelBatchNorm({ model: dir, data: FER_FOLDERS } as never), /Expected a folder to write the model to for out but received nothing/);
  await refused(float16Model({ model: dir } as never), /for out but received nothing/);
  await refused(loadDataset(undefined as never), /Expected a data set path .* for data but received nothing/);
  await refused(averageModels({ out: 'x' } as never), /Expected a list of at least two model folders for models but received nothing/);
  await refused(averageModels({ models: [dir], out: 'x' }), /for models but received 1$/);
});
