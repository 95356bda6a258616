// The run folder's layout, owned here: every file name `train`, `evaluate` and `report` write into
// a run folder (`emoscope train --out runs/x`). Readers and writers take the names from this table.
import { readdir, stat } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import { printable } from '../util/printable.js';
import { readFolderJsonIfAny } from '../util/folder-files.js';
import { join, resolve } from 'node:path';

export const RUN_FILES = {
  /** the resolved training configuration */
  config: 'config.json',
  /** `{"epochs": [{epoch, loss, acc, valLoss, valAcc, seconds}, …]}` */
  history: 'history.json',
  /** model folder of the best validation accuracy */
  best: 'best',
  /** the latest checkpoint (model, optimizer and loop state), for `--resume` */
  last: 'last',
  /** the training curves' picture (with `curves.svg` beside it) */
  curves: 'curves.png',
  /** `emoscope report`'s page */
  report: 'report.html',
} as const;

/** `curves.png` without its extension: the charts writer adds `.svg` and `.png`. */
export const CURVES_BASENAME = RUN_FILES.curves.replace(/\.png$/, '');

/** `evaluation-test.json`, `evaluation-val.json`, …: the `evaluate --json` report of one split. */
export function evaluationFile(split: string): string {
  return `evaluation-${split}.json`;
}

/** `evaluation-test-faces.json`, …: the few faces the report shows, with their pixels and scores. */
export function evaluationFacesFile(split: string): string {
  return `evaluation-${split}-faces.json`;
}

/** True when `dir` is a run folder: it has `best/model.json`. */
export async function isRunFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(join(resolve(dir), RUN_FILES.best, 'model.json'))).isFile();
  } catch {
    return false;
  }
}

/** True for a name `train`, `evaluate` or `report` writes into a run folder, or a temporary of one (`<name>.tmp-<pid>`, `<name>.old-<pid>`). */
export function isRunEntry(name: string): boolean {
  const base = name.replace(/\.(tmp|old)-\d+$/, '');
  return (Object.values(RUN_FILES) as string[]).includes(base) || base === `${CURVES_BASENAME}.svg` || /^evaluation-[a-z]+(-faces)?\.json$/.test(base);
}

/** Entries a run writes only after its first checkpoint (last/): its results (a moved-aside `best.old-<pid>` too; a `.tmp-` is an unfinished write). */
function isRunResult(name: string): boolean {
  const base = name.replace(/\.(tmp|old)-\d+$/, '');
  return !/\.tmp-\d+$/.test(name) && base !== RUN_FILES.config && base !== RUN_FILES.last;
}

/** A JSON value that is a training run's configuration as `train` writes it (`model`, `data`, `epochs`…). */
function isRunConfig(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const config = value as Record<string, unknown>;
  return typeof config['model'] === 'string' && typeof config['data'] === 'string' && typeof config['epochs'] === 'number';
}

/**
 * Fails when a new run cannot start in `dir` without writing over anything: `dir` must be missing,
 * an empty folder, or one left by a start that never reached its first checkpoint (only its
 * `config.json`, and temporaries). A run with a checkpoint is BAD_ARGUMENT (it takes `--resume`); a
 * file, other files, a `config.json` that is not a run's, or a run's results without the checkpoint
 * that could resume it (best/, history.json… but no last/) are BAD_OUTPUT, in words. Reads the names
 * of `dir`'s entries and its `config.json`; nothing is changed.
 */
export async function checkNewRunFolder(dir: string): Promise<void> {
  const where = printable(dir);
  const fail = (problem: string): never => {
    throw new EmoscopeError('BAD_OUTPUT', `Cannot start a run in ${where}: ${problem}; choose a new or empty folder`);
  };
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) return; // created by the run
  if (!info.isDirectory()) fail('it is a file, and a run is a folder');
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => fail(`its entries cannot be read (${error.code ?? error.message})`));
  if (entries.some((name) => name === RUN_FILES.last || /^last\.old-\d+$/.test(name))) {
    throw new EmoscopeError('BAD_ARGUMENT', `${where} already holds a run: pass --resume to continue it, or choose another --out`);
  }
  const foreign = entries.filter((name) => !isRunEntry(name));
  if (foreign.length > 0) {
    const which = `${printable(foreign[0]!)}${foreign.length > 1 ? `, … ${foreign.length} in all` : ''}`;
    fail(`it holds files a run does not write (${which}), and a run writes ${RUN_FILES.config}, ${RUN_FILES.history}, ${RUN_FILES.curves}, ${RUN_FILES.best}/ and ${RUN_FILES.last}/ there`);
  }
  const results = entries.filter(isRunResult).sort();
  if (results.length > 0) {
    const shown = results.slice(0, 3).map((name) => `${printable(name)}${name.startsWith(RUN_FILES.best) ? '/' : ''}`);
    fail(`it holds a run's results (${shown.join(', ')}${results.length > 3 ? ', …' : ''}) but no checkpoint (${RUN_FILES.last}/) to resume it from, and a new run would write over them`);
  }
  if (entries.includes(RUN_FILES.config)) {
    // Only a start that died before its first checkpoint leaves a config.json alone; a user's own is never written over.
    const config = await readFolderJsonIfAny(dir, RUN_FILES.config, { code: 'BAD_OUTPUT' }).then(
      (value) => (isRunConfig(value) ? undefined : 'it is not a training run\'s configuration (a JSON object with "model", "data", "epochs"…)'),
      (error: Error) => error.message,
    );
    if (config !== undefined) fail(`its ${RUN_FILES.config} would be written over, and ${config}`);
  }
}
