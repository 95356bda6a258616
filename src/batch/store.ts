// The results of a batch in Redis: one hash field per photo (written by one Lua script per job, so
// that a job processed twice — a stalled job taken by a second worker while the first still runs —
// rewrites the same fields and counts nothing twice; a photo submitted again after it changed has
// its result dropped, uncounted, until its new job writes one), the done/failed counters beside it,
// and a cursor over the results that never holds more than one page.
import type { Redis } from 'ioredis';
import { EmoscopeError } from '../errors.js';
import { RATE_WINDOW_MS } from './defaults.js';
import { batchKeys } from './keys.js';
import { decodeResult, DONE_MARK, PENDING_MARK } from './record.js';
import type { PhotoResult } from '../types.js';

/**
 * KEYS: meta, results, rate. ARGV: rate member, mode ('all', or 'new': only files without a
 * result), then id, record pairs. Nothing is written for a batch that was cleared (no meta).
 * A file's first result costs one HSETNX; a second one (a job processed twice) looks at the
 * previous kind, so that the counters move only when a file gets its first result or changes kind.
 * A dropped result (PENDING_MARK, see DROP_SCRIPT) counts as none.
 * Returns the number of files that had no result before, or -1 for a cleared batch.
 */
const WRITE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local done, failed, fresh = 0, 0, 0
for i = 3, #ARGV, 2 do
  local kind = string.sub(ARGV[i + 1], 1, 1)
  local before = nil
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 0 then
    before = string.sub(redis.call('HGET', KEYS[2], ARGV[i]), 1, 1)
  end
  if before == nil or before == '${PENDING_MARK}' then
    if before ~= nil then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
    fresh = fresh + 1
    if kind == '${DONE_MARK}' then done = done + 1 else failed = failed + 1 end
  elseif ARGV[2] ~= 'new' then
    if before ~= kind then
      if before == '${DONE_MARK}' then done = done - 1 else failed = failed - 1 end
      if kind == '${DONE_MARK}' then done = done + 1 else failed = failed + 1 end
    end
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  end
end
if done ~= 0 then redis.call('HINCRBY', KEYS[1], 'done', done) end
if failed ~= 0 then redis.call('HINCRBY', KEYS[1], 'failed', failed) end
redis.call('HSETNX', KEYS[1], 'first', now)
redis.call('ZADD', KEYS[3], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ${RATE_WINDOW_MS})
return fresh
`;

/**
 * KEYS: meta, results. ARGV: photo ids. Each result stored is replaced by PENDING_MARK (the field
 * is kept: see scanResults) and taken off its counter. Returns the number of results dropped.
 */
const DROP_SCRIPT = `
local done, failed, dropped = 0, 0, 0
for i = 1, #ARGV do
  local value = redis.call('HGET', KEYS[2], ARGV[i])
  if value and value ~= '${PENDING_MARK}' then
    if string.sub(value, 1, 1) == '${DONE_MARK}' then done = done + 1 else failed = failed + 1 end
    redis.call('HSET', KEYS[2], ARGV[i], '${PENDING_MARK}')
    dropped = dropped + 1
  end
end
if done ~= 0 then redis.call('HINCRBY', KEYS[1], 'done', -done) end
if failed ~= 0 then redis.call('HINCRBY', KEYS[1], 'failed', -failed) end
return dropped
`;

type WriteCommand = (meta: string, results: string, rate: string, member: string, mode: string, ...pairs: string[]) => Promise<number>;
type DropCommand = (meta: string, results: string, ...ids: string[]) => Promise<number>;

/**
 * Stores the records of one job (file id → record.ts value) and counts them for the rate; with
 * `onlyNew`, files that already have a result keep it. Returns how many files got their first
 * result, or -1 if the batch was cleared meanwhile.
 */
export async function writeResults(redis: Redis, batch: string, jobId: string, records: ReadonlyArray<readonly [string, string]>, onlyNew = false): Promise<number> {
  const command = 'emoscopeWriteResults';
  if (!(command in redis)) redis.defineCommand(command, { numberOfKeys: 3, lua: WRITE_SCRIPT });
  const k = batchKeys(batch);
  const write = (redis as unknown as Record<string, WriteCommand>)[command]!.bind(redis);
  return write(k.meta, k.results, k.rate, `${records.length}:${jobId}`, onlyNew ? 'new' : 'all', ...records.flat());
}

/**
 * Drops the results of photos submitted again after they changed (called before their new jobs are
 * queued, so that a new job's result is never the one dropped): until a job writes a new result, such a
 * photo counts as waiting and is not listed. Returns how many results were dropped.
 */
export async function dropResults(redis: Redis, batch: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const command = 'emoscopeDropResults';
  if (!(command in redis)) redis.defineCommand(command, { numberOfKeys: 2, lua: DROP_SCRIPT });
  const k = batchKeys(batch);
  const drop = (redis as unknown as Record<string, DropCommand>)[command]!.bind(redis);
  return drop(k.meta, k.results, ...ids);
}

/** True while batch `name` exists (submitted and not cleared). */
export async function batchExists(redis: Redis, name: string): Promise<boolean> {
  return (await redis.exists(batchKeys(name).meta)) === 1;
}

/**
 * Throws BAD_ARGUMENT for batch `name` if an earlier emoscope submitted it (its files key a set of
 * file versions, not a hash of photos): its results can be read, but its counts and a new submit
 * would be wrong. `type` is the Redis TYPE of its files key.
 */
export function checkFilesType(name: string, type: string): void {
  if (type === 'hash' || type === 'none') return;
  throw new EmoscopeError('BAD_ARGUMENT', `Batch "${name}" was submitted by an earlier emoscope: ${batchKeys(name).files} is a ${type}; expected a hash of photos (read its results with batch results, then clear it and submit again)`);
}

/** Counts kept beside the results. */
export interface StoredCounts {
  /** files submitted (one per real file) */
  total: number;
  /** files with a result */
  done: number;
  /** files that could not be read (or whose job was given up) */
  failed: number;
  /** files per second over the last minute (or since the first result, if less) */
  rate: number;
}

/** The counts of batch `name`, from five reads in one round trip; undefined if there is no such batch. */
export async function storedCounts(redis: Redis, name: string): Promise<StoredCounts | undefined> {
  const k = batchKeys(name);
  const [[, meta], [, type], [, total], [, now], [, recent]] = (await redis
    .multi()
    .hgetall(k.meta)
    .type(k.files)
    .hlen(k.files)
    .time()
    .zrange(k.rate, 0, -1, 'WITHSCORES')
    .exec())! as [[unknown, Record<string, string>], [unknown, string], [unknown, number], [unknown, [string, string]], [unknown, string[]]];
  if (Object.keys(meta).length === 0) return undefined;
  checkFilesType(name, type); // before `total`, which is an error for an earlier emoscope's batch
  const nowMs = Number(now[0]) * 1000 + Math.floor(Number(now[1]) / 1000);
  let files = 0;
  for (let i = 0; i < recent.length; i += 2) {
    if (Number(recent[i + 1]) >= nowMs - RATE_WINDOW_MS) files += Number.parseInt(recent[i]!, 10);
  }
  const first = meta.first === undefined ? undefined : Number(meta.first);
  const window = first === undefined ? 0 : Math.min(RATE_WINDOW_MS, nowMs - first);
  const rate = window > 0 ? files / (window / 1000) : 0;
  return { total, done: Number(meta.done ?? 0), failed: Number(meta.failed ?? 0), rate: Math.round(rate * 100) / 100 };
}

/**
 * Every stored result of batch `name`, one page (`count` fields) at a time, through HSCAN.
 * HSCAN returns an element twice only if the hash shrinks during the scan, which happens only when
 * fields are deleted; no field of a results hash is ever deleted (a dropped result is replaced by
 * PENDING_MARK, skipped here; clear drops the whole key), so each file comes exactly once.
 */
export async function* scanResults(redis: Redis, name: string, count = 1000): AsyncGenerator<PhotoResult> {
  const key = batchKeys(name).results;
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', count);
    cursor = next;
    for (let i = 1; i < flat.length; i += 2) if (flat[i] !== PENDING_MARK) yield decodeResult(flat[i]!);
  } while (cursor !== '0');
}

/** Deletes the batch's keys (not its jobs: see clear.ts). Returns true if it existed. */
export async function deleteBatchKeys(redis: Redis, name: string): Promise<boolean> {
  const k = batchKeys(name);
  const existed = await redis.exists(k.meta);
  await redis.unlink(k.meta, k.files, k.results, k.rate); // UNLINK: a million-field hash is freed in the background
  return existed === 1;
}
