// Model folders: a save/load round trip keeps predictions, TF.js's own HTTP loader (what a
// browser uses) reads the folder as it is, a crash between the two renames of an atomic save is
// recovered, and a folder with another label set is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../src/engine/backend.js';
import { getArchitecture } from '../src/model/registry.js';
import { loadModelFolder, saveModelFolder } from '../src/model/folder.js';
import { DEFAULT_PREPROCESSING } from '../src/model/meta.js';
import type { ModelMeta } from '../src/model/meta.js';
import { EMOTIONS } from '../src/types.js';
import { tempDir } from './helpers/paths.js';
import { loadOverHttp } from './helpers/http-model.js';

const meta: ModelMeta = {
  format: 'emoscope-model', version: 1, labels: [...EMOTIONS], inputShape: [48, 48, 1],
  preprocessing: DEFAULT_PREPROCESSING, architecture: 'tiny', parameters: 0, createdAt: new Date(0).toISOString(),
};

function buildTiny(): tfl.Sequential {
  return getArchitecture('tiny').build({ seed: 7, classes: 7, inputSize: 48 });
}

test('save then load gives the same predictions', async () => {
  await initEngine();
  const dir = join(await tempDir(), 'model');
  const model = buildTiny();
  await saveModelFolder(dir, model, meta);
  const loaded = await loadModelFolder(dir);
  const x = tf.randomUniform([3, 48, 48, 1], 0, 1, 'float32', 5);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (loaded.model.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
  assert.equal(loaded.meta.architecture, 'tiny');
  x.dispose();
  model.dispose();
  loaded.model.dispose();
});

test("TF.js's HTTP loader, as a browser uses it, reads the folder as it is", async () => {
  await initEngine();
  const dir = join(await tempDir(), 'model');
  const model = buildTiny();
  await saveModelFolder(dir, model, meta);
  const loaded = await loadOverHttp(dir); // tf.io.http resolves weight paths like a browser
  assert.equal(loaded.layers.length, model.layers.length);
  const x = tf.ones([1, 48, 48, 1]);
  assert.deepEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((model.predict(x) as tf.Tensor).dataSync()));
});

test('a crash between the two renames of a save: the model still loads, from the folder moved aside, and the reader renames or deletes nothing', async () => {
  await initEngine();
  const dir = join(await tempDir(), 'model');
  await saveModelFolder(dir, buildTiny(), meta);
  // What a kill between "move old aside" and "move new in" leaves: only <dir>.old-<pid> and a temporary.
  await rename(dir, `${dir}.old-12345`);
  await mkdir(`${dir}.tmp-12345`);
  await writeFile(join(`${dir}.tmp-12345`, 'model.json'), '{"half": ');
  const loaded = await loadModelFolder(dir);
  assert.equal(loaded.meta.architecture, 'tiny');
  assert.equal(loaded.dir, dir);
  loaded.model.dispose();
  assert.deepEqual((await readdir(dirname(dir))).sort(), ['model.old-12345', 'model.tmp-12345'], 'the reader changed the folder');
});

test('a model with another label set is refused with both label lists in the message', async () => {
  await initEngine();
  const dir = join(await tempDir(), 'model');
  await saveModelFolder(dir, buildTiny(), meta);
  const metaPath = join(dir, 'emoscope.json');
  const other = { ...JSON.parse(await readFile(metaPath, 'utf8')), labels: ['happy', 'sad', 'angry', 'fear', 'disgust', 'surprise', 'neutral'] };
  await writeFile(metaPath, JSON.stringify(other));
  await assert.rejects(loadModelFolder(dir), /expected labels \["angry","disgust","fear","happy","sad","surprise","neutral"\] but received \["happy","sad"/);
});
