// The one BullMQ queue every batch goes through, opened on a `--redis` URL.
import { Queue } from 'bullmq';
import { durableOptions } from './connection.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './keys.js';
import type { BatchJobData } from './jobs.js';

/** The shared queue (for adding, listing and removing jobs). Call `close()` when done. */
export function openQueue(url: string): Queue<BatchJobData> {
  return new Queue<BatchJobData>(QUEUE_NAME, { connection: durableOptions(url), prefix: QUEUE_PREFIX, streams: { events: { maxLen: 1000 } } }); // nobody listens to events: keep few
}
