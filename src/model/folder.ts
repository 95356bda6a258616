// Model folders on disk: TF.js layers format (`model.json` + `weights.bin`), loadable by TF.js in a
// browser as it is, plus `emoscope.json` (labels, preprocessing, architecture, training, metrics).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { EmoscopeError, badArgument } from '../errors.js';
import { parseModelMeta } from './meta.js';
import type { ModelMeta } from './meta.js';
import { replaceFolderAtomic } from '../util/atomic.js';
import { checkFolderFile, readFolderJson } from '../util/folder-files.js';
import { printable } from '../util/printable.js';
import { readManifestWeights } from './weights-manifest.js';
import { toFloat16Weights } from './float16-weights.js';
import type { WeightPrecision } from './float16-weights.js';
import { writeFile } from 'node:fs/promises';
import { realOrResolved } from '../util/check-output.js';
import { portablePaths } from '../util/portable-path.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const META_JSON = 'emoscope.json';

/** A classifier and what it says about itself. */
export interface LoadedModel {
  model: tfl.LayersModel;
  meta: ModelMeta;
  dir: string;
}

/**
 * Serialises `model` to the three files of a model folder (no rename: the caller decides where),
 * its float32 weights stored as `precision` (float16: half the bytes, see float16-weights.ts).
 */
export async function writeModelFiles(dir: string, model: tfl.LayersModel, meta: ModelMeta, precision: WeightPrecision = 'float32'): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const saved = { specs: artifacts.weightSpecs ?? [], data: weightData instanceof ArrayBuffer ? weightData : tf.io.concatenateArrayBuffers(weightData ?? []) };
      const { specs, data } = precision === 'float16' ? toFloat16Weights(saved.specs, saved.data) : saved;
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }],
      };
      await writeFile(join(dir, WEIGHTS_BIN), new Uint8Array(data));
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  await writeFile(join(dir, META_JSON), `${JSON.stringify(portablePaths(meta), null, 2)}\n`); // no absolute paths: the folder travels
}

/** How a model folder is written. */
export interface SaveOptions {
  /** how the float32 weights are stored (default float32) */
  precision?: WeightPrecision;
  /** the model folders the model was made from: never written over (see checkModelFolderOutput) */
  inputs?: readonly string[];
}

const SAVE_OPTION_KEYS = optionKeys<SaveOptions>({ precision: true, inputs: true });

/** The files of a model folder: a folder holding anything else is never replaced by a model. */
const MODEL_FILES: ReadonlySet<string> = new Set([MODEL_JSON, WEIGHTS_BIN, META_JSON]);

/**
 * Fails (BAD_OUTPUT) unless a model may be written to folder `dir`: writing one replaces the whole
 * folder, so it must be missing, empty or hold only a model's files, and must not be (or hold) one
 * of `inputs`. Called before the work starts and again by saveModelFolder.
 */
export async function checkModelFolderOutput(dir: string, inputs: readonly string[] = []): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw badArgument('out', 'a folder to write the model to', dir);
  const fail = (problem: string): never => {
    throw new EmoscopeError('BAD_OUTPUT', `Cannot write the model folder ${printable(dir)}: ${problem}`);
  };
  const target = await realOrResolved(dir);
  for (const input of inputs) {
    const source = await realOrResolved(input);
    if (source === target) fail(`it is the input model ${printable(input)}, which emoscope never overwrites; choose another folder`);
    if (source.startsWith(`${target}${sep}`)) fail(`it holds the input model ${printable(input)}, which emoscope never overwrites; choose another folder`);
    // a model written inside its input would be a foreign folder there: the input could never be replaced again
    if (target.startsWith(`${source}${sep}`)) fail(`it is inside the input model ${printable(input)}, whose folder holds only a model's files; choose a folder outside it`);
  }
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory()) fail('it is a file, expected a folder');
  const foreign = (await readdir(dir)).filter((name) => !MODEL_FILES.has(name));
  if (foreign.length > 0) {
    fail(`it holds ${foreign.length === 1 ? 'a file' : `${foreign.length} files`} that ${foreign.length === 1 ? 'is' : 'are'} not a model's (${printable(foreign[0]!)}${foreign.length > 1 ? ', …' : ''}), and a model replaces the whole folder; ` +
      `choose a new or empty folder, or one holding only a model (${[...MODEL_FILES].join(', ')})`);
  }
}

/**
 * Saves a model folder atomically: a crash leaves either the old folder or the new one, never a mix.
 * Only a folder that checkModelFolderOutput accepts is replaced.
 */
export async function saveModelFolder(dir: string, model: tfl.LayersModel, meta: ModelMeta, options: SaveOptions = {}): Promise<void> {
  checkOptionKeys(options, SAVE_OPTION_KEYS, 'saveModel');
  await checkModelFolderOutput(dir, options.inputs);
  await replaceFolderAtomic(dir, (tmp) => writeModelFiles(tmp, model, meta, options.precision));
}

/**
 * Saves a model made from another one (calibrated, averaged, refreshed): the source's meta with
 * `done` added to its `training` record and its metrics dropped, since they were measured on the
 * model before the change. Atomic, as saveModelFolder.
 */
export async function saveDerivedModel(
  dir: string,
  model: tfl.LayersModel,
  source: ModelMeta,
  done: Record<string, unknown>,
  options: SaveOptions = {},
): Promise<void> {
  await saveModelFolder(dir, model, { ...source, training: { ...source.training, ...done }, metrics: {}, createdAt: new Date().toISOString() }, options);
}

/**
 * The names of the files a model folder consists of, as a copy or a web page needs them:
 * model.json, emoscope.json and the weight files its manifest names (plain names in the folder only;
 * the loader refuses others anyway). Reads model.json only.
 */
export async function modelFileNames(dir: string): Promise<string[]> {
  const manifest = ((await readFolderJson(dir, MODEL_JSON, { code: 'BAD_MODEL' })) as { weightsManifest?: unknown } | null)?.weightsManifest;
  const groups = Array.isArray(manifest) ? (manifest as Array<{ paths?: unknown } | null>) : [];
  const paths = groups.flatMap((group) => (Array.isArray(group?.paths) ? (group.paths as unknown[]) : []));
  const weights = paths.filter((p): p is string => typeof p === 'string').map((p) => p.replace(/^\.\//, '')).filter((p) => !p.includes('/'));
  return [...new Set([MODEL_JSON, META_JSON, ...weights])];
}

/** Reads only the `emoscope.json` of a model folder. Reads, never writes: a folder being replaced by its writer is left alone. */
export async function readModelMeta(dir: string): Promise<ModelMeta> {
  return readMetaOf(await readableFolder(dir), dir);
}

async function readMetaOf(source: string, dir: string): Promise<ModelMeta> {
  try {
    await checkFolderFile(source, MODEL_JSON, { code: 'BAD_MODEL' });
  } catch (error) {
    if (error instanceof EmoscopeError && error.code === 'NOT_FOUND') {
      throw new EmoscopeError('NOT_FOUND', `No model at ${printable(dir)}: expected a folder with ${MODEL_JSON}, ${WEIGHTS_BIN} and ${META_JSON}`);
    }
    throw error;
  }
  return parseModelMeta(await readFolderJson(source, META_JSON, { code: 'BAD_MODEL' }), join(source, META_JSON));
}

/**
 * The folder to read `dir` from: itself, or, when a writer died (or is) between moving the old
 * folder aside and renaming the new one in, the `<dir>.old-<pid>` it moved aside. Nothing is
 * renamed or deleted here: that is the next writer's job (`recoverFolder`).
 */
async function readableFolder(dir: string): Promise<string> {
  if (await isFile(join(dir, MODEL_JSON))) return dir;
  const parent = dirname(dir);
  const olds = (await readdir(parent).catch(() => [] as string[])).filter((e) => e.startsWith(`${basename(dir)}.old-`)).sort();
  for (const old of olds) if (await isFile(join(parent, old, MODEL_JSON))) return join(parent, old);
  return dir;
}

/** A model folder given as anything but a path (`loadModel({})`) is named, not a raw TypeError. */
function checkModelDirArgument(dir: unknown): void {
  if (typeof dir !== 'string' || dir === '') throw badArgument('dir', 'the path of a model folder (loadModel(dir))', dir);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * Loads a model folder written by `saveModelFolder` (or any TF.js layers model with an `emoscope.json`).
 * Every file is read from inside the folder only, and the weights must have the size model.json's
 * shapes take: anything else is BAD_MODEL naming the file.
 */
export async function loadModelFolder(dir: string): Promise<LoadedModel> {
  checkModelDirArgument(dir);
  const source = await readableFolder(dir);
  const meta = await readMetaOf(source, dir);
  const modelJson = (await readFolderJson(source, MODEL_JSON, { code: 'BAD_MODEL' })) as tf.io.ModelJSON;
  if (typeof modelJson !== 'object' || modelJson === null) throw new EmoscopeError('BAD_MODEL', `${printable(join(source, MODEL_JSON))}: expected a JSON object`);
  const { specs, data } = await readManifestWeights(source, modelJson.weightsManifest ?? [], join(source, MODEL_JSON));
  try {
    const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData: data }));
    return { model, meta, dir };
  } catch (error) {
    throw new EmoscopeError('BAD_MODEL', `${printable(join(source, MODEL_JSON))}: not a TF.js layers model that loads (${(error as Error).message})`, { cause: error });
  }
}
