// `batch submit`: files and folders → jobs of `chunk` photos on the shared queue. Idempotent: a
// file version already in the batch is skipped, and a job's id comes from its files, so that a
// submit cut off between adding jobs and marking their files is repeated without doubles.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EmoscopeError, badArgument } from '../errors.js';
import { listImageFiles } from '../vision/files.js';
import { printable } from '../util/printable.js';
import { connectRedis, lostRedis } from './connection.js';
import { BATCH_DEFAULTS } from './defaults.js';
import { fileId, jobId, jobOptions } from './jobs.js';
import type { JobFile } from './jobs.js';
import { batchKeys, checkBatchName } from './keys.js';
import { openQueue } from './queue.js';

export interface SubmitOptions {
  /** Redis URL: redis://host:port, rediss://…, unix:///path/to/redis.sock */
  redis: string;
  /** the batch's name (letters, digits, `.`, `_`, `-`) */
  name: string;
  /** photos per job (default BATCH_DEFAULTS.chunk) */
  chunk?: number;
}

export interface SubmitResult {
  /** files found in the inputs */
  files: number;
  /** of which new to the batch (the others were submitted before) */
  added: number;
  /** jobs added */
  jobs: number;
  /** folders without image files */
  empty: string[];
  /** pictures in the folders that emoscope wrote (annotated copies, charts), not submitted */
  ownOutputs: string[];
}

/** Files stat'ed and checked against Redis per round trip. */
const PAGE = 1024;

/**
 * Walks `inputs` (files and folders, as `predict` does), and enqueues the files new to batch
 * `name`. Paths are made absolute: workers on other machines must see the same paths.
 * @example
 *   await submitBatch(['/archive/2023'], { redis: 'redis://queue-host:6379', name: 'archive-2023' })
 *   // { files: 120000, added: 120000, jobs: 3750, empty: [], ownOutputs: [] }; again: { files: 120000, added: 0, jobs: 0, … }
 */
export async function submitBatch(inputs: readonly string[], options: SubmitOptions): Promise<SubmitResult> {
  const name = checkBatchName(options.name);
  const chunk = options.chunk ?? BATCH_DEFAULTS.chunk;
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > 10_000) throw badArgument('--chunk', 'a whole number from 1 to 10000', chunk);
  // A path missing here is a typo, not a photo for another machine: refused before Redis is asked.
  const missing = (await Promise.all(inputs.map((input) => stat(input).then(() => [], () => [input])))).flat();
  if (missing.length > 0) throw new EmoscopeError('NOT_FOUND', `No such file or folder: ${missing.map(printable).join(', ')}`);
  const { files, empty, ownOutputs } = await listImageFiles(inputs);
  const paths = [...new Set(files.map((f) => resolve(f)))];
  if (paths.length === 0) throw new EmoscopeError('BAD_ARGUMENT', `No images to submit in ${inputs.join(', ')}`);

  const redis = await connectRedis(options.redis);
  const queue = openQueue(redis);
  const keys = batchKeys(name);
  let added = 0;
  let jobs = 0;
  try {
    await redis.hsetnx(keys.meta, 'created', Date.now());
    await redis.hset(keys.meta, 'chunk', chunk);
    let pending: JobFile[] = [];
    const flush = async (all: boolean): Promise<void> => {
      const chunks: JobFile[][] = [];
      while (pending.length >= chunk || (all && pending.length > 0)) chunks.push(pending.splice(0, chunk));
      if (chunks.length === 0) return;
      await queue.addBulk(chunks.map((c) => {
        const id = jobId(name, c);
        return { name, data: { batch: name, files: c }, opts: jobOptions(id) };
      }));
      await redis.sadd(keys.files, ...chunks.flat().map(([id]) => id)); // only once their jobs exist
      jobs += chunks.length;
    };
    for (let start = 0; start < paths.length; start += PAGE) {
      const page = paths.slice(start, start + PAGE);
      const ids = await Promise.all(page.map(async (path) => {
        const info = await stat(path).catch(() => undefined); // a missing file is submitted too: its result will say so
        return fileId({ path, size: info?.size ?? -1, mtimeMs: info?.mtimeMs ?? 0 });
      }));
      const known = await redis.smismember(keys.files, ...ids);
      page.forEach((path, i) => {
        if (known[i] === 0) pending.push([ids[i]!, path]);
      });
      added += known.filter((k) => k === 0).length;
      await flush(false);
    }
    await flush(true);
    return { files: paths.length, added, jobs, empty, ownOutputs };
  } catch (error) {
    throw lostRedis(redis, options.redis, error);
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
