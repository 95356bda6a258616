// The API over real sockets: more concurrent requests than the worker and its queue hold (the rest
// are refused 503 BUSY with Retry-After, none is a 500, and /healthz answers meanwhile), and
// `emoscope serve` as a user starts it, stopped by SIGTERM with requests in flight: all of them
// are answered and the process exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { buildServer } from '../src/serve/index.js';
import { COUPLE, saveTinyModel } from './predict-fixtures.js';
import { join } from 'node:path';
import { CLI, tempDir } from './helpers/paths.js';
import { runCli } from './helpers/cli.js';

interface Answer { status: number; code?: string; retryAfter: string | null }

async function analyze(url: string, photo: Uint8Array<ArrayBuffer>): Promise<Answer> {
  const response = await fetch(`${url}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo });
  const body = await response.json() as { error?: { code: string } };
  return { status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after') };
}

test('a listening server given more concurrent photos than it holds answers 200 or 503 BUSY, never 500, and /healthz meanwhile', async () => {
  const app = await buildServer({ model: await saveTinyModel(), workers: 1, queueSize: 2 });
  try {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    await app.emoscope.ready;
    const photo = new Uint8Array(await readFile(COUPLE));
    const answers = Array.from({ length: 10 }, () => analyze(url, photo));
    while (app.emoscope.pool.active === 0 || app.emoscope.pool.queueDepth < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const health = await fetch(`${url}/healthz`); // every worker busy, the queue full
    assert.equal(health.status, 200);
    const results = await Promise.all(answers);
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 503);
    assert.equal(ok.length + busy.length, results.length, `only 200 and 503: ${JSON.stringify(results)}`);
    assert.ok(ok.length >= 3, 'the one analysed and the two queued are answered');
    assert.ok(busy.length >= 1, 'the rest are refused');
    for (const r of busy) {
      assert.equal(r.code, 'BUSY');
      assert.match(String(r.retryAfter), /^[1-9]\d*$/);
    }
  } finally {
    await app.emoscope.shutdown();
  }
});

test('emoscope serve stopped by SIGTERM with requests in flight answers them all and exits 0', async () => {
  const model = await saveTinyModel();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--workers', '1', '--model', model], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.setEncoding('utf8');
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: string) => {
        log += chunk;
        const address = /listening on (http:\/\/[\d.]+:\d+)/.exec(log)?.[1];
        if (address && /emoscope: ready/.test(log)) resolve(address);
      });
      void exited.then(([code]) => reject(new Error(`serve exited with ${code} before it was ready:\n${log}`)));
    });
    const photo = new Uint8Array(await readFile(COUPLE));
    const answers = Array.from({ length: 4 }, () => analyze(url, photo));
    // Wait until the server holds all four (one analysed, three queued), then stop it.
    for (;;) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      if (/^emoscope_queue_depth 3$/m.test(metrics) && /^emoscope_workers_active 1$/m.test(metrics)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGTERM');
    while (!/SIGTERM: finishing/.test(log)) await new Promise((resolve) => setTimeout(resolve, 10));
    const late = await analyze(url, photo).catch((error: Error) => ({ status: 0, code: (error.cause as { code?: string })?.code, retryAfter: null }));
    assert.ok(late.code === 'SHUTTING_DOWN' || late.code === 'ECONNREFUSED', `a new request is refused: ${JSON.stringify(late)}`);
    if (late.code === 'SHUTTING_DOWN') assert.equal(late.status, 503);
    const results = await Promise.all(answers);
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200], JSON.stringify(results));
    const [code, signal] = await exited;
    assert.deepEqual([code, signal], [0, null], log);
    assert.match(log, /emoscope: stopped/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('emoscope serve with a model folder that is not there fails at once, exit 1, without saying it listens', async () => {
  const r = await runCli(['serve', '--port', '0', '--model', join(await tempDir(), 'nope')], { timeout: 60_000 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^emoscope: No model at .*nope: expected a model folder/);
  assert.doesNotMatch(r.stderr, /listening/);
});
