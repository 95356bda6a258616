// `batch worker`: takes jobs of any batch from the shared queue, recognizes their photos with the
// library's recognizer (the same code path as `predict`) and stores one result per photo. A job
// is held under a lock that the worker renews; if the worker dies, BullMQ's stalled-job check hands
// the job to another worker. Processing is at least once, the writes are idempotent, so each photo
// has exactly one result.
import { hostname } from 'node:os';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { EmoscopeError, badArgument } from '../errors.js';
import { loadRecognizer } from '../predict/recognizer.js';
import type { Recognizer } from '../predict/recognizer.js';
import { connectRedis, displayUrl } from './connection.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { BATCH_DEFAULTS } from './defaults.js';
import { watchRedis } from './heartbeat.js';
import { parseJobData } from './jobs.js';
import type { BatchJobData } from './jobs.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './keys.js';
import { openQueue } from './queue.js';
import { reapFailedJobs } from './reaper.js';
import { encodeResult } from './record.js';
import { batchExists, writeResults } from './store.js';

export interface BatchWorkerOptions {
  /** Redis URL: redis://host:port, rediss://…, unix:///path/to/redis.sock */
  redis: string;
  /** jobs at once (default BATCH_DEFAULTS.concurrency) */
  concurrency?: number;
  /** the classifier's model folder (default: the shipped model) */
  model?: string;
  /** a recognizer already loaded (other settings than the defaults, or a stand-in that measures the queue alone); not disposed by `close` */
  recognizer?: Pick<Recognizer, 'recognizeEach' | 'dispose'>;
  /** ms a job stays locked without a heartbeat (default BATCH_DEFAULTS.lockDuration); tests shorten it */
  lockDuration?: number;
  /** ms between checks for jobs of dead workers (default BATCH_DEFAULTS.stalledInterval) */
  stalledInterval?: number;
  /** ms a stopping worker waits for a lost Redis (default BATCH_DEFAULTS.stopTimeout) */
  stopTimeout?: number;
  /** where progress lines and connection troubles go (default: nowhere) */
  log?: (line: string) => void;
}

const WORKER_OPTION_KEYS = optionKeys<BatchWorkerOptions>({ redis: true, concurrency: true, model: true, recognizer: true, lockDuration: true, stalledInterval: true, stopTimeout: true, log: true });

/** A running worker. */
export interface BatchWorker {
  /**
   * Stops taking jobs, waits for the jobs in hand to finish and stores their results, then
   * disconnects. If Redis stops answering meanwhile (for `stopTimeout` ms), drops the connections
   * and rejects with UNAVAILABLE: the jobs in hand stay in the queue and go to another worker once
   * their lock expires.
   */
  close(): Promise<void>;
}

/**
 * Connects (UNAVAILABLE within seconds if Redis does not answer), loads the recognizer and starts
 * taking jobs.
 * @example
 *   const worker = await startBatchWorker({ redis: 'redis://queue-host:6379', log: console.error });
 *   process.once('SIGTERM', () => worker.close());
 */
export async function startBatchWorker(options: BatchWorkerOptions): Promise<BatchWorker> {
  checkOptionKeys(options, WORKER_OPTION_KEYS, 'startBatchWorker', 'redis');
  const concurrency = positive('--concurrency', options.concurrency ?? BATCH_DEFAULTS.concurrency);
  const lockDuration = positive('--lock-duration', options.lockDuration ?? BATCH_DEFAULTS.lockDuration);
  const stalledInterval = positive('--stalled-interval', options.stalledInterval ?? BATCH_DEFAULTS.stalledInterval);
  const stopTimeout = positive('stopTimeout', options.stopTimeout ?? BATCH_DEFAULTS.stopTimeout);
  if (options.log !== undefined && typeof options.log !== 'function') throw badArgument('log', 'a function that takes a line of text', options.log);
  const log = options.log ?? (() => undefined);
  const redis = await connectRedis(options.redis, { durable: true });
  let recognizer: Pick<Recognizer, 'recognizeEach' | 'dispose'>;
  try {
    recognizer = options.recognizer ?? (await loadRecognizer({ model: options.model }));
  } catch (error) {
    redis.disconnect();
    throw error;
  }

  let inHand = 0; // jobs being processed: while none is, a stopping worker has nothing to store
  const processJob = async (job: Job<BatchJobData>): Promise<string> => {
    inHand++;
    try {
      return await processBatchJob(job);
    } finally {
      inHand--;
    }
  };
  const processBatchJob = async (job: Job<BatchJobData>): Promise<string> => {
    const data = parseJobData(job.data);
    if (data === undefined || job.id === undefined) throw new UnrecoverableError(`job ${job.id}: not a batch job of this emoscope version`);
    if (!(await batchExists(redis, data.batch))) return 'batch cleared';
    const started = Date.now();
    const records: [string, string][] = [];
    let unreadable = 0;
    for await (const result of recognizer.recognizeEach(data.files.map(([, path]) => path))) {
      records.push([data.files[records.length]![0], encodeResult(result)]);
      if (result.error !== undefined) {
        unreadable++;
        log(`${data.batch}: ${result.error}`);
      }
    }
    await writeResults(redis, data.batch, job.id, records);
    log(`${data.batch}: ${records.length} photo${records.length === 1 ? '' : 's'}${unreadable ? ` (${unreadable} unreadable)` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 'done';
  };

  const worker = new Worker<BatchJobData, string>(QUEUE_NAME, processJob, {
    connection: redis, // BullMQ makes its own connections as duplicates of this one (same retries, same family)
    name: `${hostname()}:${process.pid}`, // stored on the jobs it holds (BullMQ's processedBy): who has a job
    prefix: QUEUE_PREFIX,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount: BATCH_DEFAULTS.maxStalledCount,
    removeOnComplete: { count: 0 },
    autorun: false,
  });
  let lastTrouble = 0;
  const trouble = (error: Error): void => {
    if (Date.now() - lastTrouble < 5_000) return; // an outage raises an error per retry: say it every few seconds
    lastTrouble = Date.now();
    log(`Redis: ${error.message} (retrying)`);
  };
  worker.on('error', trouble);
  redis.on('error', trouble);
  worker.on('failed', (job, error) => {
    if (job) log(`job ${job.id}: ${error.message}${job.attemptsMade < (job.opts.attempts ?? 1) ? ' (will be retried)' : ''}`);
  });

  const queue = openQueue(redis);
  queue.on('error', trouble);
  const reap = (): void => {
    reapFailedJobs(queue, redis).catch(trouble);
  };
  const reaper = setInterval(reap, stalledInterval);
  reap();
  const running = worker.run();
  running.catch((error: Error) => log(`worker stopped: ${error.message}`));

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        clearInterval(reaper);
        const heartbeat = watchRedis(redis, stopTimeout);
        // Idle and cut off from Redis: nothing to store and nothing to wait for. BullMQ's close would
        // otherwise wait on a connection of its own that was still connecting when Redis went, left
        // "reconnecting" for ever (seen in about one stop of four made 40-60 ms after Redis went).
        const cut = setInterval(() => {
          if (inHand === 0 && redis.status !== 'ready') redis.disconnectFamily();
        }, 100);
        const stopped = (async () => {
          await worker.close();
          await running.catch(() => undefined);
          await queue.close();
        })();
        const outcome = await Promise.race([stopped.then(() => 'stopped' as const), heartbeat.silent.then(() => 'lost' as const)]);
        heartbeat.stop();
        clearInterval(cut);
        if (!options.recognizer) recognizer.dispose();
        redis.disconnectFamily(); // BullMQ has closed its own connections; when Redis is lost, this drops them too
        if (outcome === 'lost') {
          stopped.catch(() => undefined);
          throw new EmoscopeError('UNAVAILABLE', `Redis at ${displayUrl(options.redis)} did not answer for ${stopTimeout / 1000} s while the worker was stopping: the jobs in hand were not stored; they go to another worker once their lock expires`);
        }
      })();
      return closing;
    },
  };
}

function positive(flag: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw badArgument(flag, 'a whole number of at least 1', value);
  return value;
}
