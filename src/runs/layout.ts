// The run folder's layout, owned here: every file name `train`, `evaluate` and `report` write into
// a run folder (`emoscope train --out runs/x`). Readers and writers take the names from this table.
import { stat } from 'node:fs/promises';
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
