// `emoscope batch …` as a user runs it against a real redis-server: submit prints how many files
// were new (a folder through a link to it adds nothing; a changed photo counts once), status --json
// has exactly the documented fields, results writes predict's JSON and CSV
// files, clear removes the batch, and a bad or unreachable --redis is a clear error with exit code 1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBatchWorker } from '../src/batch/worker.js';
import { CSV_HEADER_LINE, csvRows } from '../src/predict/csv.js';
import type { PhotoResult } from '../src/types.js';
import { tempDir } from './helpers/paths.js';
import { startRedis } from './helpers/redis.js';
import type { TestRedis } from './helpers/redis.js';
import { COUPLE, saveTinyModel } from './predict-fixtures.js';
import { finished, photoFolder, waitForStatus } from './batch-fixtures.js';
import { runCli } from './helpers/cli.js';

const emoscope = (args: string[]) => runCli(args, { timeout: 60_000 }); // a hang fails instead of blocking the suite

let redis: TestRedis;
let model: string;
before(async () => {
  [redis, model] = await Promise.all([startRedis(), saveTinyModel()]);
});
after(async () => {
  await redis?.stop();
});

test('submit (twice), status --json, results --json --csv, status when finished, clear', { timeout: 300_000 }, async () => {
  const { dir, good, bad } = await photoFolder(3, { bad: true });
  const submit = await emoscope(['batch', 'submit', dir, '--redis', redis.url, '--name', 'cli', '--chunk', '2']);
  assert.equal(submit.code, 0, submit.stderr);
  assert.match(submit.stdout, /^cli: 6 new files of 6 \(0 submitted before\), in 3 jobs$/m);
  const again = await emoscope(['batch', 'submit', dir, '--redis', redis.url, '--name', 'cli']);
  assert.match(again.stdout, /^cli: 0 new files of 6 \(6 submitted before\), in 0 jobs$/m);

  const status = await emoscope(['batch', 'status', 'cli', '--redis', redis.url, '--json']);
  assert.deepEqual(JSON.parse(status.stdout), { total: 6, done: 0, failed: 0, waiting: 6, active: 0, rate: 0 });

  const worker = await startBatchWorker({ redis: redis.url, model });
  try {
    await waitForStatus('cli', redis.url, finished);
  } finally {
    await worker.close();
  }
  const out = await tempDir();
  const results = await emoscope(['batch', 'results', 'cli', '--redis', redis.url, '--json', join(out, 'r.json'), '--csv', join(out, 'r.csv')]);
  assert.equal(results.code, 0, results.stderr);
  assert.equal(results.stdout, '');
  const json = JSON.parse(await readFile(join(out, 'r.json'), 'utf8')) as PhotoResult[];
  assert.deepEqual(json.map((r) => r.file).sort(), [...good, ...bad].sort());
  assert.deepEqual(json.filter((r) => r.error).map((r) => [r.file, typeof r.error, r.errorCode !== undefined]).sort(), bad.map((f) => [f, 'string', true]).sort());
  assert.equal(await readFile(join(out, 'r.csv'), 'utf8'), CSV_HEADER_LINE + json.map(csvRows).join(''));
  const csvOut = await emoscope(['batch', 'results', 'cli', '--redis', redis.url, '--json', join(out, 'r2.json'), '--csv', '-']);
  assert.equal(csvOut.code, 0, csvOut.stderr);
  assert.equal(csvOut.stdout, CSV_HEADER_LINE + json.map(csvRows).join(''), '--csv - is stdout');
  const jsonOut = await emoscope(['batch', 'results', 'cli', '--redis', redis.url, '--json', '-']);
  assert.deepEqual(JSON.parse(jsonOut.stdout), json, '--json - is stdout');
  assert.deepEqual((await readdir(out)).sort(), ['r.csv', 'r.json', 'r2.json']);
  const same = await emoscope(['batch', 'results', 'cli', '--redis', redis.url, '--json', join(out, 'r.json'), '--csv', join(out, 'r.json')]);
  assert.match(same.stderr, /Cannot write --csv .*r\.json: --json names the same file/);
  assert.deepEqual(JSON.parse(await readFile(join(out, 'r.json'), 'utf8')), json, 'r.json kept');

  const done = await emoscope(['batch', 'status', 'cli', '--redis', redis.url]);
  assert.match(done.stdout, /cli: 6 files — 3 done, 3 failed, 0 waiting, 0 active/);
  assert.match(done.stdout, /finished/);

  const clear = await emoscope(['batch', 'clear', 'cli', '--redis', redis.url]);
  assert.equal(clear.code, 0);
  const gone = await emoscope(['batch', 'results', 'cli', '--redis', redis.url]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /No batch named "cli"/);
});

test('submit through a link to the folder adds nothing; a changed photo is submitted again and counted once', { timeout: 120_000 }, async () => {
  const { dir, good } = await photoFolder(2);
  const link = join(await tempDir(), 'link');
  await symlink(dir, link);
  const submit = (input: string) => emoscope(['batch', 'submit', input, '--redis', redis.url, '--name', 'paths']);
  assert.match((await submit(dir)).stdout, /^paths: 2 new files of 2 \(0 submitted before\), in 1 job$/m);
  const linked = await submit(link);
  assert.equal(linked.code, 0, linked.stderr);
  assert.match(linked.stdout, /^paths: 0 new files of 2 \(2 submitted before\), in 0 jobs$/m);
  await copyFile(COUPLE, good[0]!); // single.jpg's copy becomes another photo
  assert.match((await submit(link)).stdout, /^paths: 0 new files and 1 changed since submitted of 2 \(1 submitted before\), in 1 job$/m);
  const status = await emoscope(['batch', 'status', 'paths', '--redis', redis.url, '--json']);
  assert.deepEqual(JSON.parse(status.stdout), { total: 2, done: 0, failed: 0, waiting: 2, active: 0, rate: 0 });
  assert.equal((await emoscope(['batch', 'clear', 'paths', '--redis', redis.url])).code, 0);
});

test('submit says on stderr what it passed over in the folders, its stdout line unchanged; a broken link named is refused naming its target', { timeout: 120_000 }, async () => {
  const { dir } = await photoFolder(1);
  await writeFile(join(dir, '.DS_Store'), 'Finder');
  await symlink('gone.jpg', join(dir, 'broken.jpg'));
  const submit = await emoscope(['batch', 'submit', dir, '--redis', redis.url, '--name', 'passed']);
  assert.equal(submit.code, 0, submit.stderr);
  assert.equal(submit.stdout, 'passed: 1 new file of 1 (0 submitted before), in 1 job\n');
  assert.equal(submit.stderr, `emoscope: passed over 2 entries: 1 hidden file or folder (${dir}/.DS_Store), 1 broken symbolic link (${dir}/broken.jpg → gone.jpg)\n`);
  assert.equal((await emoscope(['batch', 'clear', 'passed', '--redis', redis.url])).code, 0);
  const named = await emoscope(['batch', 'submit', join(dir, 'broken.jpg'), '--redis', redis.url, '--name', 'passed']);
  assert.equal(named.code, 1);
  assert.match(named.stderr, new RegExp(`broken\\.jpg: a symbolic link whose target gone\\.jpg \\(${dir}/gone\\.jpg\\) does not exist`));
});

test('results --json or --csv onto a photo: refused before Redis is asked, the photo kept', async () => {
  const { good } = await photoFolder(1);
  const photo = good[0]!;
  const before = await readFile(photo);
  for (const flag of ['--json', '--csv']) {
    const r = await emoscope(['batch', 'results', 'any', '--redis', 'redis://127.0.0.1:1', flag, photo]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Cannot write ${flag} .*: it is a JPEG file; results are never written over a photo, a drawing or a video`));
  }
  assert.deepEqual(await readFile(photo), before);
});

test('a malformed --redis URL and an unreachable server: exit 1 with a message naming them, not a hang', { timeout: 120_000 }, async () => {
  const dir = await tempDir();
  const [malformed, unreachable] = await Promise.all([
    emoscope(['batch', 'status', 'x', '--redis', 'localhost:6379']),
    emoscope(['batch', 'worker', '--redis', `unix://${dir}/no-redis.sock`, '--model', model]),
  ]);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /Expected a Redis URL .* for --redis but received "localhost:6379"/);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, new RegExp(`Redis at unix://${dir}/no-redis.sock cannot be reached`));
});
