// `emoscope data stats`: faces per split and class of a data set, as a table or JSON. Parses flags,
// calls loadDataset and datasetStats, prints.
import cliProgress from 'cli-progress';
import { datasetStats, formatStatsTable, loadDataset, type BadInput } from '../data/index.js';
import { printable } from '../util/printable.js';
import type { RegisterCommand } from './commands.js';
import { passedOverNote } from './listing.js';
import { DATA_HELP, intOption, numberOption } from './options.js';

interface StatsFlags {
  data: string;
  json?: boolean;
  skipBad?: boolean;
  valFraction: number;
  testFraction: number;
  seed: number;
  limit?: number;
  cache: boolean;
}

/** Skipped inputs listed one per line; beyond this many only the count is given. */
const SKIPPED_SHOWN = 20;

export const registerData: RegisterCommand = (program) => {
  const data = program.command('data').description('Inspect a data set: fer2013.csv, FER2013 image folders, or your own class folders');
  data
    .command('stats')
    .description('Count the faces per split (train/val/test) and class')
    .requiredOption('--data <path>', DATA_HELP)
    .option('--json', 'print JSON instead of a table')
    .option('--skip-bad', 'skip bad CSV rows and unreadable images (and list them) instead of stopping at the first')
    .option('--val-fraction <n>', 'fraction of each class held out for validation, when no folder or FER2013 file name gives val', numberOption('--val-fraction', 0, 1), 0.1)
    .option('--test-fraction <n>', 'fraction of each class held out for testing, when no folder or FER2013 file name gives test', numberOption('--test-fraction', 0, 1), 0.1)
    .option('--seed <n>', 'seed of the class-folders split and of --limit', intOption('--seed'), 42)
    .option('--limit <n>', 'count a stratified sample of at most n faces per split', intOption('--limit', 1))
    .option('--no-cache', 'decode every image instead of using the cache of decoded faces')
    .action(async (flags: StatsFlags) => {
      const progress = progressBar();
      const ds = await loadDataset(flags.data, {
        skipBad: flags.skipBad,
        valFraction: flags.valFraction,
        testFraction: flags.testFraction,
        seed: flags.seed,
        limit: flags.limit,
        cacheDir: flags.cache ? undefined : false,
        onProgress: progress.update,
      }).finally(progress.stop);
      const stats = datasetStats(ds);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
      } else {
        process.stdout.write(`${stats.format}: ${stats.source}\n${formatStatsTable(stats)}\n`);
      }
      if (ds.skipped.length > 0) process.stderr.write(describeSkipped(ds.skipped));
      process.stderr.write(passedOverNote(ds));
    });
};

/** "Skipped 3 bad inputs:" and one line per input (the first 20). */
export function describeSkipped(skipped: readonly BadInput[]): string {
  const lines = skipped.slice(0, SKIPPED_SHOWN).map((bad) => `  ${printable(bad.where)}: ${printable(bad.problem)}`);
  if (skipped.length > SKIPPED_SHOWN) lines.push(`  … and ${skipped.length - SKIPPED_SHOWN} more`);
  return `Skipped ${skipped.length} bad input${skipped.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n`;
}

/** A progress bar on a terminal's stderr; nothing when stderr is a file or a pipe. */
function progressBar(): { update: (done: number, total: number) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: 'loading [{bar}] {percentage}% | ETA {eta}s', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, done);
        started = true;
      }
      bar.update(done);
    },
    stop: () => { if (started) bar.stop(); },
  };
}
