// A fresh, untrained `tiny` model folder for tests that need one on disk (no training: built and saved).
import { join } from 'node:path';
import { initEngine } from '../../src/engine/backend.js';
import { getArchitecture } from '../../src/model/registry.js';
import { saveModelFolder } from '../../src/model/folder.js';
import type { SaveOptions } from '../../src/model/folder.js';
import type { ModelMeta } from '../../src/model/meta.js';
import { DEFAULT_PREPROCESSING } from '../../src/model/meta.js';
import { EMOTIONS } from '../../src/types.js';
import { tempDir } from './paths.js';

/** The emoscope.json of the tiny test models. */
export const TINY_META: ModelMeta = {
  format: 'emoscope-model', version: 1, labels: [...EMOTIONS], inputShape: [48, 48, 1], preprocessing: DEFAULT_PREPROCESSING,
  architecture: 'tiny', parameters: 0, createdAt: new Date(0).toISOString(),
};

/** A `tiny` model saved as `<parent>/model` in a new temp folder `parent` (room for files "elsewhere"). */
export async function tinyModelFolder(options: SaveOptions = {}, seed = 1): Promise<{ parent: string; dir: string }> {
  await initEngine();
  const parent = await tempDir();
  const dir = join(parent, 'model');
  const model = getArchitecture('tiny').build({ seed, classes: EMOTIONS.length, inputSize: DEFAULT_PREPROCESSING.size });
  await saveModelFolder(dir, model, TINY_META, options);
  model.dispose();
  return { parent, dir };
}
