// `batch clear`: deletes a batch's results and counters, and its jobs still waiting on the queue.
// A job that a worker holds at that moment finishes, but its results are not written (the write
// script finds no batch).
import { REDIS_OPTION_KEYS, connectRedis, lostRedis } from './connection.js';
import type { RedisConnectionOptions } from './connection.js';
import { checkOptionKeys } from '../util/option-keys.js';
import { parseJobData } from './jobs.js';
import { checkBatchName } from './keys.js';
import { openQueue } from './queue.js';
import { deleteBatchKeys } from './store.js';

/** What `clearBatch` did. */
export interface ClearResult {
  /** the batch had results or files recorded */
  existed: boolean;
  /** queued jobs removed */
  jobs: number;
  /** jobs of the batch that workers held at that moment: they finish, and write nothing */
  active: number;
}

/** Deletes batch `name`; resolves to whether it existed, how many queued jobs were removed and how many workers were analysing. */
export async function clearBatch(name: string, options: RedisConnectionOptions): Promise<ClearResult> {
  checkOptionKeys(options, REDIS_OPTION_KEYS, 'clearBatch', 'redis');
  checkBatchName(name);
  const redis = await connectRedis(options.redis);
  const queue = openQueue(redis);
  try {
    const existed = await deleteBatchKeys(redis, name);
    let jobs = 0;
    const states = ['wait', 'delayed', 'prioritized', 'failed'] as const;
    const page = 1000;
    for (const state of states) {
      // Pages move as jobs are removed: restart from the top after a page that removed something.
      for (let start = 0; ;) {
        const found = await queue.getJobs([state], start, start + page - 1);
        if (found.length === 0) break;
        let removed = 0;
        for (const job of found) {
          if (job && parseJobData(job.data)?.batch === name) {
            // taken by a worker meanwhile: it will find no batch and write nothing
            if (await job.remove().then(() => true, () => false)) removed++;
          }
        }
        jobs += removed;
        if (removed === 0) start += page;
      }
    }
    let active = 0;
    for (let start = 0; ; start += page) {
      const held = await queue.getJobs(['active'], start, start + page - 1);
      active += held.filter((job) => job && parseJobData(job.data)?.batch === name).length;
      if (held.length < page) break;
    }
    return { existed, jobs, active };
  } catch (error) {
    throw lostRedis(redis, options.redis, error);
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
