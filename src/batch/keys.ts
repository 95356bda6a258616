// Where a batch lives in Redis: one queue shared by every batch (BullMQ keys under `{emoscope}:photos:`)
// and, per batch, a few keys under `emoscope:batch:{<name>}:`. The braces are Redis Cluster hash tags:
// the queue's keys share one slot (BullMQ's scripts need that), and so do a batch's keys (our write
// script touches three of them), while different batches may live on different shards.
// A format in Redis has one owner: this file.
import { badArgument } from '../errors.js';

/** BullMQ's key prefix and queue name: every batch's jobs go through this one queue, so a worker serves any batch. */
export const QUEUE_PREFIX = '{emoscope}';
export const QUEUE_NAME = 'photos';

/** Batch names: letters, digits, `.`, `_`, `-` (no `:`, which BullMQ refuses in job ids). */
const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Checks a batch name and returns it. */
export function checkBatchName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw badArgument('the batch name (--name)', '1 to 100 letters, digits, ".", "_" or "-"', name);
  }
  return name;
}

/** The keys of batch `name`. */
export interface BatchKeys {
  /** hash: created (ms), chunk, done and failed counters, first (ms of the first result) */
  meta: string;
  /** hash photo id (jobs.ts, one per real file) → the version of it last submitted: its length is the batch's total */
  files: string;
  /** hash photo id → stored result (record.ts); one field per photo, so rewriting it is harmless, and a changed photo's is replaced */
  results: string;
  /** sorted set "<photos>:<job id>" scored by completion time (ms), trimmed to the last minute */
  rate: string;
}

export function batchKeys(name: string): BatchKeys {
  const base = `emoscope:batch:{${checkBatchName(name)}}`;
  return { meta: `${base}:meta`, files: `${base}:files`, results: `${base}:results`, rate: `${base}:rate` };
}
