// The page's "Please read" footer (src/web/model-note.ts) from a model's emoscope.json, without a
// browser: the shipped model is called a FER2013 model with its measured error; a user's own model
// is never called one, and says what it was trained on and whether anyone measured it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelMeta } from '../src/model/meta.js';
import type { ModelMeta } from '../src/model/meta.js';
import { modelNote } from '../src/web/model-note.js';
import { DEFAULT_MODEL_DIR } from '../src/runs/locate.js';
import { TINY_META } from './helpers/tiny-model.js';

const shipped = async (): Promise<ModelMeta> => {
  const where = join(DEFAULT_MODEL_DIR, 'emoscope.json');
  return parseModelMeta(JSON.parse(await readFile(where, 'utf8')), where);
};

test('the shipped model is a FER2013 model, wrong about 100 × (1 − its PrivateTest accuracy) % of those faces', async () => {
  const meta = await shipped();
  const note = modelNote(meta);
  assert.match(note.origin, /^the model was trained on FER2013, a research data set/);
  const accuracy = (meta.metrics!['test'] as { accuracy: number }).accuracy;
  assert.equal(note.errors, `the model is wrong about ${Math.round((1 - accuracy) * 100)} % of the faces of FER2013 PrivateTest, and more often on faces unlike them`);
  assert.match(note.about, new RegExp(`^Model: emo-vgg, [\\d,]+ parameters; accuracy ${accuracy.toFixed(4)} on FER2013 PrivateTest, accuracy 0\\.\\d{4} on FER2013 PublicTest\\.$`));
});

test('a model trained on a folder of one\'s own faces is not called a FER2013 model', () => {
  const own: ModelMeta = { ...TINY_META, training: { data: '/home/me/faces/', format: 'class-folders', trainFaces: 1234, config: {} }, metrics: { val: { accuracy: 0.61 } } };
  const note = modelNote(own);
  assert.equal(note.origin, 'the model in use was trained on the faces in “faces” (1,234): it has learned what those faces and their labels show.');
  assert.doesNotMatch(`${note.origin} ${note.errors} ${note.about}`, /FER2013 (PrivateTest|PublicTest)|trained on FER2013/);
  assert.equal(note.errors, 'the model is wrong about 39 % of the faces of its validation split, and more often on faces unlike them');
  assert.equal(note.about, 'Model: tiny, 0 parameters; accuracy 0.6100 on the val split.');
});

test('a fine-tune says which model it started from; FER2013 in FER2013\'s own CSV is FER2013; no figures, no claim', () => {
  const tuned = modelNote({ ...TINY_META, training: { data: 'runs/mine', format: 'fer2013-folders', config: { init: 'models/default' } } });
  assert.equal(tuned.origin, 'the model in use was trained on the faces in “mine”, starting from the model “default”: it has learned what those faces and their labels show.');
  assert.equal(tuned.errors, 'how often the model is wrong was not measured');
  assert.equal(tuned.about, 'Model: tiny, 0 parameters.');
  assert.match(modelNote({ ...TINY_META, training: { data: 'fer2013.csv', format: 'fer2013-csv' } }).origin, /^the model was trained on FER2013/);
  assert.equal(modelNote(TINY_META).origin, 'the model in use does not say what it was trained on.');
});
