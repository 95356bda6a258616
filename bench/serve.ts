// How much the HTTP API costs over the library: `emoscope serve` started as a user starts it (the
// CLI, a child process), autocannon against POST /v1/analyze with a 640-px one-face photo and a
// 1920-px group photo at 1 and 8 connections; in the same run the library alone (loadRecognizer in
// the same number of worker threads, each recognizing the photo in a loop), so that the server's
// overhead is a ratio. Then a soak: RSS after 1,000 and after 10,000 requests.
//
//   npm run bench:serve -- [--duration 30] [--workers n] [--soak 10000] [--model dir]
//     [--photos ../shared/photos/deepface] [--json bench-serve.json]
//
// On a shared machine, pause other heavy jobs first; the load average at the start is printed.
//
// Photos, made at run time with sharp: img4.jpg (one face, 2500 px) resized to 640 px wide, and
// selfie-many-people.jpg (7 people, 600 px) enlarged to 1920 px wide (the data set has no large
// group photo; decode and detection work on the full 1920 px all the same).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { writeFileAtomic } from '../src/util/atomic.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    workers: { type: 'string', default: String(availableParallelism()) },
    soak: { type: 'string', default: '10000' },
    model: { type: 'string' },
    photos: { type: 'string', default: join(REPO, '..', 'shared', 'photos', 'deepface') },
    json: { type: 'string' },
  },
});
const DURATION = Number(args.duration);
const WORKERS = Number(args.workers);
const SOAK = Number(args.soak);
const CONNECTIONS = [1, 8] as const;

interface Measure { reqPerSec: number; p50: number; p90: number; p99: number; requests: number; errors: number; non2xx: Record<string, number> }

async function makePhotos(): Promise<Array<{ name: string; jpeg: Buffer }>> {
  const dir = args.photos!;
  return [
    { name: 'one face, 640 px', jpeg: await sharp(join(dir, 'img4.jpg')).autoOrient().resize({ width: 640 }).jpeg({ quality: 90 }).toBuffer() },
    { name: 'group of 7, 1920 px', jpeg: await sharp(join(dir, 'selfie-many-people.jpg')).autoOrient().resize({ width: 1920 }).jpeg({ quality: 90 }).toBuffer() },
  ];
}

/** `emoscope serve` on a free port; resolves with its URL once /readyz would say 200. */
async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const flags = ['serve', '--port', '0', '--workers', String(WORKERS), ...(args.model ? ['--model', args.model] : [])];
  const child = spawn(process.execPath, [join(REPO, 'bin', 'emoscope.js'), ...flags], { stdio: ['ignore', 'inherit', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      const address = /listening on (http:\/\/[\d.]+:\d+)/.exec(log)?.[1];
      if (address && /emoscope: ready/.test(log)) resolve(address);
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${log}`)));
  });
  return { child, url };
}

async function stopServer(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

/** Resident memory of a process in MB (worker threads included), from /proc. */
function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

async function cannon(url: string, jpeg: Buffer, connections: number, limit: { duration?: number; amount?: number }): Promise<Measure> {
  const r = await autocannon({
    url: `${url}/v1/analyze`, method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg,
    connections, timeout: 60, ...limit,
  });
  const non2xx: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(r.statusCodeStats ?? {})) if (!status.startsWith('2')) non2xx[status] = count ?? 0;
  const requests = r.requests.total;
  return { reqPerSec: requests / (r.duration), p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, requests, errors: r.errors + r.timeouts, non2xx };
}

/**
 * What the server adds to one photo's time: the HTTP latency seen by a client minus the time the
 * worker spent on the photo (its `timings.total`), median of `count` requests one after another.
 */
async function overhead(url: string, jpeg: Buffer, count: number): Promise<{ latency: number; worker: number; overhead: number }> {
  const rows: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const response = await fetch(`${url}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(jpeg) });
    const { timings } = await response.json() as { timings: { total: number } };
    rows.push([performance.now() - t, timings.total]);
  }
  const median = (values: number[]) => Math.round(values.sort((a, b) => a - b)[values.length >> 1]! * 10) / 10;
  return { latency: median(rows.map((r) => r[0])), worker: median(rows.map((r) => r[1])), overhead: median(rows.map((r) => r[0] - r[1])) };
}

/** The library in `threads` worker threads, each looping on the photo for DURATION seconds. */
async function library(threads: Worker[], jpeg: Buffer): Promise<Measure> {
  const replies = threads.map((w) => new Promise<number[]>((resolve) => w.once('message', (m: { latencies: number[] }) => resolve(m.latencies))));
  for (const w of threads) w.postMessage({ photo: new Uint8Array(jpeg), durationMs: DURATION * 1000 });
  const all = (await Promise.all(replies)).flat().sort((a, b) => a - b);
  const q = (p: number) => Math.round(all[Math.min(all.length - 1, Math.floor(p * all.length))]!);
  return { reqPerSec: all.length / DURATION, p50: q(0.5), p90: q(0.9), p99: q(0.99), requests: all.length, errors: 0, non2xx: {} };
}

async function startLibrary(count: number): Promise<Worker[]> {
  const threads = Array.from({ length: count }, () => new Worker(new URL('./serve-library-worker.js', import.meta.url), { workerData: { model: args.model } }));
  await Promise.all(threads.map((w) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); })));
  return threads;
}

async function main(): Promise<void> {
  const photos = await makePhotos();
  const machine = `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  console.log(`emoscope serve vs the library: ${WORKERS} workers, ${DURATION} s per run; ${machine}`);
  const { child, url } = await startServer();
  const rssStart = rssMb(child.pid!);
  const rows: Array<{ photo: string; connections: number; server: Measure; library: Measure; rssAfterMb: number }> = [];
  const overheads: Array<{ photo: string; latency: number; worker: number; overhead: number }> = [];
  const lib1 = await startLibrary(1);
  const libN = await startLibrary(WORKERS);
  for (const photo of photos) {
    for (const connections of CONNECTIONS) {
      await cannon(url, photo.jpeg, connections, { amount: connections * 2 }); // first requests of this size
      const server = await cannon(url, photo.jpeg, connections, { duration: DURATION });
      const rssAfterMb = rssMb(child.pid!);
      const lib = await library(connections === 1 ? lib1 : libN, photo.jpeg);
      rows.push({ photo: photo.name, connections, server, library: lib, rssAfterMb });
      if (connections === 1) overheads.push({ photo: photo.name, ...await overhead(url, photo.jpeg, 40) });
      console.log(`  ${photo.name}, ${connections} conn: server ${server.reqPerSec.toFixed(2)} req/s p50 ${server.p50} ms; library ${lib.reqPerSec.toFixed(2)} /s p50 ${lib.p50} ms`);
    }
  }
  for (const w of [...lib1, ...libN]) w.postMessage('exit');
  const exitCode = await stopServer(child);

  let soak: { after1000Mb: number; afterAllMb: number; requests: number; non2xx: Record<string, number>; errors: number } | undefined;
  if (SOAK > 0) {
    const fresh = await startServer();
    const first = await cannon(fresh.url, photos[0]!.jpeg, 8, { amount: 1000 });
    const after1000Mb = rssMb(fresh.child.pid!);
    const rest = await cannon(fresh.url, photos[0]!.jpeg, 8, { amount: SOAK - 1000 });
    const afterAllMb = rssMb(fresh.child.pid!);
    const non2xx = { ...first.non2xx };
    for (const [s, n] of Object.entries(rest.non2xx)) non2xx[s] = (non2xx[s] ?? 0) + n;
    soak = { after1000Mb, afterAllMb, requests: SOAK, non2xx, errors: first.errors + rest.errors };
    await stopServer(fresh.child);
  }

  console.log(`\n| photo | conn | server req/s | library req/s | ratio | server p50/p90/p99 ms | library p50/p90/p99 ms | p50 ratio | errors | non-2xx |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const s = r.server;
    const l = r.library;
    console.log(`| ${r.photo} | ${r.connections} | ${s.reqPerSec.toFixed(2)} | ${l.reqPerSec.toFixed(2)} | ${(s.reqPerSec / l.reqPerSec).toFixed(2)} | ${s.p50}/${s.p90}/${s.p99} | ${l.p50}/${l.p90}/${l.p99} | ${(s.p50 / l.p50).toFixed(2)} | ${s.errors} | ${JSON.stringify(s.non2xx)} |`);
  }
  for (const o of overheads) {
    console.log(`\n${o.photo}, 40 requests one at a time: HTTP latency ${o.latency} ms, in the worker ${o.worker} ms, the server's own part ${o.overhead} ms (medians)`);
  }
  console.log(`\nServer RSS: ${rssStart} MB when ready, ${rows.map((r) => `${r.rssAfterMb}`).join(' → ')} MB after each run; exit code on SIGTERM ${exitCode}`);
  if (soak) {
    console.log(`Soak (one face, 8 connections, fresh server): RSS ${soak.after1000Mb} MB after 1,000 requests, ${soak.afterAllMb} MB after ${soak.requests} (${((soak.afterAllMb / soak.after1000Mb - 1) * 100).toFixed(1)} %); errors ${soak.errors}, non-2xx ${JSON.stringify(soak.non2xx)}`);
  }
  if (args.json) {
    await writeFileAtomic(args.json, `${JSON.stringify({ machine, workers: WORKERS, durationS: DURATION, rssStartMb: rssStart, rows, overheads, soak, exitCode }, null, 2)}\n`);
  }
}

await main();
