// Batch inference through Redis, measured: N photos (copies of ../shared/photos at about 640 px,
// made at run time) submitted to a local redis-server, processed by 1 and then 2 worker processes
// (the CLI's `batch worker`) in the same run. Reports files/s and the scaling ratio, Redis commands
// per file (INFO commandstats, Lua scripts' inner commands included), Redis CPU per file (INFO cpu),
// and memory per stored result (MEMORY USAGE) — the numbers from which README works out how many
// worker machines one Redis can feed. `emoscope predict` on the same folder in the same run is the
// one-process reference: each worker count's files/s is also given as a ratio of predict's.
//
//   npm run bench:batch -- [--count 2000] [--workers 1,2] [--chunk 32] [--photos dir] [--model dir] [--json file]
import { startRedis } from '../test/helpers/redis.js';
import type { TestRedis } from '../test/helpers/redis.js';
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { submitBatch } from '../src/batch/submit.js';
import { startBatchWorker } from '../src/batch/worker.js';
import type { PhotoResult } from '../src/types.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'bin', 'emoscope.js');
const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '1,2' },
    chunk: { type: 'string', default: '32' },
    photos: { type: 'string', default: join(REPO, '..', 'shared', 'photos', 'deepface') },
    model: { type: 'string' },
    json: { type: 'string' },
    'queue-files': { type: 'string', default: '20000' },
  },
});
const COUNT = Number(args.count);
const CHUNK = Number(args.chunk);
const WORKER_COUNTS = args.workers!.split(',').map(Number);

interface RunResult {
  workers: number;
  files: number;
  seconds: number;
  filesPerSecond: number;
  submitSeconds: number;
  commandsPerFile: number;
  scriptCallsPerFile: number;
  redisCpuMsPerFile: number;
  resultBytesPerFile: number;
  batchBytesPerFile: number;
  topCommands: Record<string, number>;
}

/** The photos at 640 px wide, copied to `count` files in a temporary folder. */
async function makePhotos(dir: string): Promise<void> {
  const names = (await readdir(args.photos!)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  const small = join(dir, 'originals');
  await mkdir(small, { recursive: true });
  for (const name of names) await sharp(join(args.photos!, name)).autoOrient().resize({ width: 640 }).jpeg({ quality: 90 }).toFile(join(small, `${name}.jpg`));
  const copies = join(dir, 'photos');
  await mkdir(copies);
  for (let i = 0; i < COUNT; i++) {
    const sub = join(copies, String(Math.floor(i / 500)));
    if (i % 500 === 0) await mkdir(sub);
    await copyFile(join(small, `${names[i % names.length]}.jpg`), join(sub, `${String(i).padStart(6, '0')}.jpg`));
  }
}

function info(text: string, field: string): number {
  const m = new RegExp(`^${field}:([\\d.]+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** Seconds of CPU redis-server has used (user + system). */
function redisCpu(text: string): number {
  return info(text, 'used_cpu_user') + info(text, 'used_cpu_sys');
}

/** cmdstat lines → { command: [calls, usec] } */
function commandStats(text: string): Map<string, [number, number]> {
  const stats = new Map<string, [number, number]>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) stats.set(m[1]!, [Number(m[2]), Number(m[3])]);
  return stats;
}

async function spawnWorker(url: string): Promise<ChildProcess> {
  const model = args.model ? ['--model', args.model] : [];
  const proc = spawn(process.execPath, [CLI, 'batch', 'worker', '--redis', url, ...model], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  await new Promise<void>((resolveReady, reject) => {
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('worker ready')) resolveReady();
    });
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${text}`)));
  });
  proc.stderr!.resume();
  return proc;
}

async function run(workers: number, photos: string, url: string, client: Redis): Promise<RunResult> {
  await client.flushall();
  const procs = await Promise.all(Array.from({ length: workers }, () => spawnWorker(url))); // models loaded before the clock starts
  // Redis's own idle CPU (its timers) over a few seconds, subtracted below: slow workers must not make Redis look busy.
  const idle0 = redisCpu(await client.info('cpu'));
  await new Promise((r) => setTimeout(r, 5000));
  const idlePerSecond = (redisCpu(await client.info('cpu')) - idle0) / 5;
  await client.config('RESETSTAT');
  const cpu0 = redisCpu(await client.info('cpu'));
  const t0 = performance.now();
  const name = `bench-${workers}`;
  const submitted = await submitBatch([photos], { redis: url, name, chunk: CHUNK });
  const submitSeconds = (performance.now() - t0) / 1000;
  let polls = 0;
  for (;;) {
    polls++;
    const [done, failed] = await client.hmget(`emoscope:batch:{${name}}:meta`, 'done', 'failed');
    if (Number(done ?? 0) + Number(failed ?? 0) >= submitted.files) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (performance.now() - t0) / 1000;
  const [stats, cpu1] = [commandStats(await client.info('commandstats')), await client.info('cpu')];
  const hmget = stats.get('hmget');
  if (hmget) hmget[0] -= polls; // the benchmark's own polling
  const files = submitted.files;
  let calls = 0;
  for (const [, [c]] of stats) calls += c;
  calls -= (stats.get('info')?.[0] ?? 0) + (stats.get('config|resetstat')?.[0] ?? 0);
  const scriptCalls = (stats.get('evalsha')?.[0] ?? 0) + (stats.get('eval')?.[0] ?? 0);
  const cpuSeconds = Math.max(0, redisCpu(cpu1) - cpu0 - idlePerSecond * seconds);
  const resultBytes = Number(await client.call('MEMORY', 'USAGE', `emoscope:batch:{${name}}:results`, 'SAMPLES', '0'));
  const filesBytes = Number(await client.call('MEMORY', 'USAGE', `emoscope:batch:{${name}}:files`, 'SAMPLES', '0'));
  await Promise.all(procs.map(async (p) => {
    const exited = once(p, 'exit');
    p.kill('SIGTERM');
    await exited;
  }));
  const top = [...stats].sort((a, b) => b[1][0] - a[1][0]).slice(0, 10);
  return {
    workers,
    files,
    seconds: round(seconds, 1),
    filesPerSecond: round(files / seconds, 2),
    submitSeconds: round(submitSeconds, 2),
    commandsPerFile: round(calls / files, 2),
    scriptCallsPerFile: round(scriptCalls / files, 3),
    redisCpuMsPerFile: round((cpuSeconds * 1000) / files, 4),
    resultBytesPerFile: Math.round(resultBytes / files),
    batchBytesPerFile: Math.round((resultBytes + filesBytes) / files),
    topCommands: Object.fromEntries(top.map(([k, [c]]) => [k, round(c / files, 3)])),
  };
}

/** A typical stored result (one face), returned at once: the worker's Redis traffic without recognition. */
const STAND_IN = {
  async *recognizeEach(inputs: Iterable<unknown>): AsyncGenerator<PhotoResult> {
    for (const file of inputs) {
      yield { file: String(file), width: 640, height: 427, faces: [{ box: { x: 231, y: 88, width: 142, height: 143 }, score: 0.9321, emotion: 'happy', scores: { angry: 0.0123, disgust: 0.0011, fear: 0.0208, happy: 0.8791, sad: 0.0154, surprise: 0.0187, neutral: 0.0526 } }] };
    }
  },
  dispose() {},
};

interface QueueRun {
  files: number;
  filesPerSecond: number;
  commandsPerFile: number;
  redisCpuUsPerFile: number;
  redisCpuShare: number;
}

/**
 * The queue alone: `files` paths (not read) through two in-process workers whose recognizer answers
 * at once, concurrency 8 each. Redis's CPU per file here is what bounds how many machines one Redis feeds.
 */
async function queueOnly(url: string, client: Redis, files: number): Promise<QueueRun> {
  await client.flushall();
  const workers = await Promise.all([0, 1].map(() => startBatchWorker({ redis: url, recognizer: STAND_IN, concurrency: 8 })));
  const paths = Array.from({ length: files }, (_, i) => `/nowhere/${String(i).padStart(7, '0')}.jpg`);
  await client.config('RESETSTAT');
  const cpu0 = redisCpu(await client.info('cpu'));
  const t0 = performance.now();
  await submitBatch(paths, { redis: url, name: 'queue-only', chunk: CHUNK });
  let polls = 0;
  for (;;) {
    polls++;
    const [done] = await client.hmget('emoscope:batch:{queue-only}:meta', 'done');
    if (Number(done ?? 0) >= files) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = redisCpu(await client.info('cpu')) - cpu0;
  const stats = commandStats(await client.info('commandstats'));
  let calls = -polls - (stats.get('info')?.[0] ?? 0);
  for (const [, [c]] of stats) calls += c;
  await Promise.all(workers.map((w) => w.close()));
  return {
    files,
    filesPerSecond: Math.round(files / seconds),
    commandsPerFile: round(calls / files, 2),
    redisCpuUsPerFile: round((cpu * 1e6) / files, 1),
    redisCpuShare: round(cpu / seconds, 2),
  };
}

/** Seconds `emoscope predict` takes over `inputs` (the CLI, from start to exit, results written as JSON). */
async function predictSeconds(inputs: string[], out: string): Promise<number> {
  const model = args.model ? ['--model', args.model] : [];
  const t0 = performance.now();
  const proc = spawn(process.execPath, [CLI, 'predict', ...inputs, ...model, '--json', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = await once(proc, 'exit');
  if (code !== 0) throw new Error(`emoscope predict exited with ${code}`);
  return (performance.now() - t0) / 1000;
}

/**
 * `emoscope predict` over the whole folder, its start-up (loading the models, measured as predict on
 * one photo) taken off, as the workers' start-up is: files per second of one process.
 */
async function predictRun(photos: string, one: string, files: number): Promise<{ seconds: number; startupSeconds: number; filesPerSecond: number }> {
  const startupSeconds = await predictSeconds([one], join(dir, 'predict-one.json'));
  const seconds = (await predictSeconds([photos], join(dir, 'predict.json'))) - startupSeconds;
  return { seconds: round(seconds, 1), startupSeconds: round(startupSeconds, 1), filesPerSecond: round(files / seconds, 2) };
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

const dir = await mkdtemp(join(tmpdir(), 'emoscope-bench-batch-'));
const load0 = loadavg();
let redis: TestRedis | undefined;
try {
  process.stderr.write(`making ${COUNT} photos at 640 px in ${dir} …\n`);
  await makePhotos(dir);
  redis = await startRedis(); // a redis-server of its own on a Unix socket, as the tests start it
  const results: RunResult[] = [];
  for (const workers of WORKER_COUNTS) {
    process.stderr.write(`${workers} worker(s) …\n`);
    results.push(await run(workers, join(dir, 'photos'), redis.url, redis.client));
  }
  process.stderr.write('emoscope predict on the same folder …\n');
  const predict = await predictRun(join(dir, 'photos'), join(dir, 'photos', '0', '000000.jpg'), results[0]!.files);
  process.stderr.write('the queue alone …\n');
  const queue = await queueOnly(redis.url, redis.client, Number(args['queue-files']));
  const base = results[0]!;
  const version = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim().split(' ')[2];
  console.log(`Batch inference through Redis (${version}): ${COUNT} photos at 640 px, jobs of ${CHUNK}, redis-server on a Unix socket, no persistence`);
  console.log('');
  console.log('| workers | files/s | vs 1 worker | vs predict | Redis commands¹/file | script calls/file | Redis CPU µs/file | stored bytes/result | batch bytes/file² |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| \`emoscope predict\` (one process, no Redis) | ${predict.filesPerSecond} | | 1.00× | | | | | |`);
  for (const r of results) {
    console.log(`| ${r.workers} | ${r.filesPerSecond} | ${(r.filesPerSecond / base.filesPerSecond).toFixed(2)}× | ${(r.filesPerSecond / predict.filesPerSecond).toFixed(2)}× | ${r.commandsPerFile} | ${r.scriptCallsPerFile} | ${Math.round(r.redisCpuMsPerFile * 1000)} | ${r.resultBytesPerFile} | ${r.batchBytesPerFile} |`);
  }
  console.log('');
  console.log('¹ INFO commandstats, the commands run inside Lua scripts (BullMQ\'s and ours) included. ² the results hash and the set of submitted files.');
  console.log('');
  console.log(`The queue alone (${queue.files} files, 2 in-process workers whose recognizer answers at once, concurrency 8): ${queue.filesPerSecond} files/s, ` +
    `${queue.commandsPerFile} Redis commands/file, ${queue.redisCpuUsPerFile} µs of Redis CPU per file (Redis busy ${Math.round(queue.redisCpuShare * 100)} % of the time): ` +
    `one Redis core saturates at about ${Math.round(1e6 / queue.redisCpuUsPerFile)} files/s.`);
  console.log('');
  console.log(`emoscope predict: ${predict.seconds} s for ${base.files} files after ${predict.startupSeconds} s of start-up (predict on one photo), taken off as the workers' start-up is.`);
  console.log(`Submit: ${COUNT} files in ${base.submitSeconds} s (${Math.round(COUNT / base.submitSeconds)} files/s).`);
  console.log(`Commands per file, most frequent (${base.workers} worker): ${Object.entries(base.topCommands).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${load0.map((l) => l.toFixed(1)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (shared: timings are noisy).`);
  if (args.json) await writeFile(resolve(args.json), `${JSON.stringify({ count: COUNT, chunk: CHUNK, redis: version, loadStart: load0, loadEnd: loadavg(), predict, results, queueOnly: queue }, null, 2)}\n`);
} finally {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
}
