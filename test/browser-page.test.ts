// The page in a real browser (Debian's Chromium, headless, driven by playwright-core): the webcam
// from a fake camera playing a fixture photo, a chosen photo compared with the Node recognizer on the
// same file, no tensor leak over 300 frames, no page error, no request to another origin, and the
// messages for a missing camera and a browser without WebAssembly. dist/web is built by the test
// (into a temporary folder), so a fresh clone passes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.js';
import { loadRecognizer } from '../src/predict/index.js';
import type { Recognizer } from '../src/predict/index.js';
import type { PhotoResult } from '../src/types.js';
import { EMOTIONS } from '../src/types.js';
import { launchChromium, photoVideo, serveStatic } from './helpers/browser.js';
import type { StaticServer } from './helpers/browser.js';
import { COUPLE, SINGLE } from './predict-fixtures.js';
import { tempDir } from './helpers/paths.js';

let dir: string;
let server: StaticServer;
let camera: { video: string; frame: string };
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
let node: Recognizer;
const pageErrors: string[] = [];
const requests: string[] = [];

/** A page that records its errors and every URL it asks for. */
async function watchedPage(context: BrowserContext): Promise<Page> {
  const p = await context.newPage();
  p.on('pageerror', (error) => pageErrors.push(error.message));
  p.on('request', (request) => requests.push(request.url()));
  return p;
}

before(async () => {
  dir = await tempDir('emoscope-browser-');
  await buildWeb(join(dir, 'web'));
  camera = await photoVideo(SINGLE, dir);
  server = await serveStatic(join(dir, 'web'));
  browser = await launchChromium({ fakeVideo: camera.video });
  page = await watchedPage(browser.context);
  node = await loadRecognizer();
});

after(async () => {
  await browser?.close();
  await server?.close();
  node?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function latestResult(p: Page): Promise<PhotoResult> {
  return JSON.parse((await p.textContent('[data-testid="result"]')) ?? '') as PhotoResult;
}

async function analysedFrames(p: Page): Promise<number> {
  return Number(await p.getAttribute('[data-testid="fps"]', 'data-frames'));
}

async function waitForFrames(p: Page, frames: number, timeout: number): Promise<void> {
  await p.waitForFunction((n) => Number(document.querySelector<HTMLElement>('[data-testid="fps"]')?.dataset.frames ?? 0) >= n, frames, { timeout, polling: 200 });
}

/** TF.js's tensor count in the page, from the same module instance the page uses. */
async function tensorCount(p: Page): Promise<number> {
  return p.evaluate(async () => {
    const module = (await import('./emoscope.js' as string)) as { memory(): { numTensors: number } };
    return module.memory().numTensors;
  });
}

async function choosePhoto(p: Page, file: string): Promise<PhotoResult> {
  const name = file.split('/').pop()!;
  await p.setInputFiles('[data-testid="photo"]', file);
  await p.waitForFunction((n) => (document.querySelector('[data-testid="result"]')?.textContent ?? '').includes(`"file": "${n}"`), name, { timeout: 120_000 });
  return latestResult(p);
}

/** The browser's result matches Node's: same faces (boxes within 3 px), same emotions, scores within 0.02. */
function assertSameFaces(browserResult: PhotoResult, nodeResult: PhotoResult): void {
  assert.equal(browserResult.width, nodeResult.width);
  assert.equal(browserResult.height, nodeResult.height);
  assert.equal(browserResult.faces.length, nodeResult.faces.length, 'number of faces');
  browserResult.faces.forEach((face, i) => {
    const want = nodeResult.faces[i]!;
    for (const k of ['x', 'y', 'width', 'height'] as const) {
      assert.ok(Math.abs(face.box[k] - want.box[k]) <= 3, `face ${i} box.${k}: browser ${face.box[k]}, Node ${want.box[k]}`);
    }
    assert.equal(face.emotion, want.emotion, `face ${i} emotion`);
    for (const e of EMOTIONS) {
      assert.ok(Math.abs(face.scores[e] - want.scores[e]) <= 0.02, `face ${i} ${e}: browser ${face.scores[e]}, Node ${want.scores[e]}`);
    }
  });
}

test('/?camera=1 starts the fake camera at once and shows its face with the label Node gives the same frame', async () => {
  await page.goto(`${server.origin}/?camera=1`);
  await waitForFrames(page, 3, 120_000);
  const result = await latestResult(page);
  const expected = await node.recognize(camera.frame);
  assert.deepEqual(Object.keys(result).sort(), ['faces', 'file', 'height', 'width']);
  assert.equal(result.width, 640);
  assert.equal(result.height, 480);
  assert.equal(result.faces.length, 1);
  assert.equal(expected.faces.length, 1);
  const [face, want] = [result.faces[0]!, expected.faces[0]!];
  assert.deepEqual(Object.keys(face).sort(), ['box', 'emotion', 'score', 'scores']);
  assert.ok(Math.abs(face.box.x - want.box.x) <= 4 && Math.abs(face.box.y - want.box.y) <= 4, `box ${JSON.stringify(face.box)} vs Node's ${JSON.stringify(want.box)}`);
  assert.equal(face.emotion, want.emotion);
  assert.ok(Number(await page.textContent('[data-testid="fps"]')) > 0, 'frames per second shown');
  assert.equal(await page.textContent('[data-testid="start-camera"]'), 'Stop camera');
});

test('the tensor count does not grow over 300 analysed frames of the webcam loop', async () => {
  await waitForFrames(page, 10, 120_000);
  const before = await tensorCount(page);
  const start = await analysedFrames(page);
  await waitForFrames(page, start + 300, 600_000);
  assert.equal(await tensorCount(page), before);
});

test('a chosen photo gives the faces and emotions the Node recognizer gives for the same file', async () => {
  await page.goto(`${server.origin}/`);
  for (const file of [COUPLE, SINGLE]) {
    const result = await choosePhoto(page, file);
    assertSameFaces(result, await node.recognize(file));
  }
  assert.equal(await page.getAttribute('[data-testid="stage"]', 'data-mode'), 'photo');
  // the footer speaks of the model in use, here the shipped one
  assert.match((await page.textContent('[data-testid="model-origin"]')) ?? '', /^the model was trained on FER2013, a research data set/);
  assert.match((await page.textContent('[data-testid="model-errors"]')) ?? '', /^the model is wrong about \d+ % of the faces of FER2013 PrivateTest/);
  assert.match((await page.textContent('[data-testid="model-about"]')) ?? '', /^Model: emo-vgg, [\d,]+ parameters; accuracy 0\.\d{4} on FER2013 PrivateTest/);
});

test('served cross-origin isolated, the wasm backend loads its multi-threaded build', async () => {
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => document.body.dataset.backend !== undefined, undefined, { timeout: 120_000 });
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
  assert.equal(await page.getAttribute('body', 'data-backend'), 'wasm');
  assert.ok(requests.some((url) => url.endsWith('/wasm/tfjs-backend-wasm-threaded-simd.wasm')), 'threaded-simd .wasm asked for');
});

test('no page error, and every request went to the page\'s own origin (the models and .wasm files too)', () => {
  assert.deepEqual(pageErrors, []);
  const foreign = requests.filter((url) => !url.startsWith(`${server.origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.ok(requests.some((url) => url.endsWith('.wasm')), 'the .wasm file came from the origin');
  assert.ok(requests.some((url) => url.endsWith('/models/default/weights.bin')), 'the model came from the origin');
});

test('without a camera the page says so, and a photo is still analysed', async () => {
  const bare = await launchChromium();
  try {
    const p = await watchedPage(bare.context);
    await p.goto(`${server.origin}/?camera=1`);
    await p.waitForSelector('[data-testid="message"]:not([hidden])', { timeout: 60_000 });
    assert.match((await p.textContent('[data-testid="message"]')) ?? '', /No camera found/);
    const result = await choosePhoto(p, SINGLE);
    assert.equal(result.faces.length, 1);
  } finally {
    await bare.close();
  }
  assert.deepEqual(pageErrors, []);
});

test('without WebAssembly the page says so, and a photo is still analysed (on another backend)', async () => {
  const noWasm = await launchChromium();
  try {
    const p = await watchedPage(noWasm.context);
    // As in iOS's Lockdown Mode or a locked-down browser (Chromium has no switch that removes it any more).
    await p.addInitScript(() => { delete (globalThis as { WebAssembly?: unknown }).WebAssembly; });
    await p.goto(`${server.origin}/`);
    await p.waitForSelector('[data-testid="message"]:not([hidden])', { timeout: 60_000 });
    assert.match((await p.textContent('[data-testid="message"]')) ?? '', /no WebAssembly/);
    const result = await choosePhoto(p, SINGLE);
    assert.equal(result.faces.length, 1);
    assert.notEqual(await p.getAttribute('body', 'data-backend'), 'wasm');
  } finally {
    await noWasm.close();
  }
  assert.deepEqual(pageErrors, []);
});

test('the browser module checks one call\'s options as Node\'s recognizer does: a misspelt option or a disposed recognizer is refused in words', async () => {
  const p = await watchedPage(browser.context);
  await p.goto(`${server.origin}/`);
  const messages = await p.evaluate(async () => {
    const m = (await import('./emoscope.js' as string)) as {
      loadRecognizer(o?: object): Promise<{ recognize(input: unknown, call?: object): Promise<unknown>; dispose(): void }>;
    };
    const recognizer = await m.loadRecognizer({ backend: 'wasm' });
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 64;
    const said = async (call?: object) => recognizer.recognize(canvas, call).then(() => 'recognized', (e: Error) => e.message);
    const out = [await said({ largestFace: true }), await said({ timings: 'abc' }), await said({ file: 'a.png' })];
    recognizer.dispose();
    out.push(await said());
    return out;
  });
  assert.match(messages[0]!, /Expected .*options named file, timings for the options of one call but received "largestFace"/);
  assert.match(messages[1]!, /for timings but received "abc"/);
  assert.equal(messages[2], 'recognized');
  assert.match(messages[3]!, /recognizer was disposed/);
  await p.close();
});
