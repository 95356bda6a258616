// `batch status`: how far a batch is. Total, done and failed come from the batch's own keys; active
// counts the photos in jobs being processed now (listing the queue's active jobs, as many as there
// are workers); waiting is the rest.
import { EmoscopeError } from '../errors.js';
import { REDIS_OPTION_KEYS, connectRedis, lostRedis } from './connection.js';
import type { RedisConnectionOptions } from './connection.js';
import { checkOptionKeys } from '../util/option-keys.js';
import { parseJobData } from './jobs.js';
import { checkBatchName } from './keys.js';
import { openQueue } from './queue.js';
import { storedCounts } from './store.js';

/** A batch's progress, in files. */
export interface BatchStatus {
  /** files submitted */
  total: number;
  /** files with a result */
  done: number;
  /** files that could not be read, each with its error in the results */
  failed: number;
  /** files neither finished nor in a worker's hands */
  waiting: number;
  /** files in jobs that workers hold now (a dead worker's until the stalled-job check) */
  active: number;
  /** files finished per second over the last minute */
  rate: number;
}

/**
 * The progress of batch `name`. Throws NOT_FOUND for a batch that does not exist.
 * @example
 *   await batchStatus('archive-2023', { redis: 'redis://queue-host:6379' })
 *   // { total: 2000, done: 1216, failed: 2, waiting: 718, active: 64, rate: 21.4 }
 */
export async function batchStatus(name: string, options: RedisConnectionOptions): Promise<BatchStatus> {
  checkOptionKeys(options, REDIS_OPTION_KEYS, 'batchStatus', 'redis');
  checkBatchName(name);
  const redis = await connectRedis(options.redis);
  const queue = openQueue(redis);
  try {
    const counts = await storedCounts(redis, name);
    if (counts === undefined) throw new EmoscopeError('NOT_FOUND', `No batch named "${name}" in Redis at ${options.redis} (submit it first, or it was cleared)`);
    let inHand = 0;
    for (const job of await queue.getJobs(['active'])) {
      const data = parseJobData(job?.data);
      if (data?.batch === name) inHand += data.files.length;
    }
    const open = Math.max(0, counts.total - counts.done - counts.failed);
    const active = Math.min(inHand, open); // a job taken again after a stall may hold files that already have results
    return { total: counts.total, done: counts.done, failed: counts.failed, waiting: open - active, active, rate: counts.rate };
  } catch (error) {
    throw lostRedis(redis, options.redis, error);
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

/** Seconds until the batch is finished at its current rate, or undefined (no rate yet, or finished). */
export function etaSeconds(status: BatchStatus): number | undefined {
  const left = status.total - status.done - status.failed;
  if (left <= 0 || status.rate <= 0) return undefined;
  return Math.round(left / status.rate);
}
