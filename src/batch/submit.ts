// `batch submit`: files and folders → jobs of `chunk` photos on the shared queue. A photo is a real
// file (symbolic links resolved: the same file by another path is the same photo), and its version
// its size and modification time. Idempotent: a photo already in the batch in the same version is
// skipped; one in another version (changed) has its result dropped, then is queued again, so that
// it keeps one result, counted once. A job's id comes from its photos and versions, so that a submit
// cut off between adding jobs and marking their photos is repeated without doubles.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EmoscopeError, badArgument } from '../errors.js';
import { listImageFiles, noImagesMessage } from '../vision/files.js';
import type { PassedOver } from '../vision/files.js';
import { printable } from '../util/printable.js';
import { brokenLink, describeBrokenLink } from '../util/broken-link.js';
import { realOrResolved } from '../util/check-output.js';
import { connectRedis, lostRedis, redisOptions } from './connection.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { BATCH_DEFAULTS } from './defaults.js';
import { fileVersion, jobId, jobOptions, photoId } from './jobs.js';
import type { QueuedFile } from './jobs.js';
import { batchKeys, checkBatchName } from './keys.js';
import { openQueue } from './queue.js';
import { checkFilesType, dropResults } from './store.js';

export interface SubmitOptions {
  /** Redis URL: redis://host:port, rediss://…, unix:///path/to/redis.sock */
  redis: string;
  /** the batch's name (letters, digits, `.`, `_`, `-`) */
  name: string;
  /** photos per job (default BATCH_DEFAULTS.chunk) */
  chunk?: number;
}

const SUBMIT_OPTION_KEYS = optionKeys<SubmitOptions>({ redis: true, name: true, chunk: true });

export interface SubmitResult {
  /** files found in the inputs (a file reached by two paths, such as a link to its folder, counts once) */
  files: number;
  /** of which new to the batch or changed since submitted (the others were submitted before, as they are) */
  added: number;
  /** of the added, those submitted before in another version (their earlier results dropped) */
  changed: number;
  /** jobs added */
  jobs: number;
  /** folders without image files */
  empty: string[];
  /** pictures in the folders that emoscope wrote (annotated copies, charts), not submitted */
  ownOutputs: string[];
  /** the other entries of the folders not submitted (hidden, symbolic links, FIFOs…), each with why */
  passedOver: PassedOver[];
}

/** Files stat'ed and checked against Redis per round trip. */
const PAGE = 1024;

/**
 * Walks `inputs` (files and folders, as `predict` does), and enqueues the files new to batch
 * `name` or changed since submitted (their earlier results are dropped). Paths are made absolute
 * (not resolved: workers on other machines must see the same paths); a file is recognised by its
 * real path, so that a folder submitted again through a link to it adds nothing.
 * @example
 *   await submitBatch(['/archive/2023'], { redis: 'redis://queue-host:6379', name: 'archive-2023' })
 *   // { files: 120000, added: 120000, changed: 0, jobs: 3750, empty: [], ownOutputs: [], passedOver: [] }; again: { files: 120000, added: 0, jobs: 0, … }
 */
export async function submitBatch(inputs: readonly string[], options: SubmitOptions): Promise<SubmitResult> {
  checkOptionKeys(options, SUBMIT_OPTION_KEYS, 'submitBatch', 'redis and name');
  if (!Array.isArray(inputs) || !inputs.every((input) => typeof input === 'string' && input !== '')) {
    throw badArgument('inputs', 'a list of file and folder paths (submitBatch([\'/archive\'], { redis, name }))', inputs);
  }
  const name = checkBatchName(options.name);
  redisOptions(options.redis); // a bad URL is named before the folders are walked
  const chunk = options.chunk ?? BATCH_DEFAULTS.chunk;
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > 10_000) throw badArgument('--chunk', 'a whole number from 1 to 10000', chunk);
  // A path missing here is a typo, not a photo for another machine: refused before Redis is asked.
  const missing = (await Promise.all(inputs.map((input) => stat(input).then(() => [], () => [input])))).flat();
  if (missing.length > 0) {
    // a broken symbolic link is said to be one, naming its missing target
    const links = await Promise.all(missing.map(brokenLink));
    const absent = missing.filter((_, i) => links[i] === undefined);
    const parts = absent.length > 0 ? [`No such file or folder: ${absent.map(printable).join(', ')}`] : [];
    links.forEach((link, i) => {
      if (link !== undefined) parts.push(`${printable(missing[i]!)}: ${describeBrokenLink(link)}`);
    });
    throw new EmoscopeError('NOT_FOUND', parts.join('; '));
  }
  const { files, empty, ownOutputs, passedOver } = await listImageFiles(inputs);
  const paths = [...new Set(files.map((f) => resolve(f)))];
  if (paths.length === 0) throw new EmoscopeError('BAD_ARGUMENT', noImagesMessage('submit', inputs, passedOver));

  const redis = await connectRedis(options.redis);
  const queue = openQueue(redis);
  const keys = batchKeys(name);
  let added = 0;
  let changedCount = 0;
  let jobs = 0;
  try {
    checkFilesType(name, await redis.type(keys.files));
    await redis.hsetnx(keys.meta, 'created', Date.now());
    await redis.hset(keys.meta, 'chunk', chunk);
    let pending: QueuedFile[] = [];
    const flush = async (all: boolean): Promise<void> => {
      const chunks: QueuedFile[][] = [];
      while (pending.length >= chunk || (all && pending.length > 0)) chunks.push(pending.splice(0, chunk));
      if (chunks.length === 0) return;
      await queue.addBulk(chunks.map((c) => ({ name, data: { batch: name, files: c.map(([id, path]) => [id, path] as const) }, opts: jobOptions(jobId(name, c)) })));
      await redis.hset(keys.files, ...chunks.flat().flatMap(([id, , version]) => [id, version])); // only once their jobs exist
      jobs += chunks.length;
    };
    const seen = new Set<string>(); // photo ids met in this submit: a file given by two paths is queued once
    let photos = 0;
    for (let start = 0; start < paths.length; start += PAGE) {
      const found = await Promise.all(paths.slice(start, start + PAGE).map(async (path): Promise<QueuedFile> => {
        const [real, info] = await Promise.all([realOrResolved(path), stat(path).catch(() => undefined)]); // a missing file is submitted too: its result will say so
        return [photoId(real), path, fileVersion(info)];
      }));
      const page = found.filter(([id]) => {
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      photos += page.length;
      if (page.length === 0) continue;
      const stored = await redis.hmget(keys.files, ...page.map(([id]) => id)); // the version submitted before, or null
      const queued = page.filter(([, , version], i) => stored[i] !== version);
      const changed = page.filter(([, , version], i) => stored[i] !== null && stored[i] !== version);
      // A changed photo's result goes before its new job is queued: dropped after, it could be the new one.
      await dropResults(redis, name, changed.map(([id]) => id));
      pending.push(...queued);
      added += queued.length;
      changedCount += changed.length;
      await flush(false);
    }
    await flush(true);
    return { files: photos, added, changed: changedCount, jobs, empty, ownOutputs, passedOver };
  } catch (error) {
    throw lostRedis(redis, options.redis, error);
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
