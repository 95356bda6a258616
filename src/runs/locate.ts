// Where models are: the shipped default model, and `--model` arguments that name a model folder
// or a run folder (whose best/ is then used).
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmoscopeError } from '../errors.js';
import { RUN_FILES } from './layout.js';

/** The package's root folder (this file is compiled to dist/src/runs/). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The model emoscope ships and uses when no `--model` is given. */
export const DEFAULT_MODEL_DIR = join(PACKAGE_ROOT, 'models', 'default');

/** Resolves a `--model` argument: a model folder, or a run folder whose `best/` is taken; none = the default model. */
export async function resolveModelDir(arg?: string): Promise<string> {
  if (arg === undefined) return DEFAULT_MODEL_DIR;
  const dir = resolve(arg);
  if (await isFile(join(dir, 'model.json'))) return dir;
  if (await isFile(join(dir, RUN_FILES.best, 'model.json'))) return join(dir, RUN_FILES.best);
  throw new EmoscopeError('NOT_FOUND', `No model at ${dir}: expected a model folder (with model.json) or a run folder (with best/model.json)`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The folders a `--model` argument reads, which no output may be written into: the model folder,
 * and the run folder around it when it is a run's `best/` or `last/` (or the run itself was named).
 * A missing model gives none: the command fails on loading it, with its own message.
 */
export async function modelFoldersRead(arg?: string): Promise<string[]> {
  const dir = await resolveModelDir(arg).catch(() => undefined);
  if (dir === undefined) return [];
  const parent = dirname(dir);
  return (await isFile(join(parent, RUN_FILES.best, 'model.json'))) ? [dir, parent] : [dir];
}
