// The run folder's layout, owned here: every file name `train`, `evaluate` and `report` write into
// a run folder (`emoscope train --out runs/x`). Readers and writers take the names from this table.
import { readdir, stat } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import { printable } from '../util/printable.js';
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

/**
 * Fails (BAD_OUTPUT) when a new run cannot start in `dir` without writing over files that are not a
 * run's: `dir` must be missing, empty, or hold only what a run writes (an earlier start that never
 * reached its first checkpoint). Nothing is read or changed.
 */
export async function checkNewRunFolder(dir: string): Promise<void> {
  const foreign = (await readdir(dir).catch(() => [] as string[])).filter((name) => !isRunEntry(name));
  if (foreign.length === 0) return;
  const which = `${printable(foreign[0]!)}${foreign.length > 1 ? `, … ${foreign.length} in all` : ''}`;
  throw new EmoscopeError('BAD_OUTPUT', `Cannot start a run in ${printable(dir)}: it holds files a run does not write (${which}), and a run writes ${RUN_FILES.config}, ${RUN_FILES.history}, ${RUN_FILES.curves}, ${RUN_FILES.best}/ and ${RUN_FILES.last}/ there; choose a new or empty folder`);
}
