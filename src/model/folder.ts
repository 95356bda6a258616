// Model folders on disk: TF.js layers format (`model.json` + `weights.bin`), loadable by TF.js in a
// browser as it is, plus `emoscope.json` (labels, preprocessing, architecture, training, metrics).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { parseModelMeta } from './meta.js';
import type { ModelMeta } from './meta.js';
import { recoverFolder, replaceFolderAtomic } from '../util/atomic.js';
import { writeFile } from 'node:fs/promises';
import { portablePaths } from '../util/portable-path.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const META_JSON = 'emoscope.json';

/** A classifier and what it says about itself. */
export interface LoadedModel {
  model: tfl.LayersModel;
  meta: ModelMeta;
  dir: string;
}

/** Serialises `model` to the three files of a model folder (no rename: the caller decides where). */
export async function writeModelFiles(dir: string, model: tfl.LayersModel, meta: ModelMeta): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const bytes = weightData instanceof ArrayBuffer
        ? new Uint8Array(weightData)
        : new Uint8Array(tf.io.concatenateArrayBuffers(weightData ?? []));
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, WEIGHTS_BIN), bytes);
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  await writeFile(join(dir, META_JSON), `${JSON.stringify(portablePaths(meta), null, 2)}\n`); // no absolute paths: the folder travels
}

/** Saves a model folder atomically: a crash leaves either the old folder or the new one, never a mix. */
export async function saveModelFolder(dir: string, model: tfl.LayersModel, meta: ModelMeta): Promise<void> {
  await replaceFolderAtomic(dir, (tmp) => writeModelFiles(tmp, model, meta));
}

/**
 * Saves a model made from another one (calibrated, averaged, refreshed): the source's meta with
 * `done` added to its `training` record and its metrics dropped, since they were measured on the
 * model before the change. Atomic, as saveModelFolder.
 */
export async function saveDerivedModel(dir: string, model: tfl.LayersModel, source: ModelMeta, done: Record<string, unknown>): Promise<void> {
  await saveModelFolder(dir, model, { ...source, training: { ...source.training, ...done }, metrics: {}, createdAt: new Date().toISOString() });
}

/** Reads only the `emoscope.json` of a model folder. */
export async function readModelMeta(dir: string): Promise<ModelMeta> {
  await recoverFolder(dir);
  const metaPath = join(dir, META_JSON);
  try {
    await stat(join(dir, MODEL_JSON));
  } catch {
    throw new EmoscopeError('NOT_FOUND', `No model at ${dir}: expected a folder with ${MODEL_JSON}, ${WEIGHTS_BIN} and ${META_JSON}`);
  }
  return parseModelMeta(await readJson(metaPath), metaPath);
}

/** Loads a model folder written by `saveModelFolder` (or any TF.js layers model with an `emoscope.json`). */
export async function loadModelFolder(dir: string): Promise<LoadedModel> {
  const meta = await readModelMeta(dir);
  const modelPath = join(dir, MODEL_JSON);
  const modelJson = (await readJson(modelPath)) as tf.io.ModelJSON;
  const manifest = modelJson.weightsManifest ?? [];
  const buffers: ArrayBuffer[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const data = await readFile(join(dir, path));
      buffers.push(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    }
    specs.push(...group.weights);
  }
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: specs,
      weightData: tf.io.concatenateArrayBuffers(buffers),
    }),
  );
  return { model, meta, dir };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new EmoscopeError('NOT_FOUND', `Cannot read ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EmoscopeError('BAD_MODEL', `${path}: not valid JSON (${(error as Error).message})`);
  }
}
