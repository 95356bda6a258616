// `emoscope batch submit|worker|status|results|clear`: batch inference over many machines through
// one Redis (BullMQ queue). A thin shell over src/batch/, loaded only when a batch command runs.
import type { Command } from 'commander';
import { EmoscopeError } from '../errors.js';
import { BATCH_DEFAULTS } from '../batch/defaults.js';
import type { RegisterCommand } from './commands.js';
import { MODEL_HELP, intOption } from './options.js';
import { listingNotes, passedOverNote } from './listing.js';
import { plural } from '../util/format.js';
import { checkOutput, checkSeparateOutputs } from '../util/check-output.js';
import { STDOUT, jsonCsvTargets } from './output.js';

const REDIS_HELP = 'Redis URL: redis://host:6379, rediss://user:password@host:6380/0 or unix:///path/to/redis.sock';

/** The library, imported when a batch command runs (BullMQ is not loaded for the other commands). */
const library = () => import('../batch/index.js');

export const registerBatch: RegisterCommand = (program, setExitCode) => {
  const batch = program
    .command('batch')
    .description('Recognize emotions in millions of photos with workers on many machines, through a Redis queue (BullMQ)');

  withRedis(batch.command('submit'))
    .description('Queue the photos of files and folders (paths as the workers see them) as a batch; submitting again adds only new files')
    .argument('<inputs...>', 'image files or folders of them')
    .requiredOption('--name <batch>', 'the batch: letters, digits, ".", "_" or "-"')
    .option('--chunk <n>', 'photos per job', intOption('--chunk', 1), BATCH_DEFAULTS.chunk)
    .action(async (inputs: string[], flags: { redis: string; name: string; chunk: number }) => {
      const { submitBatch } = await library();
      const r = await submitBatch(inputs, { redis: flags.redis, name: flags.name, chunk: flags.chunk });
      process.stderr.write(listingNotes(r));
      const changed = r.changed > 0 ? ` and ${r.changed} changed since submitted` : '';
      process.stdout.write(`${flags.name}: ${plural(r.added - r.changed, 'new file')}${changed} of ${r.files} (${r.files - r.added} submitted before), in ${r.jobs} job${r.jobs === 1 ? '' : 's'}\n`);
      process.stderr.write(passedOverNote(r));
    });

  withRedis(batch.command('worker'))
    .description('Process jobs of any batch until stopped (SIGTERM or Ctrl-C finishes the jobs in hand, then exits)')
    .option('--concurrency <n>', 'jobs at once', intOption('--concurrency', 1), BATCH_DEFAULTS.concurrency)
    .option('--model <dir>', MODEL_HELP)
    .option('--lock-duration <ms>', 'a job stays locked this long without a heartbeat before another worker may take it', intOption('--lock-duration', 1), BATCH_DEFAULTS.lockDuration)
    .option('--stalled-interval <ms>', 'how often to look for jobs whose worker died', intOption('--stalled-interval', 1), BATCH_DEFAULTS.stalledInterval)
    .action(async (flags: { redis: string; concurrency: number; model?: string; lockDuration: number; stalledInterval: number }) => {
      const { startBatchWorker } = await library();
      const log = (line: string): void => { process.stderr.write(`emoscope: ${line}\n`); };
      const worker = await startBatchWorker({ ...flags, log });
      log(`worker ready (pid ${process.pid}), waiting for jobs`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          log(`${signal}: finishing the jobs in hand`);
          worker.close().then(resolve, (error: unknown) => {
            log(`while stopping: ${(error as Error).message}`);
            setExitCode(1);
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      log('stopped');
      // Everything is closed; should a library still hold a handle, a stopped worker must not linger.
      setTimeout(() => process.exit(), 5_000).unref();
    });

  withRedis(batch.command('status'))
    .description('Files in a batch: total, done, failed, waiting, active, files per second over the last minute, time left')
    .argument('<batch>', 'the batch name')
    .option('--json', 'print {"total","done","failed","waiting","active","rate"} as JSON')
    .action(async (name: string, flags: { redis: string; json?: boolean }) => {
      const { batchStatus, etaSeconds } = await library();
      const s = await batchStatus(name, { redis: flags.redis });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(s)}\n`);
        return;
      }
      const eta = etaSeconds(s);
      const finished = s.done + s.failed >= s.total;
      process.stdout.write(
        `${name}: ${plural(s.total, 'file')} — ${s.done} done, ${s.failed} failed, ${s.waiting} waiting, ${s.active} active\n` +
        `${s.rate} files/s over the last minute; ${finished ? 'finished' : eta === undefined ? 'time left unknown (no recent progress)' : `about ${formatDuration(eta)} left`}\n`,
      );
    });

  withRedis(batch.command('results'))
    .description("Every file's result once, in predict's JSON (stdout unless --json) and CSV; failed files with their error")
    .argument('<batch>', 'the batch name')
    .option('--json <file>', 'write the JSON to this file instead of stdout (- = stdout)')
    .option('--csv <file>', 'also write one CSV row per face (and per failed file; - = stdout, with --json to a file)')
    .action(async (name: string, flags: { redis: string; json?: string; csv?: string }) => {
      const targets = jsonCsvTargets(flags.json, flags.csv);
      const outputs = [['--json', targets.json], ['--csv', targets.csv]] as const;
      await checkSeparateOutputs(outputs);
      for (const [flag, path] of outputs) if (path !== undefined) await checkOutput(path, 'file', flag); // before Redis
      const { writeBatchResults } = await library();
      const csvOnStdout = targets.csv === STDOUT;
      const r = await writeBatchResults(name, {
        redis: flags.redis,
        json: targets.json,
        csv: csvOnStdout ? undefined : targets.csv,
        jsonStream: targets.json === undefined ? process.stdout : undefined,
        csvStream: csvOnStdout ? process.stdout : undefined,
      });
      process.stderr.write(`emoscope: ${name}: ${plural(r.files, 'file')}, ${r.failed} failed\n`);
    });

  withRedis(batch.command('clear'))
    .description("Delete a batch's results and its jobs still queued")
    .argument('<batch>', 'the batch name')
    .action(async (name: string, flags: { redis: string }) => {
      const { clearBatch } = await library();
      const r = await clearBatch(name, { redis: flags.redis });
      if (!r.existed && r.jobs === 0 && r.active === 0) throw new EmoscopeError('NOT_FOUND', `No batch named "${name}" in Redis at ${flags.redis}`);
      const held = r.active > 0 ? `; ${plural(r.active, 'job')} that workers are analysing now will finish and write nothing` : '';
      process.stdout.write(`${name}: cleared (${r.jobs} queued jobs removed${held})\n`);
    });
};

function withRedis(command: Command): Command {
  return command.requiredOption('--redis <url>', REDIS_HELP);
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
