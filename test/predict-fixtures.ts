// Shared by the predict and vision tests: the fixture photos and a tiny classifier with random
// weights saved as a model folder, so that no test depends on a trained model's accuracy.
import * as tfl from '@tensorflow/tfjs-layers';
import { join } from 'node:path';
import { initEngine } from '../src/engine/backend.js';
import { saveModelFolder } from '../src/model/folder.js';
import { DEFAULT_PREPROCESSING } from '../src/model/meta.js';
import type { ModelMeta } from '../src/model/meta.js';
import { EMOTIONS } from '../src/types.js';
import { FIXTURES, tempDir } from './helpers/paths.js';

export const PHOTOS = join(FIXTURES, 'photos');
/** Two adults, faces near (379, 128) and (82, 183) with sides ≈ 185 px, 640×446. */
export const COUPLE = join(PHOTOS, 'couple.jpg');
/** One face, 400×296. */
export const SINGLE = join(PHOTOS, 'single.jpg');

/** Saves a 7-way softmax on 48×48×1 inputs (random weights) as a model folder; `labels` can be altered to test refusals. */
export async function saveTinyModel(options: { labels?: string[]; classes?: number } = {}): Promise<string> {
  await initEngine();
  const classes = options.classes ?? EMOTIONS.length;
  const model = tfl.sequential();
  model.add(tfl.layers.averagePooling2d({ inputShape: [48, 48, 1], poolSize: 8 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }) }));
  const meta = {
    format: 'emoscope-model',
    version: 1,
    labels: options.labels ?? [...EMOTIONS],
    inputShape: [48, 48, 1],
    preprocessing: DEFAULT_PREPROCESSING,
    architecture: 'test-tiny',
    parameters: model.countParams(),
    createdAt: new Date(0).toISOString(),
  } as ModelMeta;
  const dir = join(await tempDir('emoscope-model-'), 'model');
  await saveModelFolder(dir, model, meta);
  model.dispose();
  return dir;
}
