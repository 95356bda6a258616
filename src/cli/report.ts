// `emoscope report <runDir>`: one self-contained HTML page about a training run (data, curves,
// test metrics, faces, model size and speed). Parses flags, calls writeRunReport, prints where it went.
import { dirname } from 'node:path';
import cliProgress from 'cli-progress';
import type { Tta } from '../model/inference.js';
import { writeRunReport } from '../report/gather.js';
import { formatBytes, formatCount, formatPercent } from '../util/format.js';
import { checkNotInFolders, checkOutput, realOrResolved } from '../util/check-output.js';
import type { RegisterCommand } from './commands.js';
import { ttaOption } from './options.js';

interface ReportFlags {
  data?: string;
  out?: string;
  tta: Tta;
}

export const registerReport: RegisterCommand = (program) => {
  program
    .command('report')
    .description('Write one self-contained HTML page about a run: data, training curves, test metrics, faces, model size and speed')
    .argument('<runDir>', 'a run folder, as `emoscope train --out` writes it')
    .option('--data <path>', "count this data set's faces and evaluate the best model on its test split now (the evaluation is stored in the run)")
    .option('--out <file>', 'the page to write (default: <runDir>/report.html)')
    .addOption(ttaOption('with --data: '))
    .action(async (runDir: string, flags: ReportFlags) => {
      if (flags.out !== undefined) {
        await checkOutput(flags.out, 'file', '--out');
        // a page of its own in the run folder is fine; the run's files and its models are not
        const run = await realOrResolved(runDir);
        await checkNotInFolders(flags.out, '--out', [runDir], (target) => dirname(target) === run && target.endsWith('.html'));
      } else {
        await checkOutput(runDir, 'folder', 'the report into run folder');
      }
      const progress = loadProgress(Boolean(flags.data));
      const report = await writeRunReport(runDir, { data: flags.data, out: flags.out, tta: flags.tta, onProgress: progress.update }).finally(progress.stop);
      const evaluation = report.input.evaluation;
      const summary = evaluation ? `; ${report.input.evaluationSplit ?? 'test'} accuracy ${formatPercent(evaluation.accuracy)} on ${formatCount(evaluation.n)} faces` : '';
      process.stdout.write(`Wrote ${report.file} (${formatBytes(report.bytes)})${summary}\n`);
      for (const note of report.notes) process.stderr.write(`${note}\n`);
    });
};

/** A progress bar while the data set loads, on a terminal only (loading FER2013's folders the first time takes ~15 s). */
function loadProgress(loading: boolean): { update?: (done: number, total: number) => void; stop: () => void } {
  if (!loading || !process.stderr.isTTY) return { stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: 'loading faces [{bar}] {percentage}%', stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
