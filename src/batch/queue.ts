// The one BullMQ queue every batch goes through, on a client from connectRedis.
import { Queue } from 'bullmq';
import type { RedisClient } from './connection.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './keys.js';
import type { BatchJobData } from './jobs.js';

/**
 * The shared queue (for adding, listing and removing jobs) on `client`'s connection, so that a
 * command's queue calls wait, retry and give up exactly like its own. Call `close()` when done;
 * it leaves `client` open.
 */
export function openQueue(client: RedisClient): Queue<BatchJobData> {
  return new Queue<BatchJobData>(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX, streams: { events: { maxLen: 1000 } } }); // nobody listens to events: keep few
}
