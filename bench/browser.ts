// The webcam loop in headless Chromium on TF.js's wasm backend: analysed frames per second with one
// face and with six faces in a 640×480 camera, and the time from opening the page to the first
// result; @vladmandic/human's BlazeFace + emotion model on the same fake camera in the same run
// (its own page, same origin, every frame analysed: no skipped frames, no cache).
//
//   npm run bench:browser -- [--photos ../shared/photos/deepface] [--seconds 20] [--rounds 1] [--json bench-browser.json] [--pause-pid <file>]
//
// The fake camera plays a still photo (ffmpeg → .y4m at 30 fps), so the camera caps both at 30 fps.
// Both pages take a camera frame that arrived while they were busy at once (no wait for the next
// one), and both are served cross-origin isolated, so both run TF.js's multi-threaded wasm. The
// emoscope page also reports its ms per frame in each step (capture, detect, classify). On a busy
// machine, --rounds 3 repeats the four measurements, alternating which system goes first. With
// --pause-pid <file>, the process whose id the file holds (a training run) is stopped (SIGSTOP) for
// the run and continued afterwards.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { ROOT, buildWeb } from '../scripts/build-web.js';
import { writeFileAtomic } from '../src/util/atomic.js';
import { launchChromium, photoVideo, serveStatic } from '../test/helpers/browser.js';

const run = promisify(execFile);
const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: join(ROOT, '..', 'shared', 'photos', 'deepface') },
    seconds: { type: 'string', default: '20' },
    json: { type: 'string' },
    'pause-pid': { type: 'string' },
    rounds: { type: 'string', default: '1' },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
if (!Number.isSafeInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds: expected a whole number ≥ 1 but received ${args.rounds}`);

/** The middle item by `key` (the lower middle for an even count). */
function medianBy<T>(items: T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
/** One face, and six single-face portraits tiled 3×2 (each about 213×240 px). */
const ONE = 'img1.jpg';
const SIX = ['img1.jpg', 'img2.jpg', 'img4.jpg', 'img5.jpg', 'img6.jpg', 'img7.jpg'];

interface Measure {
  system: 'emoscope' | 'human';
  scene: string;
  /** 0-based; rounds alternate which system goes first */
  round: number;
  faces: number;
  fps: number;
  firstResultMs: number;
  /** emoscope only: mean ms per analysed frame in each step */
  stagesMs?: { capture: number; detect: number; classify: number; total: number };
}

interface PageState {
  frames: number;
  faces: number;
  firstResultMs: number;
  error?: string;
  /** summed ms per step since the start: capture, detect, classify, total */
  stages?: number[];
}

/** A 640×480 .y4m of six photos in a 3×2 grid. */
async function mosaicVideo(photos: string[], dir: string): Promise<string> {
  const out = join(dir, 'six.y4m');
  const cells = photos.map((_, i) => `[${i}]scale=213:240:force_original_aspect_ratio=increase,crop=213:240[c${i}]`).join(';');
  const layout = '0_0|213_0|426_0|0_240|213_240|426_240';
  await run('ffmpeg', [
    '-v', 'error', '-y', ...photos.flatMap((p) => ['-loop', '1', '-i', p]),
    '-filter_complex', `${cells};${photos.map((_, i) => `[c${i}]`).join('')}xstack=inputs=6:layout=${layout},pad=640:480`,
    '-r', '30', '-frames:v', '10', '-pix_fmt', 'yuv420p', out,
  ]);
  return out;
}

/** Frames per second over SECONDS after the first result, and the page's own time to it. */
type Measured = Omit<Measure, 'system' | 'scene' | 'round'>;

async function measure(page: Page, read: () => Promise<PageState>): Promise<Measured> {
  const deadline = Date.now() + 180_000;
  let state = await read();
  while (state.frames < 3 && Date.now() < deadline) {
    if (state.error) throw new Error(state.error);
    await page.waitForTimeout(250);
    state = await read();
  }
  if (state.frames < 3) throw new Error('no result within 3 minutes');
  const t0 = Date.now();
  const start = state;
  await page.waitForTimeout(SECONDS * 1000);
  state = await read();
  const frames = state.frames - start.frames;
  const m: Measured = { fps: (frames * 1000) / (Date.now() - t0), faces: state.faces, firstResultMs: state.firstResultMs };
  if (state.stages && start.stages && frames > 0) {
    const [capture, detect, classify, total] = state.stages.map((ms, i) => Math.round((10 * (ms - start.stages![i]!)) / frames) / 10);
    m.stagesMs = { capture: capture!, detect: detect!, classify: classify!, total: total! };
  }
  return m;
}

async function emoscopePage(page: Page, origin: string): Promise<Measured> {
  await page.goto(`${origin}/?camera=1&backend=wasm`);
  return measure(page, async () => page.evaluate(() => {
    const fps = document.querySelector<HTMLElement>('[data-testid="fps"]')!;
    const result = document.querySelector<HTMLElement>('[data-testid="result"]')!;
    const text = result.textContent ?? '';
    return {
      frames: Number(fps.dataset.frames ?? 0),
      faces: text ? (JSON.parse(text) as { faces: unknown[] }).faces.length : 0,
      firstResultMs: Number(result.dataset.firstResultMs ?? 0),
      error: document.querySelector('[data-testid="message"]:not([hidden])')?.textContent ?? '',
      stages: fps.dataset.stagesMs ? fps.dataset.stagesMs.split(' ').map(Number) : undefined,
    };
  }));
}

async function humanPage(page: Page, origin: string): Promise<Measured> {
  await page.goto(`${origin}/browser-human.html`);
  return measure(page, async () => page.evaluate(() => (window as unknown as { bench: { frames: number; faces: number; firstResultMs: number; error: string } }).bench ?? { frames: 0, faces: 0, firstResultMs: 0 }));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'emoscope-bench-browser-'));
  const pidFile = args['pause-pid'];
  const paused = pidFile !== undefined && existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : undefined;
  if (paused) process.kill(Number(paused), 'SIGSTOP');
  const results: Measure[] = [];
  try {
    const web = join(dir, 'web');
    await buildWeb(web);
    await copyFile(join(ROOT, 'bench', 'browser-human.html'), join(web, 'browser-human.html'));
    const human = join(ROOT, 'node_modules', '@vladmandic', 'human');
    const server = await serveStatic(web, { '/human/': join(human, 'dist'), '/human-models/': join(human, 'models') });
    const scenes: Array<[string, string]> = [
      ['one face', (await photoVideo(join(args.photos!, ONE), dir)).video],
      ['six faces', await mosaicVideo(SIX.map((p) => join(args.photos!, p)), dir)],
    ];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        for (const [scene, video] of scenes) {
          // alternating which goes first, so that a change of load hits both alike
          for (const system of round % 2 === 0 ? ['emoscope', 'human'] as const : ['human', 'emoscope'] as const) {
            const browser = await launchChromium({ fakeVideo: video });
            try {
              const page = await browser.context.newPage();
              const foreign: string[] = [];
              page.on('request', (r) => { if (!r.url().startsWith(server.origin) && !/^(data|blob):/.test(r.url())) foreign.push(r.url()); });
              const m = system === 'emoscope' ? await emoscopePage(page, server.origin) : await humanPage(page, server.origin);
              if (foreign.length > 0) throw new Error(`${system} asked another origin for ${foreign.join(', ')}`);
              results.push({ system, scene, ...m, round });
              const stages = m.stagesMs ? `; ms per frame: capture ${m.stagesMs.capture}, detect ${m.stagesMs.detect}, classify ${m.stagesMs.classify}, total ${m.stagesMs.total}` : '';
              process.stderr.write(`round ${round + 1}, ${scene}, ${system}: ${m.fps.toFixed(1)} fps, ${m.faces} faces, first result after ${m.firstResultMs} ms${stages}\n`);
            } finally {
              await browser.close();
            }
          }
        }
      }
    } finally {
      await server.close();
    }
  } finally {
    if (paused) process.kill(Number(paused), 'SIGCONT');
    await rm(dir, { recursive: true, force: true });
  }

  // the median round of each (by fps), and the median of the rounds' ratios
  const rows = ['one face', 'six faces'].map((scene) => {
    const of = (system: Measure['system']) => results.filter((r) => r.scene === scene && r.system === system);
    const e = medianBy(of('emoscope'), (r) => r.fps);
    const h = medianBy(of('human'), (r) => r.fps);
    const ratios = of('emoscope').map((r) => r.fps / of('human').find((x) => x.round === r.round)!.fps);
    const ratio = medianBy(ratios, (x) => x);
    const s = e.stagesMs;
    const stages = s ? `${s.capture} / ${s.detect} / ${s.classify} / ${s.total}` : '–';
    const spread = ROUNDS > 1 ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : '';
    return `| ${scene} | ${e.faces} / ${h.faces} | ${e.fps.toFixed(1)} | ${h.fps.toFixed(1)} | ${ratio.toFixed(2)}×${spread} | ${e.firstResultMs} / ${h.firstResultMs} | ${stages} |`;
  });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg()[0]!.toFixed(1)} at the end`;
  const rounds = ROUNDS > 1 ? `, median of ${ROUNDS} alternating rounds (ratio: median of the rounds' ratios, their range in brackets)` : '';
  console.log(`Webcam loop in headless Chromium, wasm backend, 640×480 fake camera at 30 fps, ${SECONDS} s per measurement${rounds} (${machine})\n`);
  console.log('| scene | faces (emoscope / Human) | emoscope fps | Human fps | emoscope ÷ Human | first result, ms (emoscope / Human) | emoscope ms per frame: capture / detect / classify / total |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  if (args.json) await writeFileAtomic(args.json, `${JSON.stringify({ machine, seconds: SECONDS, results }, null, 2)}\n`);
}

await main();
