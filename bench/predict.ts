// How fast emoscope recognizes emotions in photos, end to end (JPEG bytes → faces and emotions), next
// to @vladmandic/human (BlazeFace + emotion) and @vladmandic/face-api (tiny_face_detector + expression
// model) on the same photos in the same run, all on the TF.js wasm backend with models loaded from
// files. Also: classification alone (batch 1 and batched), peak RSS, which faces each finds, and
// emoscope with straight crops (`--no-align`), for what turning faces level costs.
//
//   npm run bench:predict -- [--photos ../shared/photos/deepface] [--model models/default]
//     [--limit n] [--no-others] [--json bench-predict.json]
//
// Every photo is re-encoded as JPEG at about 640 and 1920 px wide before timing, so both sizes hold
// the same scenes. The systems run in turn on each photo, in a seeded shuffled order per photo, so
// load from other processes on a shared machine falls on all of them alike. Without a trained model at --model the classifier is an
// untrained `seed-tuned` network: same speed, meaningless emotions.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { initEngine } from '../src/engine/backend.js';
import { loadRecognizer } from '../src/predict/index.js';
import type { Recognizer } from '../src/predict/index.js';
import { saveModelFolder } from '../src/model/folder.js';
import { DEFAULT_PREPROCESSING } from '../src/model/meta.js';
import type { ModelMeta } from '../src/model/meta.js';
import { getArchitecture } from '../src/model/registry.js';
import { countParameters } from '../src/model/inference.js';
import { EMOTIONS, FACE_SIZE } from '../src/types.js';
import type { Box } from '../src/types.js';
import { shuffledIndices } from '../src/util/random.js';
import { faceApiSystem, humanSystem } from './predict-others.js';
import type { System } from './predict-others.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: join(REPO, '..', 'shared', 'photos', 'deepface') },
    model: { type: 'string', default: join(REPO, 'models', 'default') },
    limit: { type: 'string' },
    'no-others': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

const WIDTHS = [640, 1920] as const;
const require = createRequire(import.meta.url);

interface Photo {
  name: string;
  jpeg: Record<(typeof WIDTHS)[number], Buffer>;
}

/**
 * Re-encodes the photos at each width into a temporary folder, in a child process, so that the
 * memory that decoding 14-megapixel originals takes does not count in this process's peak RSS.
 */
function preparePhotos(): Photo[] {
  let names = readdirSync(args.photos!).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  if (args.limit) names = names.slice(0, Number(args.limit));
  const dir = mkdtempSync(join(tmpdir(), 'emoscope-bench-photos-'));
  const script = `
    const sharp = require(${JSON.stringify(require.resolve('sharp'))});
    const { join } = require('node:path');
    (async () => {
      for (const name of ${JSON.stringify(names)}) for (const width of ${JSON.stringify(WIDTHS)}) {
        await sharp(join(${JSON.stringify(args.photos)}, name)).autoOrient().resize({ width }).jpeg({ quality: 90 })
          .toFile(join(${JSON.stringify(dir)}, width + '-' + name + '.jpg'));
      }
    })();`;
  execFileSync(process.execPath, ['-e', script], { stdio: 'inherit' });
  const photos = names.map((name) => ({
    name,
    jpeg: { 640: readFileSync(join(dir, `640-${name}.jpg`)), 1920: readFileSync(join(dir, `1920-${name}.jpg`)) },
  }));
  rmSync(dir, { recursive: true, force: true });
  return photos;
}

/** The model at --model, or an untrained seed-tuned network of the same speed saved to a temporary folder. */
async function modelFolder(): Promise<{ dir: string; note: string }> {
  if (existsSync(join(args.model!, 'model.json'))) return { dir: args.model!, note: args.model! };
  await initEngine();
  const architecture = getArchitecture('seed-tuned');
  const model = architecture.build({ seed: 1, classes: EMOTIONS.length, inputSize: FACE_SIZE });
  const meta: ModelMeta = {
    format: 'emoscope-model', version: 1, labels: [...EMOTIONS], inputShape: [FACE_SIZE, FACE_SIZE, 1],
    preprocessing: DEFAULT_PREPROCESSING, architecture: architecture.name, parameters: countParameters(model), createdAt: new Date().toISOString(),
  };
  const dir = join(await mkdtemp(join(tmpdir(), 'emoscope-bench-')), 'model');
  await saveModelFolder(dir, model, meta);
  model.dispose();
  return { dir, note: `untrained seed-tuned (no model at ${args.model})` };
}

function emoscopeSystem(recognizer: Recognizer, name = 'emoscope'): System {
  return {
    name,
    async run(jpeg) {
      const result = await recognizer.recognize(jpeg);
      if (result.error) throw new Error(result.error);
      return result.faces.map((f) => f.box);
    },
  };
}

/** Two boxes are the same face when either's centre lies inside the other (box conventions differ). */
function sameFace(a: Box, b: Box): boolean {
  const inside = (p: Box, q: Box) => {
    const cx = p.x + p.width / 2;
    const cy = p.y + p.height / 2;
    return cx >= q.x && cx <= q.x + q.width && cy >= q.y && cy <= q.y + q.height;
  };
  return inside(a, b) || inside(b, a);
}

interface Timing {
  system: string;
  width: number;
  photos: number;
  faces: number;
  meanMs: number;
  medianMs: number;
  p90Ms: number;
}

function summarize(system: string, width: number, ms: number[], faces: number): Timing {
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!;
  return { system, width, photos: ms.length, faces, meanMs: ms.reduce((s, v) => s + v, 0) / ms.length, medianMs: q(0.5), p90Ms: q(0.9) };
}

async function classificationSpeed(recognizer: Recognizer): Promise<{ batch: number; facesPerSecond: number }[]> {
  const size = recognizer.meta.preprocessing.size;
  const faces = 256;
  const pixels = new Uint8Array(faces * size * size).map((_, i) => (i * 31) % 251);
  const out = [];
  for (const batch of [1, 32]) {
    recognizer.classify(pixels.subarray(0, batch * size * size), batch); // warm-up
    const start = performance.now();
    for (let i = 0; i < faces; i += batch) recognizer.classify(pixels.subarray(i * size * size, (i + batch) * size * size), batch);
    out.push({ batch, facesPerSecond: faces / ((performance.now() - start) / 1000) });
  }
  return out;
}

async function main(): Promise<void> {
  const photos = preparePhotos();
  const { dir, note } = await modelFolder();
  const recognizer = await loadRecognizer({ model: dir });
  const systems: System[] = [emoscopeSystem(recognizer)];

  // emoscope alone first, so that its peak RSS is its own
  for (const p of photos.slice(0, 3)) await systems[0]!.run(p.jpeg[640]);
  const classification = await classificationSpeed(recognizer);
  const rssEmoscopeMb = process.resourceUsage().maxRSS / 1024;
  // the same pipeline with straight crops (align off), for the cost of turning faces level
  const straight = await loadRecognizer({ model: dir, align: false });
  systems.push(emoscopeSystem(straight, 'emoscope, --no-align'));
  if (!args['no-others']) systems.push(await humanSystem(REPO), await faceApiSystem(REPO, 'tiny'));

  const ms: Record<string, number[]> = {};
  const found: Record<string, Box[][]> = {};
  for (const s of systems) for (const p of photos.slice(0, 10)) await s.run(p.jpeg[640]); // warm-up (the JIT compiles each system's own JavaScript)
  for (const width of WIDTHS) {
    for (const [i, p] of photos.entries()) {
      // a seeded shuffle per photo: no system always follows the same one (the one after a slow system pays for its garbage)
      for (const s of Array.from(shuffledIndices(systems.length, width * 1000 + i), (k) => systems[k]!)) {
        const start = performance.now();
        const boxes = await s.run(p.jpeg[width]);
        (ms[`${s.name}@${width}`] ??= []).push(performance.now() - start);
        ((found[`${s.name}@${width}`] ??= [])[i] = boxes);
      }
    }
    process.stderr.write(`${width} px done\n`);
  }

  const timings: Timing[] = [];
  for (const width of WIDTHS) {
    for (const s of systems) {
      const key = `${s.name}@${width}`;
      timings.push(summarize(s.name, width, ms[key]!, found[key]!.reduce((n, b) => n + b.length, 0)));
    }
  }
  // faces another system finds that emoscope does not (at 1920 px), for a person to look at
  const missed: { system: string; photo: string; box: Box }[] = [];
  for (const s of systems.filter((x) => !x.name.startsWith('emoscope'))) {
    photos.forEach((p, i) => {
      for (const box of found[`${s.name}@1920`]![i]!) {
        if (!found['emoscope@1920']![i]!.some((b) => sameFace(b, box))) missed.push({ system: s.name, photo: p.name, box });
      }
    });
  }

  const lines = [
    `Photos: ${photos.length} from ${args.photos}, re-encoded at ${WIDTHS.join(' and ')} px wide. Model: ${note}.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared: timings are noisy).`,
    '',
    '| system | width | photos | faces found | mean ms/photo | median | p90 |',
    '|---|---|---|---|---|---|---|',
    ...timings.map((t) => `| ${t.system} | ${t.width} | ${t.photos} | ${t.faces} | ${t.meanMs.toFixed(1)} | ${t.medianMs.toFixed(1)} | ${t.p90Ms.toFixed(1)} |`),
    '',
    '| classification alone | faces/s |',
    '|---|---|',
    ...classification.map((c) => `| batch ${c.batch} | ${c.facesPerSecond.toFixed(0)} |`),
    '',
    `Peak RSS: ${rssEmoscopeMb.toFixed(0)} MB with emoscope alone, ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB with all three loaded.`,
    '',
    `Faces found by another system at 1920 px and not by emoscope: ${missed.length}`,
    ...missed.map((m) => `  ${m.system} ${m.photo} box ${[m.box.x, m.box.y, m.box.width, m.box.height].map(Math.round).join(',')}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) {
    await writeFile(resolve(args.json), `${JSON.stringify({ photos: photos.length, model: note, timings, classification, rssEmoscopeMb, rssAllMb: process.resourceUsage().maxRSS / 1024, missed }, null, 2)}\n`);
  }
  recognizer.dispose();
  straight.dispose();
}

await main();
