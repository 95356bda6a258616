// Reading what a training run left in its folder (config.json, history.json, best/), for the report.
// Every file but best/model.json is optional: the report says what is missing instead of failing.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { RUN_FILES } from './layout.js';
import { parseModelMeta } from '../model/meta.js';
import type { ModelMeta } from '../model/meta.js';
import { readFolderJson, readFolderJsonIfAny } from '../util/folder-files.js';
import { checkHistory } from '../metrics/records.js';
import type { HistoryLike } from '../metrics/records.js';

/** The parts of a run folder the report shows. */
export interface RunFolder {
  /** absolute path of the run folder */
  dir: string;
  /** the model folder the report is about: `<dir>/best` */
  modelDir: string;
  /** config.json: the resolved training config */
  config?: Record<string, unknown>;
  history?: HistoryLike;
  /** best/emoscope.json */
  meta: ModelMeta;
  /** bytes of the files of best/ (topology, weights, emoscope.json) */
  modelBytes: number;
}

/**
 * Reads a run folder as `emoscope train --out` writes it. A folder without `best/model.json` is a
 * NOT_FOUND error; a config.json or history.json that is there but unreadable is BAD_DATA naming it.
 */
export async function readRunFolder(runDir: string): Promise<RunFolder> {
  const dir = resolve(runDir);
  const modelDir = join(dir, RUN_FILES.best);
  if (!(await isFile(join(modelDir, 'model.json')))) {
    const what = (await isDirectory(dir)) ? 'it has no best/model.json' : 'no such folder';
    throw new EmoscopeError('NOT_FOUND', `No run at ${dir}: ${what} (expected a run folder as \`emoscope train --out\` writes it, with best/model.json)`);
  }
  const metaPath = join(modelDir, 'emoscope.json');
  const meta = parseModelMeta(await readJson(metaPath), metaPath);
  const configPath = join(dir, RUN_FILES.config);
  const config = await readJson(configPath, true);
  if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) {
    throw new EmoscopeError('BAD_DATA', `${configPath}: expected a JSON object but received ${JSON.stringify(config).slice(0, 40)}`);
  }
  const historyPath = join(dir, RUN_FILES.history);
  const history = (await readJson(historyPath, true)) as HistoryLike | undefined;
  if (history !== undefined) checkHistory(history, historyPath);
  let modelBytes = 0;
  for (const entry of await readdir(modelDir, { withFileTypes: true })) {
    if (entry.isFile()) modelBytes += (await stat(join(modelDir, entry.name))).size;
  }
  return { dir, modelDir, config: config as Record<string, unknown> | undefined, history, meta, modelBytes };
}

/** A JSON file of the run folder: inside it (links followed), a regular file, size-capped; BAD_DATA naming it otherwise. */
async function readJson(path: string, optional = false): Promise<unknown> {
  const options = { code: 'BAD_DATA' } as const;
  return optional ? readFolderJsonIfAny(dirname(path), basename(path), options) : readFolderJson(dirname(path), basename(path), options);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
