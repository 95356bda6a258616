// The batch library against a real redis-server (started here on a Unix socket, stopped at the
// end): idempotent submit (emoscope's annotated copies left out; a file by another path, or changed,
// keeps one result counted once), a worker's results equal to the
// recognizer's, unreadable photos failed at once with their reason, status counts, streamed results
// in predict's JSON and CSV, completed jobs removed from Redis, clear, and clear errors for an
// unreachable server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, utimes, copyFile, writeFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { submitBatch } from '../src/batch/submit.js';
import { startBatchWorker } from '../src/batch/worker.js';
import { batchStatus } from '../src/batch/status.js';
import { batchResults, writeBatchResults } from '../src/batch/results.js';
import { Worker } from 'bullmq';
import { clearBatch } from '../src/batch/clear.js';
import { QUEUE_NAME, QUEUE_PREFIX } from '../src/batch/keys.js';
import { dropResults, storedCounts, writeResults } from '../src/batch/store.js';
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
import { COUPLE, SINGLE, saveTinyModel } from './predict-fixtures.js';
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
  assert.deepEqual(first, { files: 7, added: 7, changed: 0, jobs: 3, empty: [], ownOutputs: [], passedOver: [] });
  assert.deepEqual(await submitBatch([dir, good[0]!], { redis: redis.url, name: 'again', chunk: 3 }), { files: 7, added: 0, changed: 0, jobs: 0, empty: [], ownOutputs: [], passedOver: [] });
  await copyFile(SINGLE, join(dir, 'new.jpg'));
  const annotated = join(dir, 'new.0123abcd.jpg');
  await writeFile(annotated, await annotatePhoto(SINGLE, [])); // an annotated copy emoscope wrote: not a photo to submit
  await utimes(good[1]!, new Date(), new Date(Date.now() + 60_000)); // modified: a new version of the file, queued again
  assert.deepEqual(await submitBatch([dir], { redis: redis.url, name: 'again', chunk: 3 }), { files: 8, added: 2, changed: 1, jobs: 1, empty: [], ownOutputs: [annotated], passedOver: [] });
  const status = await batchStatus('again', { redis: redis.url });
  assert.deepEqual(status, { total: 8, done: 0, failed: 0, waiting: 8, active: 0, rate: 0 }, 'the modified file counts once');
  assert.equal(await redis.client.llen('{emoscope}:photos:wait'), 4, 'four jobs wait: 3 + 1');
  await clearBatch('again', { redis: redis.url });
  assert.equal(await redis.client.llen('{emoscope}:photos:wait'), 0, 'clear removes the batch\'s queued jobs');
});

test('clear says how many of the batch\'s jobs workers hold at that moment (they finish and write nothing), and removes the rest', async () => {
  const { dir } = await photoFolder(4);
  assert.equal((await submitBatch([dir], { redis: redis.url, name: 'held', chunk: 2 })).jobs, 2);
  // a worker takes one job and is still on it
  const connection = await connectRedis(redis.url, { durable: true });
  const taker = new Worker(QUEUE_NAME, null, { connection, prefix: QUEUE_PREFIX });
  try {
    const job = await taker.getNextJob('test-token');
    assert.ok(job, 'a job was taken');
    assert.deepEqual(await clearBatch('held', { redis: redis.url }), { existed: true, jobs: 1, active: 1 });
    assert.equal(await redis.client.llen('{emoscope}:photos:wait'), 0);
    await job.moveToCompleted('[]', 'test-token', false); // the worker finishes: the job leaves Redis
    assert.deepEqual(await redis.client.keys('{emoscope}:photos:held*'), []);
  } finally {
    await taker.close(true);
    connection.disconnect();
  }
});

test('writing a job\'s results twice (at-least-once processing) changes nothing; a file that changes kind moves between the counters; a dropped result is uncounted until written again', async () => {
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
  // dropped (the photos changed and were submitted again): uncounted, not listed, and filled by the next write, only-new ones too
  assert.equal(await dropResults(redis.client, 'twice', ['id-a', 'id-b', 'id-none']), 2);
  assert.equal(await dropResults(redis.client, 'twice', ['id-a']), 0, 'dropped once');
  assert.deepEqual(await storedCounts(redis.client, 'twice').then((c) => [c?.done, c?.failed]), [0, 0]);
  assert.deepEqual(await results('twice'), []);
  assert.equal(await writeResults(redis.client, 'twice', 'job-5', [records[1]], true), 1);
  assert.equal(await writeResults(redis.client, 'twice', 'job-6', [records[0]]), 1);
  assert.deepEqual(await storedCounts(redis.client, 'twice').then((c) => [c?.done, c?.failed]), [1, 1]);
  assert.deepEqual((await results('twice')).map((r) => r.file).sort(), [...good].sort());
  await clearBatch('twice', { redis: redis.url });
  assert.equal(await writeResults(redis.client, 'twice', 'job-4', records), -1, 'a cleared batch gets nothing written');
  assert.deepEqual(await redis.client.keys('emoscope:batch:{twice}:*'), []);
});

test('a photo changed since it was submitted keeps one result: the old one is dropped when it is queued again (waiting, counted once), then replaced', async () => {
  const { dir, good } = await photoFolder(2); // single.jpg, couple.jpg
  assert.equal((await submitBatch([dir], { redis: redis.url, name: 'changed' })).added, 2);
  await runWorker('changed');
  const [before] = (await results('changed')).filter((r) => r.file === good[0]);
  await copyFile(COUPLE, good[0]!); // the same path, new content (another size)
  assert.deepEqual(await submitBatch([dir], { redis: redis.url, name: 'changed' }), { files: 2, added: 1, changed: 1, jobs: 1, empty: [], ownOutputs: [], passedOver: [] });
  assert.deepEqual(await batchStatus('changed', { redis: redis.url }).then((s) => ({ ...s, rate: 0 })), { total: 2, done: 1, failed: 0, waiting: 1, active: 0, rate: 0 });
  assert.deepEqual((await results('changed')).map((r) => r.file), [good[1]], 'the old result is not listed');
  await runWorker('changed');
  const after = await results('changed');
  assert.deepEqual(after.map((r) => r.file).sort(), [...good].sort(), 'each file once');
  const byFile = new Map(after.map((r) => [r.file, r]));
  assert.deepEqual([byFile.get(good[0]!)?.width, byFile.get(good[0]!)?.height], [byFile.get(good[1]!)?.width, byFile.get(good[1]!)?.height], 'the new content\'s result');
  assert.notEqual(byFile.get(good[0]!)?.width, before?.width);
  assert.deepEqual(await batchStatus('changed', { redis: redis.url }).then((s) => [s.total, s.done, s.failed]), [2, 2, 0]);
  assert.equal((await submitBatch([dir], { redis: redis.url, name: 'changed' })).added, 0, 'unchanged now: nothing added');
  await clearBatch('changed', { redis: redis.url });
});

test('the same file by another path (a link to its folder or to it, a path through ..) is the same photo: nothing added twice', async () => {
  const { dir, good } = await photoFolder(2);
  const links = await tempDir();
  const folderLink = join(links, 'folder');
  const fileLink = join(links, 'photo.jpg');
  await symlink(dir, folderLink);
  await symlink(good[0]!, fileLink);
  assert.deepEqual(await submitBatch([dir], { redis: redis.url, name: 'linked' }), { files: 2, added: 2, changed: 0, jobs: 1, empty: [], ownOutputs: [], passedOver: [] });
  assert.deepEqual(await submitBatch([folderLink], { redis: redis.url, name: 'linked' }), { files: 2, added: 0, changed: 0, jobs: 0, empty: [], ownOutputs: [], passedOver: [] });
  assert.deepEqual(await submitBatch([fileLink, join(folderLink, '..', 'folder', 'photo-001.jpg')], { redis: redis.url, name: 'linked' }), { files: 2, added: 0, changed: 0, jobs: 0, empty: [], ownOutputs: [], passedOver: [] });
  assert.deepEqual(await batchStatus('linked', { redis: redis.url }).then((s) => s.total), 2);
  // in one submit: each real file once, by the first path given
  assert.deepEqual(await submitBatch([folderLink, dir, fileLink], { redis: redis.url, name: 'linked-once', chunk: 1 }), { files: 2, added: 2, changed: 0, jobs: 2, empty: [], ownOutputs: [], passedOver: [] });
  assert.deepEqual(await batchStatus('linked-once', { redis: redis.url }).then((s) => s.total), 2);
  assert.equal(await redis.client.llen('{emoscope}:photos:wait'), 3, 'one job per photo: 1 + 2');
  await clearBatch('linked', { redis: redis.url });
  await clearBatch('linked-once', { redis: redis.url });
});

test('submit lists the entries of the folders it passed over, with why; a broken link named explicitly is refused naming its missing target, before Redis is asked', async () => {
  const { dir, good } = await photoFolder(1);
  await writeFile(join(dir, '.DS_Store'), 'Finder');
  await symlink('gone.jpg', join(dir, 'broken.jpg'));
  await symlink(good[0]!, join(dir, 'link.jpg'));
  assert.deepEqual(await submitBatch([dir], { redis: redis.url, name: 'passed-over' }), { files: 1, added: 1, changed: 0, jobs: 1, empty: [], ownOutputs: [], passedOver: [
    { path: join(dir, '.DS_Store'), reason: 'hidden' },
    { path: join(dir, 'broken.jpg'), reason: 'broken-link', target: 'gone.jpg' },
    { path: join(dir, 'link.jpg'), reason: 'link' },
  ] });
  await clearBatch('passed-over', { redis: redis.url });
  const nowhere = 'redis://127.0.0.1:1'; // never asked: the inputs are checked first
  await assert.rejects(submitBatch([join(dir, 'broken.jpg'), join(dir, 'missing.jpg')], { redis: nowhere, name: 'passed-over' }), (e: EmoscopeError) => e.code === 'NOT_FOUND'
    && e.message === `No such file or folder: ${join(dir, 'missing.jpg')}; ${join(dir, 'broken.jpg')}: a symbolic link whose target gone.jpg (${join(dir, 'gone.jpg')}) does not exist`);
});

test('a batch an earlier emoscope submitted (its files a set of file versions): status and submit refuse it naming the key, results still read it', async () => {
  const { dir, good } = await photoFolder(1);
  const k = 'emoscope:batch:{earlier}';
  await redis.client.hset(`${k}:meta`, 'created', Date.now(), 'done', 1);
  await redis.client.sadd(`${k}:files`, 'old-version-id');
  await redis.client.hset(`${k}:results`, 'old-version-id', encodeResult({ file: good[0]!, width: 10, height: 10, faces: [] }));
  const earlier = (e: unknown): boolean => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT'
    && e.message === `Batch "earlier" was submitted by an earlier emoscope: ${k}:files is a set; expected a hash of photos (read its results with batch results, then clear it and submit again)`;
  await assert.rejects(batchStatus('earlier', { redis: redis.url }), earlier);
  await assert.rejects(submitBatch([dir], { redis: redis.url, name: 'earlier' }), earlier);
  assert.equal(await redis.client.scard(`${k}:files`), 1, 'nothing submitted');
  assert.deepEqual((await results('earlier')).map((r) => r.file), [good[0]]);
  await clearBatch('earlier', { redis: redis.url });
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

  assert.deepEqual(await clearBatch('main', { redis: redis.url }), { existed: true, jobs: 0, active: 0 });
  assert.deepEqual(await redis.client.keys('emoscope:batch:{main}:*'), []);
  await assert.rejects(batchStatus('main', { redis: redis.url }), (e: unknown) => e instanceof EmoscopeError && e.code === 'NOT_FOUND');
});

test('options are checked by name before Redis is asked: a misspelt or missing one is refused in words, and nothing is queued or started', async () => {
  const { dir } = await photoFolder(2);
  const refused = (message: RegExp) => (e: unknown): boolean => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT' && message.test(e.message);
  await assert.rejects(submitBatch([dir], { redis: redis.url, name: 'typo', chunks: 1 } as never), refused(/^Expected options named redis, name, chunk for submitBatch but received "chunks"$/));
  await assert.rejects(submitBatch([dir] as never, undefined as never), refused(/^Expected an options object with redis and name for submitBatch but received nothing$/));
  await assert.rejects(submitBatch(dir as never, { redis: redis.url, name: 'typo' }), refused(/^Expected a list of file and folder paths .* for inputs but received "/));
  await assert.rejects(submitBatch([dir], { redis: 'redis:/nowhere', name: 'typo' }), refused(/^Expected a Redis URL .* but received "redis:\/nowhere"$/));
  await assert.rejects(batchStatus('typo', { redis: redis.url }), (e: unknown) => e instanceof EmoscopeError && e.code === 'NOT_FOUND', 'nothing was submitted');
  await assert.rejects(batchStatus('typo', { rediss: redis.url } as never), refused(/^Expected options named redis for batchStatus but received "rediss"$/));
  await assert.rejects(batchStatus('typo', undefined as never), refused(/^Expected an options object with redis for batchStatus but received nothing$/));
  await assert.rejects(clearBatch('typo', { redis: redis.url, force: true } as never), refused(/for clearBatch but received "force"$/));
  await assert.rejects(batchResults('typo', { url: redis.url } as never).next(), refused(/^Expected options named redis for batchResults but received "url"$/));
  const json = join(await tempDir(), 'r.json');
  await assert.rejects(writeBatchResults('typo', { redis: redis.url, jsn: json } as never), refused(/^Expected options named redis, json, csv, jsonStream, csvStream for writeBatchResults but received "jsn"$/));
  await assert.rejects(startBatchWorker({ redis: redis.url, model, concurency: 2 } as never), refused(/^Expected options named redis, concurrency, model, recognizer, lockDuration, stalledInterval, stopTimeout, log for startBatchWorker but received "concurency"$/));
  await assert.rejects(startBatchWorker({ redis: redis.url, model, log: 'stderr' } as never), refused(/^Expected a function that takes a line of text for log but received "stderr"$/));
  assert.deepEqual(await redis.client.keys('*typo*'), [], 'nothing of the batch in Redis');
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

/** Every stored result of batch `name`. */
async function results(name: string): Promise<PhotoResult[]> {
  const out: PhotoResult[] = [];
  for await (const r of batchResults(name, { redis: redis.url })) out.push(r);
  return out;
}

/** Runs a worker (the tiny model) until batch `name` is finished. */
async function runWorker(name: string): Promise<void> {
  const worker = await startBatchWorker({ redis: redis.url, model });
  try {
    await waitForStatus(name, redis.url, finished);
  } finally {
    await worker.close();
  }
}

/** A TCP port on 127.0.0.1 with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
