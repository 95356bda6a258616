// `batch results`: every file's result exactly once, read from Redis a page at a time and written
// as it comes — predict's JSON (streamed array) and CSV (csv.ts's rows) — so that a million results
// never sit in memory together.
import { once } from 'node:events';
import { EmoscopeError } from '../errors.js';
import { CSV_HEADER_LINE, csvRows } from '../predict/csv.js';
import type { PhotoResult } from '../types.js';
import { openAtomicFile } from '../util/atomic.js';
import type { AtomicFileWriter } from '../util/atomic.js';
import { REDIS_OPTION_KEYS, connectRedis, lostRedis, redisOptions } from './connection.js';
import type { RedisConnectionOptions } from './connection.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { JsonArrayWriter } from './json-stream.js';
import { checkBatchName } from './keys.js';
import { batchExists, scanResults } from './store.js';

/**
 * The results of batch `name`, each file once, in no particular order (failed files have `error`
 * and `errorCode`). Throws NOT_FOUND for a batch that does not exist.
 * @example
 *   for await (const r of batchResults('archive-2023', { redis: 'redis://queue-host:6379' })) console.log(r.file, r.faces.length);
 */
export async function* batchResults(name: string, options: RedisConnectionOptions): AsyncGenerator<PhotoResult> {
  checkOptionKeys(options, REDIS_OPTION_KEYS, 'batchResults', 'redis');
  checkBatchName(name);
  const redis = await connectRedis(options.redis);
  try {
    if (!(await batchExists(redis, name))) throw new EmoscopeError('NOT_FOUND', `No batch named "${name}" in Redis at ${options.redis} (submit it first, or it was cleared)`);
    yield* scanResults(redis, name);
  } catch (error) {
    throw lostRedis(redis, options.redis, error);
  } finally {
    redis.disconnect();
  }
}

export interface WriteResultsOptions {
  redis: string;
  /** JSON file to write (atomically) */
  json?: string;
  /** CSV file to write (atomically) */
  csv?: string;
  /** a stream for the JSON when there is no `json` file (the CLI's stdout) */
  jsonStream?: NodeJS.WritableStream;
  /** a stream for the CSV when there is no `csv` file (the CLI's stdout with `--csv -`) */
  csvStream?: NodeJS.WritableStream;
}

const WRITE_RESULTS_OPTION_KEYS = optionKeys<WriteResultsOptions>({ redis: true, json: true, csv: true, jsonStream: true, csvStream: true });

/** Writes the results of batch `name` as JSON and/or CSV in one pass; resolves to the number of files and of failed ones. */
export async function writeBatchResults(name: string, options: WriteResultsOptions): Promise<{ files: number; failed: number }> {
  checkOptionKeys(options, WRITE_RESULTS_OPTION_KEYS, 'writeBatchResults', 'redis');
  checkBatchName(name); // before any file is opened
  redisOptions(options.redis);
  const files: AtomicFileWriter[] = [];
  try {
    const jsonFile = options.json === undefined ? undefined : await openAtomicFile(options.json);
    const csvFile = options.csv === undefined ? undefined : await openAtomicFile(options.csv);
    for (const f of [jsonFile, csvFile]) if (f) files.push(f);
    const stream = options.jsonStream;
    const json = jsonFile ? new JsonArrayWriter((t) => jsonFile.write(t)) : stream ? new JsonArrayWriter((t) => streamWrite(stream, t)) : undefined;
    const csvStream = options.csvStream;
    const writeCsv = csvFile ? (t: string) => csvFile.write(t) : csvStream ? (t: string) => streamWrite(csvStream, t) : undefined;
    await writeCsv?.(CSV_HEADER_LINE);
    let count = 0;
    let failed = 0;
    for await (const result of batchResults(name, { redis: options.redis })) {
      count++;
      if (result.error !== undefined) failed++;
      await json?.add(result);
      await writeCsv?.(csvRows(result));
    }
    await json?.end();
    for (const f of files.splice(0)) await f.commit();
    return { files: count, failed };
  } finally {
    for (const f of files) await f.abort();
  }
}

async function streamWrite(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
