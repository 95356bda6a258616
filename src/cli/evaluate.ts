// `emoscope evaluate`: accuracy, per-class precision/recall/F1 and the confusion matrix of a model
// on a split of a data set, as tables (and JSON with --json), charts with --out; an evaluation of a
// run folder is also stored in the run for `emoscope report`.
import { Option } from 'commander';
import { evaluate } from '../evaluate/evaluate-model.js';
import type { EvaluateSplit } from '../evaluate/evaluate-model.js';
import { formatEvaluation } from '../metrics/format.js';
import { runFolderOf, storeRunEvaluation } from '../evaluate/run-evaluation.js';
import { join } from 'node:path';
import { checkChartsReplaceable } from '../charts/render.js';
import { EVALUATION_CHART_NAMES, writeEvaluationCharts } from '../runs/charts.js';
import { writeFileAtomic } from '../util/atomic.js';
import { checkNotInFolders, checkOutput } from '../util/check-output.js';
import { modelFoldersRead } from '../runs/locate.js';
import type { RegisterCommand } from './commands.js';
import { describeSkipped } from './data.js';
import { passedOverNote } from './listing.js';
import type { Tta } from '../model/inference.js';
import { DATA_HELP, MODEL_HELP, addDataSelectionOptions, ttaOption } from './options.js';
import { dataSelection } from '../data/dataset.js';
import type { DataSelection } from '../data/dataset.js';

interface EvaluateFlags extends DataSelection {
  model?: string;
  data: string;
  split: EvaluateSplit;
  json?: string;
  out?: string;
  tta: Tta;
  labels?: string;
}

export const registerEvaluate: RegisterCommand = (program) => {
  const command = program
    .command('evaluate')
    .description('Measure a model on a split: accuracy, per-class precision/recall/F1, confusion matrix')
    .option('--model <dir>', MODEL_HELP)
    .requiredOption('--data <path>', DATA_HELP)
    .addOption(new Option('--split <split>', 'which faces').choices(['test', 'val', 'train', 'all']).default('test'))
    .option('--json <file>', 'also write the evaluation as JSON')
    .option('--out <dir>', 'also draw the confusion matrices (counts, row-normalized) and per-class P/R/F1 into this folder (SVG and PNG)')
    .option('--labels <votes.csv>', 'relabel each face by its majority vote in this CSV (FER+\'s votes: the FER+ test figure); faces without a majority are left out and counted')
    .addOption(ttaOption());
  addDataSelectionOptions(command)
    .action(async (flags: EvaluateFlags) => {
      if (flags.json !== undefined) await checkOutput(flags.json, 'file', '--json');
      const modelFolders = await modelFoldersRead(flags.model);
      for (const [flag, path] of [['--json', flags.json], ['--out', flags.out]] as const) if (path !== undefined) await checkNotInFolders(path, flag, modelFolders);
      if (flags.out !== undefined) {
        await checkOutput(flags.out, 'folder', '--out');
        await checkChartsReplaceable(EVALUATION_CHART_NAMES.map((name) => join(flags.out!, name)));
      }
      const result = await evaluate({
        model: flags.model,
        data: flags.data,
        split: flags.split,
        tta: flags.tta,
        labels: flags.labels,
        ...dataSelection(flags),
      });
      const { relabelled } = result;
      if (result.skipped.length > 0) process.stderr.write(describeSkipped(result.skipped));
      process.stderr.write(passedOverNote(result));
      if (relabelled) {
        const out = Object.entries(relabelled.leftOut).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`).join(', ');
        process.stdout.write(`Labels from ${relabelled.file}: ${relabelled.kept} faces kept (${relabelled.changed} with a new label), left out: ${out || 'none'}\n`);
      }
      process.stdout.write(`${formatEvaluation(result.report, `Model ${result.modelDir}, split ${result.split}`)}\n`);
      if (flags.json) await writeFileAtomic(flags.json, `${JSON.stringify(relabelled ? { ...result.report, relabelled } : result.report, null, 2)}\n`);
      if (flags.out) {
        const charts = await writeEvaluationCharts(flags.out, result.report);
        process.stdout.write(`Charts: ${Object.values(charts).map((c) => c.png).join(', ')} (and .svg)\n`);
      }
      const runDir = await runFolderOf(flags.model);
      // A run keeps its evaluation on the data set's own labels; relabelled figures are only printed and --json'd.
      if (runDir && !relabelled) {
        const stored = await storeRunEvaluation(runDir, result.split, result, { data: flags.data, limit: flags.limit, tta: flags.tta, modelDir: result.modelDir });
        process.stdout.write(`Stored in the run: ${stored.evaluation} (\`emoscope report ${runDir}\` shows it)\n`);
      }
    });
};
