// Jobs that BullMQ gave up (their processing threw on every attempt, or their workers died on them
// more than maxStalledCount times) still hold photos without a result. A worker records each such
// photo as failed with the reason, so that done + failed reaches the total, then removes the job.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseJobData } from './jobs.js';
import type { BatchJobData } from './jobs.js';
import { encodeFailure } from './record.js';
import { writeResults } from './store.js';

/** Records the photos of up to `limit` given-up jobs as failed (photos with a result keep it); returns how many jobs. */
export async function reapFailedJobs(queue: Queue<BatchJobData>, redis: Redis, limit = 100): Promise<number> {
  const jobs = await queue.getJobs(['failed'], 0, limit - 1);
  for (const job of jobs) {
    if (job === undefined || job.id === undefined) continue;
    const data = parseJobData(job.data);
    if (data !== undefined) {
      const reason = `given up after ${job.attemptsMade} attempt(s)${job.stalledCounter ? ` and ${job.stalledCounter} worker death(s)` : ''}: ${job.failedReason ?? 'no reason recorded'}`;
      const records = data.files.map(([id, path]) => [id, encodeFailure(path, 'INTERNAL', `${path}: ${reason}`)] as const);
      await writeResults(redis, data.batch, job.id, records, true);
    }
    await job.remove();
  }
  return jobs.length;
}
