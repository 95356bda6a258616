// Which face detector: faces found and time per photo of each candidate on the same photos, from the
// file's bytes to boxes (decoding included, no emotion model), one after the other on each photo.
// Writes every box with its photo to --json, for contact sheets and a person's judgement.
//
//   npx tsc -p tsconfig.json && node dist/bench/predict-detectors.js
//     [--photos ../shared/photos/deepface] [--limit n] [--json detectors.json]
//
// Candidates: emoscope's BlazeFace (letterboxed, score ≥ 0.35), the same with tiles, Human's use of
// the same BlazeFace weights (stretched to 256×256, score ≥ 0.2), face-api's tiny_face_detector
// (416 px, ≥ 0.5) and ssd_mobilenetv1 (≥ 0.5), each at its own defaults.
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initEngine } from '../src/engine/backend.js';
import { DEFAULT_RECOGNIZER_OPTIONS } from '../src/predict/options.js';
import { WORKING_MAX_SIDE } from '../src/predict/recognizer.js';
import { loadBlazeFace } from '../src/vision/blazeface.js';
import { openPhoto } from '../src/vision/image.js';
import type { Box } from '../src/types.js';
import { faceApiSystem, humanSystem } from './predict-others.js';
import type { System } from './predict-others.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    photos: { type: 'string', default: join(REPO, '..', 'shared', 'photos', 'deepface') },
    limit: { type: 'string' },
    json: { type: 'string' },
  },
});

async function emoscopeDetector(tiles: boolean): Promise<System> {
  await initEngine();
  const detector = await loadBlazeFace();
  const minScore = DEFAULT_RECOGNIZER_OPTIONS.minFaceScore;
  return {
    name: tiles ? 'emoscope blazeface + tiles' : 'emoscope blazeface',
    async run(bytes) {
      const photo = await openPhoto(bytes, { maxSide: WORKING_MAX_SIDE });
      return (await detector.detect(photo, { minScore, tiles })).map((d) => d.box);
    },
  };
}

async function main(): Promise<void> {
  let names = readdirSync(args.photos!).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  if (args.limit) names = names.slice(0, Number(args.limit));
  const photos = names.map((name) => ({ name, bytes: readFileSync(join(args.photos!, name)) }));
  const systems = [
    await emoscopeDetector(false),
    await emoscopeDetector(true),
    await humanSystem(REPO, false),
    await faceApiSystem(REPO, 'tiny', false),
    await faceApiSystem(REPO, 'ssd', false),
  ];
  for (const s of systems) for (const p of photos.slice(0, 2)) await s.run(p.bytes); // warm-up
  const ms: Record<string, number> = {};
  const boxes: Record<string, Record<string, Box[]>> = {};
  for (const p of photos) {
    for (const s of systems) {
      const start = performance.now();
      const found = await s.run(p.bytes);
      ms[s.name] = (ms[s.name] ?? 0) + performance.now() - start;
      (boxes[s.name] ??= {})[p.name] = found.map((b) => ({ x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) }));
    }
  }
  const multi = ['couple.jpg', 'selfie-many-people.jpg'].filter((n) => names.includes(n));
  const lines = [
    `Photos: ${photos.length} from ${args.photos}, original sizes (330–4352 px wide), decoding included.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared: timings are noisy).`,
    '',
    `| detector | faces found | photos with 0 / 1 / 2+ faces | ${multi.join(' | ')} | ms per photo |`,
    `|---|---|---|${multi.map(() => '---|').join('')}---|`,
    ...systems.map((s) => {
      const counts = photos.map((p) => boxes[s.name]![p.name]!.length);
      const total = counts.reduce((a, b) => a + b, 0);
      const dist = [counts.filter((c) => c === 0).length, counts.filter((c) => c === 1).length, counts.filter((c) => c >= 2).length].join(' / ');
      return `| ${s.name} | ${total} | ${dist} | ${multi.map((n) => boxes[s.name]![n]!.length).join(' | ')} | ${(ms[s.name]! / photos.length).toFixed(1)} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) await writeFile(resolve(args.json), `${JSON.stringify(boxes, null, 2)}\n`);
}

await main();
