// The batch library against a real redis-server (started here on a Unix socket, stopped at the
// end): idempotent submit (emoscope's annotated copies left out), a worker's results equal to the
// recognizer's, unreadable photos failed at once with their reason, status counts, streamed results
// in predict's JSON and CSV, completed jobs removed from Redis, clear, and clear errors for an
// unreachable server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, utimes, copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { submitBatch } from '../src/batch/submit.js';
import { startBatchWorker } from '../src/batch/worker.js';
import { batchStatus } from '../src/batch/status.js';
import { writeBatchResults } from '../src/batch/results.js';
import { clearBatch } from '../src/batch/clear.js';
import { storedCounts, writeResults } from '../src/batch/store.js';
import { encodeResult } from '../src/batch/record.js';
import { loadRecognizer } from '../src/predict/recognizer.js';
import { annotatePhoto } from '../src/vision/annotate.js';
import { CSV_HEADER_LINE, csvRows } from '../src/predict/csv.js';
import { EmoscopeError } from '../src/errors.js';
import { connectRedis, lostRedis } from '../src/batch/connection.js';
import type { PhotoResult } from '../src/types.js';
import { startRedis } from './helpers/redis.js';
import type { TestRedis } from './helpers/redis.js';
import { tempDir } from './helpers/paths.js';
import { SINGLE, saveTinyModel } from './predict-fixtures.js';
import { finished, photoFolder, waitForStatus } from './batch-fixtures.js';

let redis: TestRedis;
let model: string;
before(async () => {
  [redis, model] = await Promise.all([startRedis(), saveTinyModel()]);
});
after(async () => {
  await redis?.stop();
});

test('submitting the same files again adds nothing; a new or modified file is added; jobs hold --chunk photos', async () => {
  const { dir, good } = await photoFolder(7);
  const first = await submitBatch([dir], { redis: redis.url, name: 'again', chunk: 3 });
  assert.deepEqual(first, { files: 7, added: 7, jobs: 3, empty: [], ownOutputs: [] });
  assert.deepEqual(await submitBatch([dir, good[0]!], { redis: redis.url, name: 'again', chunk: 3 }), { files: 7, added: 0, jobs: 0, empty: [], ownOutputs: [] });
  await copyFile(SINGLE, join(dir, 'new.jpg'));
  const annotated = join(dir, 'new.0123abcd.jpg');
  await writeFile(annotated, await annotatePhoto(SINGLE, [])); // an annotated copy emoscope wrote: not a photo to submit
  await utimes(good[1]!, new Date(), new Date(Date.now() + 60_000)); // modified: a new version of the file
  assert.deepEqual(await submitBatch([dir], { redis: redis.url, name: 'again', chunk: 3 }), { files: 8, added: 2, jobs: 1, empty: [], ownOutputs: [annotated] });
  const status = await batchStatus('again', { redis: redis.url });
  assert.deepEqual(status, { total: 9, done: 0, failed: 0, waiting: 9, active: 0, rate: 0 });
  assert.equal(await redis.client.llen('{emoscope}:photos:wait'), 4, 'four jobs wait: 3 + 1');
  await clearBatch('again', { redis: redis.url });
  assert.equal(await redis.client.llen('{emoscope}:photos:wait'), 0, 'clear removes the batch\'s queued jobs');
});

test('writing a job\'s results twice (at-least-once processing) changes nothing; a file that changes kind moves between the counters', async () => {
  const { dir, good } = await photoFolder(2);
  await submitBatch([dir], { redis: redis.url, name: 'twice' });
  const ok = (file: string): PhotoResult => ({ file, width: 10, height: 10, faces: [] });
  const bad: PhotoResult = { file: good[1]!, width: 0, height: 0, faces: [], error: 'unreadable', errorCode: 'BAD_IMAGE' };
  const records = [['id-a', encodeResult(ok(good[0]!))], ['id-b', encodeResult(bad)]] as const;
  assert.equal(await writeResults(redis.client, 'twice', 'job-1', records), 2);
  assert.equal(await writeResults(redis.client, 'twice', 'job-1', records), 0, 'nothing new the second time');
  assert.deepEqual(await storedCounts(redis.client, 'twice').then((c) => [c?.done, c?.failed]), [1, 1]);
  assert.equal(await redis.client.hlen('emoscope:batch:{twice}:results'), 2);
  await writeResults(redis.client, 'twice', 'job-2', [['id-b', encodeResult(ok(good[1]!))]]);
  assert.deepEqual(await storedCounts(redis.client, 'twice').then((c) => [c?.done, c?.failed]), [2, 0]);
  await writeResults(redis.client, 'twice', 'job-3', [['id-b', encodeResult(bad)]], true);
  assert.deepEqual(await storedCounts(redis.client, 'twice').then((c) => [c?.done, c?.failed]), [2, 0], 'only-new writes keep a result');
  await clearBatch('twice', { redis: redis.url });
  assert.equal(await writeResults(redis.client, 'twice', 'job-4', records), -1, 'a cleared batch gets nothing written');
  assert.deepEqual(await redis.client.keys('emoscope:batch:{twice}:*'), []);
});

test('a worker processes a batch: every photo once, results equal to the recognizer\'s, bad photos failed at once, status and JSON/CSV', async () => {
  const { dir, good, bad } = await photoFolder(6, { bad: true });
  // a path that does not exist is refused at once (a typo); a photo deleted after it was submitted fails in the worker
  await assert.rejects(submitBatch([dir, join(dir, 'typo.jpg')], { redis: redis.url, name: 'main' }), (e: unknown) => e instanceof EmoscopeError && e.code === 'NOT_FOUND' && e.message === `No such file or folder: ${join(dir, 'typo.jpg')}`);
  const missing = join(await tempDir(), 'gone.jpg');
  await copyFile(good[0]!, missing);
  const submitted = await submitBatch([dir, missing], { redis: redis.url, name: 'main', chunk: 4 });
  await rm(missing);
  assert.equal(submitted.added, 10);
  const lines: string[] = [];
  const worker = await startBatchWorker({ redis: redis.url, model, log: (line) => lines.push(line) });
  let status;
  try {
    status = await waitForStatus('main', redis.url, finished);
  } finally {
    await worker.close();
  }
  assert.deepEqual({ ...status, rate: undefined }, { total: 10, done: 6, failed: 4, waiting: 0, active: 0, rate: undefined });
  assert.ok(status.rate > 0, 'files per second over the last minute');
  for (const file of [...bad, missing]) {
    assert.equal(lines.filter((l) => l.includes(file)).length, 1, `${file} is reported once: not retried`);
  }
  assert.ok(!lines.some((l) => /will be retried|given up/.test(l)), lines.join('\n'));

  const out = await tempDir();
  const written = await writeBatchResults('main', { redis: redis.url, json: join(out, 'r.json'), csv: join(out, 'r.csv') });
  assert.deepEqual(written, { files: 10, failed: 4 });
  const results = JSON.parse(await readFile(join(out, 'r.json'), 'utf8')) as PhotoResult[];
  assert.deepEqual(results.map((r) => r.file).sort(), [...good, ...bad, missing].sort(), 'every file exactly once');

  const recognizer = await loadRecognizer({ model });
  try {
    const expected = await recognizer.recognize([...good, ...bad, missing]);
    const byFile = new Map(results.map((r) => [r.file, r]));
    for (const e of expected) assert.deepEqual(byFile.get(e.file), e, `${e.file}: the same result as predict`);
  } finally {
    recognizer.dispose();
  }
  assert.deepEqual(results.filter((r) => r.error).map((r) => r.errorCode).sort(), ['BAD_IMAGE', 'BAD_IMAGE', 'NOT_FOUND', 'UNSUPPORTED_IMAGE']);
  assert.equal(await readFile(join(out, 'r.csv'), 'utf8'), CSV_HEADER_LINE + results.map(csvRows).join(''), 'predict\'s CSV rows, in the JSON\'s order');

  const keys = (await redis.client.keys('*')).sort();
  assert.deepEqual(keys.filter((k) => k.startsWith('emoscope:batch:{main}:')), ['emoscope:batch:{main}:files', 'emoscope:batch:{main}:meta', 'emoscope:batch:{main}:rate', 'emoscope:batch:{main}:results']);
  assert.deepEqual(keys.filter((k) => /^\{emoscope\}:photos:[^:]+\./.test(k)), [], 'completed jobs are removed');
  assert.equal(await redis.client.hlen('emoscope:batch:{main}:results'), 10);

  assert.deepEqual(await clearBatch('main', { redis: redis.url }), { existed: true, jobs: 0 });
  assert.deepEqual(await redis.client.keys('emoscope:batch:{main}:*'), []);
  await assert.rejects(batchStatus('main', { redis: redis.url }), (e: unknown) => e instanceof EmoscopeError && e.code === 'NOT_FOUND');
});

test('an unreachable Redis is UNAVAILABLE naming it, for submit, status, results and a worker', async () => {
  const port = await closedPort();
  const url = `redis://127.0.0.1:${port}`;
  const unavailable = (e: unknown): boolean => e instanceof EmoscopeError && e.code === 'UNAVAILABLE' && e.message.includes(`127.0.0.1:${port}`);
  const { dir } = await photoFolder(1);
  await assert.rejects(submitBatch([dir], { redis: url, name: 'x' }), unavailable);
  await assert.rejects(batchStatus('x', { redis: url }), unavailable);
  await assert.rejects(writeBatchResults('x', { redis: url, json: join(dir, 'r.json') }), unavailable);
  await assert.rejects(startBatchWorker({ redis: `unix://${dir}/no.sock`, model }), (e: unknown) => e instanceof EmoscopeError && e.code === 'UNAVAILABLE' && e.message.includes('no.sock'));
});

test('Redis lost after a one-shot command connected: its commands fail within seconds with UNAVAILABLE naming the server, not a wait for ever', { timeout: 60_000 }, async () => {
  const gone = await startRedis();
  const client = await connectRedis(gone.url);
  try {
    await gone.shutdown();
    const error = await client.hgetall('emoscope:batch:x:meta').then(() => undefined, (e: unknown) => lostRedis(client, gone.url, e));
    assert.ok(error instanceof EmoscopeError && error.code === 'UNAVAILABLE' && error.message.includes(gone.url), String(error));
  } finally {
    client.disconnect();
    await gone.stop();
  }
});

test('Redis frozen with the connection open (SIGSTOP): a one-shot command fails after its command timeout with UNAVAILABLE; a worker\'s connection waits', { timeout: 60_000 }, async () => {
  const frozen = await startRedis();
  const oneShot = await connectRedis(frozen.url, { commandTimeout: 1_000 });
  const durable = await connectRedis(frozen.url, { durable: true, commandTimeout: 1_000 });
  try {
    frozen.signal('SIGSTOP');
    const started = Date.now();
    const error = await oneShot.hgetall('emoscope:batch:x:meta').then(() => undefined, (e: unknown) => lostRedis(oneShot, frozen.url, e));
    assert.ok(error instanceof EmoscopeError && error.code === 'UNAVAILABLE', String(error));
    assert.match(error.message, new RegExp(`Redis at ${frozen.url} did not answer within 1 s`));
    assert.ok(Date.now() - started < 5_000, 'within about the timeout');
    const waiting = durable.get('emoscope:x');
    const answer = await Promise.race([waiting.then(() => 'answered', () => 'failed'), new Promise((r) => setTimeout(() => r('still waiting'), 2_000))]);
    assert.equal(answer, 'still waiting', 'a worker waits out a pause');
    frozen.signal('SIGCONT');
    assert.equal(await waiting, null, 'and gets its answer once the server resumes');
  } finally {
    frozen.signal('SIGCONT');
    oneShot.disconnect();
    durable.disconnect();
    await frozen.stop();
  }
});

/** A TCP port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
