// The library's options objects are checked by name: a misspelt option (`splt`), one that belongs to
// another function, or a required path left out is refused with BAD_ARGUMENT naming it, before any
// work and without a raw TypeError, so that a typo in a script does not silently run with defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  averageModels, calibrateModel, decodeFrames, decodeImage, evaluate, float16Model, gatherRunReport, loadDataset, loadModel, refreshModelBatchNorm, resolveRecognizerOptions,
  resolveVideoOptions, saveModel, storeRunEvaluation, temperatureScaleModel, timelineSpec, train, writeRunReport, writeVideoOutputs,
} from '../src/index.js';
import type { TrackSummary } from '../src/index.js';
import { EmoscopeError, isEmoscopeError } from '../src/errors.js';
import { decodeResult } from '../src/batch/record.js';
import { manifestBytes } from '../src/model/weights-manifest.js';
import { FER_FOLDERS, FIXTURES, tempDir } from './helpers/paths.js';
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
  await refused(evaluate('model' as never), /Expected an options object with data for evaluate but received "model"/);
  assert.deepEqual(await readdir(join(out, '..')), [], 'nothing written');
});

test('a required path left out is named, not a TypeError', async () => {
  const { dir } = await tinyModelFolder();
  await refused(refreshModelBatchNorm({ model: dir, data: FER_FOLDERS } as never), /Expected a folder to write the model to for out but received nothing/);
  await refused(float16Model({ model: dir } as never), /for out but received nothing/);
  await refused(loadDataset(undefined as never), /Expected a data set path .* for data but received nothing/);
  await refused(averageModels({ out: 'x' } as never), /Expected a list of at least two model folders for models but received nothing/);
  await refused(averageModels({ models: [dir], out: 'x' }), /for models but received 1$/);
  const parent = await tempDir();
  const out = join(parent, 'run');
  await refused(train({ data: FER_FOLDERS, model: 'tiny' } as never), /^Expected a folder to write the run to for out but received nothing$/);
  await refused(train({ out } as never), /^Expected a data set path \(fer2013\.csv or a folder of images\) for data but received nothing$/);
  await refused(train({ data: FER_FOLDERS, out } as never), /^Expected an architecture name \(seed-base, .*tiny\), or init: a model folder whose architecture is trained for model but received nothing$/);
  await refused(train({ out: 5 } as never), /for out but received 5$/);
  await refused(train(undefined as never), /^Expected an options object with out, and for a new run data and model for train but received nothing$/);
  await refused(train({ resume: true } as never), /^Expected the folder of the run to resume for out but received nothing$/);
  await refused(loadModel({} as never), /^Expected the path of a model folder \(loadModel\(dir\)\) for dir but received an object$/);
  await refused(loadModel(undefined as never), /for dir but received nothing$/);
  await refused(writeRunReport({ run: dir } as never), /^Expected the path of a run folder \(writeRunReport\(runDir, \{ data, tta, out \}\)\) for runDir but received an object with run$/);
  await refused(gatherRunReport(5 as never), /for runDir but received 5$/);
  assert.deepEqual(await readdir(parent), [], 'nothing written');
});

test('averageModels weights: a list of one positive number per model, the wrong one shown as it came', async () => {
  const { dir } = await tinyModelFolder();
  const { dir: other } = await tinyModelFolder({}, 2);
  const out = join(await tempDir(), 'average');
  const models = [dir, other];
  await refused(averageModels({ models, out, weights: '1,2' as never }), /^Expected a list of one positive number per model \(2\) for weights but received "1,2"$/);
  await refused(averageModels({ models, out, weights: [1, '2'] as never }), /for weights but received \[1, "2"\]$/);
  await refused(averageModels({ models, out, weights: [1, -2] }), /for weights but received \[1, -2\]$/);
  await refused(averageModels({ models, out, weights: [1] }), /for weights but received \[1\]$/);
  await refused(averageModels({ models, out, weights: { a: 1 } as never }), /for weights but received an object with a$/);
});

test('every exported function with an options object checks its names (batches: batch-queue.test; buildServer: serve-api.test)', async () => {
  const { dir } = await tinyModelFolder();
  const photo = join(FIXTURES, 'fer2013', 'test', 'happy', (await readdir(join(FIXTURES, 'fer2013', 'test', 'happy')))[0]!);
  // Models, evaluations, photos, videos.
  const { model, meta } = await loadModel(dir);
  await refused(saveModel(join(await tempDir(), 'm'), model, meta, { precison: 'float16' } as never), /^Expected options named precision, inputs for saveModel but received "precison"$/);
  model.dispose();
  await refused(storeRunEvaluation(dir, 'val', {} as never, { dat: 'x' } as never), /for storeRunEvaluation but received "dat"$/);
  await refused(storeRunEvaluation(dir, 'val', {} as never, { pick: { mistake: 3 } } as never), /^Expected options named mistakes, correct for storeRunEvaluation pick but received "mistake"$/);
  await refused(decodeImage(photo, { maxPixel: 10 } as never), /^Expected options named maxPixels, maxSide, name for decodeImage but received "maxPixel"$/);
  assert.throws(() => resolveVideoOptions({ smoth: 1 } as never), /for video options but received "smoth"/);
  assert.throws(() => resolveVideoOptions([] as never), /^EmoscopeError: Expected an options object for video options but received an array of 0 items$/);
  await refused(decodeFrames('v.mp4', { width: 2, height: 2, stream: 0 } as never, { ahed: 2 } as never).next(), /^Expected options named ahead, sampleFps, everyFrame, reuseBuffers for decodeFrames but received "ahed"$/);
  const track: TrackSummary = { track: 1, start: 0, end: 1, emotion: 'happy', scores: { angry: 0, disgust: 0, fear: 0, happy: 1, sad: 0, surprise: 0, neutral: 0 }, segments: [] };
  assert.throws(() => timelineSpec(track, [], { titel: 'x' } as never), /^EmoscopeError: Expected options named title for timelineSpec but received "titel"$/);
  await refused(writeVideoOutputs('v.mp4', (async function* () {})(), { json: {} as never, stem: 'v', outDir: 'x' } as never), /for writeVideoOutputs targets but received "outDir"$/);
  assert.throws(() => resolveRecognizerOptions([] as never), /^EmoscopeError: Expected an options object for options but received an array of 0 items$/);
  // Training's callbacks are an options object too.
  const out = join(await tempDir(), 'run');
  await refused(train({ data: FER_FOLDERS, model: 'tiny', out, callbacks: { onEpochEnded: () => undefined } } as never), /^Expected options named onTrainBegin, .* for train callbacks but received "onEpochEnded"$/);
  await refused(train({ data: FER_FOLDERS, model: 'tiny', out, callbacks: { onWarning: 'log' } } as never), /^Expected a function for callbacks\.onWarning but received "log"$/);
});

test('names are looked up among a registry\'s own: constructor, toString or __proto__ are no detector and no split folder', async () => {
  for (const detector of ['constructor', 'toString', '__proto__']) {
    assert.throws(() => resolveRecognizerOptions({ detector } as never), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT' && e.message === `Expected one of blazeface for detector but received "${detector}"`);
  }
  // A folder named like an Object.prototype member is a class folder like any other: an unknown emotion, not a split.
  const data = await tempDir();
  const happy = join(FER_FOLDERS, 'train', 'happy');
  for (const folder of ['constructor/happy', 'happy']) {
    await mkdir(join(data, folder), { recursive: true });
    await copyFile(join(happy, (await readdir(happy))[0]!), join(data, folder, 'face.jpg'));
  }
  await assert.rejects(loadDataset(data), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_DATA' && /Unknown emotion folder "constructor"/.test(e.message));
  // Codes and dtypes read from files and Redis: a prototype name is no error code and no dtype.
  assert.equal(isEmoscopeError({ name: 'EmoscopeError', code: 'toString', message: 'x' }), false);
  assert.equal(decodeResult(`f${JSON.stringify(['a.jpg', 'constructor', 'broken'])}`).errorCode, 'INTERNAL');
  assert.equal(manifestBytes([{ name: 'w', shape: [2], dtype: 'constructor' as never }], 'model.json'), undefined);
});
