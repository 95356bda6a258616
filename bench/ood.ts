// Out-of-domain checks: how the shipped model (and the emotion models of @vladmandic/human and
// @vladmandic/face-api, on the same faces in the same run) fare off FER2013's own framing.
//
//   npm run bench:ood -- [--data ../shared/datasets/fer2013] [--split test|val] [--limit n]
//     [--photos ../shared/photos/deepface] [--labels bench/photo-faces.json] [--model models/default]
//     [--margins 0.1,0.3] [--align] [--turned 15,30] [--no-others] [--no-face-api] [--json ood.json]
//
// --no-others leaves Human and face-api out; --no-face-api only face-api's classification of the 48-px
// faces (one call per face, the slow part), not its run on the photos.
//
// 1. FER2013 faces re-framed (bench/reframe.ts): zoomed in and out, shifted, rotated, as a detector's
//    crop differs from FER2013's framing; and "through the detector": each face scaled to 256 px,
//    found by emoscope's BlazeFace and cropped exactly as `emoscope predict` crops a face (a face
//    not found counts as wrong), with each crop margin of `--margins` (default: the recognizer's).
//    `--split val` (PublicTest) is for choosing; test (PrivateTest) reports. `--turned` also sends the
//    faces turned by those angles (degrees) through the detector; `--align` adds each crop turned so
//    that the eyes are level (the recognizer's `align` option), and emoscope aligned on the photos;
//    without it every crop is as the recognizer's defaults make it. Also the faces as framed under
//    capture conditions (bench/conditions.ts): dim light, washed out, out of focus, small, JPEG, noise.
// 2. The faces of the deepface photos, labelled by eye (bench/photo-faces.json), each system through
//    its own detector: a labelled face the system does not find counts as wrong.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/load.js';
import type { FaceSet } from '../src/data/dataset.js';
import { PIPELINE_DEFAULTS } from '../src/pipeline/options.js';
import { loadRecognizer } from '../src/predict/index.js';
import type { Recognizer } from '../src/predict/index.js';
import { EMOTIONS } from '../src/types.js';
import type { Box, Emotion, Split } from '../src/types.js';
import { iou } from '../src/vision/detector.js';
import { loadBlazeFace } from '../src/vision/blazeface.js';
import { cropFace, DEFAULT_FACE_MARGIN, eyeAngle } from '../src/vision/face-crop.js';
import { detectFaceAsPhoto, FACE_PHOTO_SIDE } from '../src/vision/face-as-photo.js';
import { faceApiClassifier, faceApiSystem, humanClassifier, humanSystem } from './predict-others.js';
import type { FaceClassifier, System } from './predict-others.js';
import { applyCondition, CONDITIONS } from './conditions.js';
import { FRAMINGS, reframe } from './reframe.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: join(REPO, '..', 'shared', 'datasets', 'fer2013') },
    split: { type: 'string', default: 'test' },
    limit: { type: 'string' },
    photos: { type: 'string', default: join(REPO, '..', 'shared', 'photos', 'deepface') },
    labels: { type: 'string', default: join(REPO, 'bench', 'photo-faces.json') },
    model: { type: 'string', default: join(REPO, 'models', 'default') },
    margins: { type: 'string' },
    align: { type: 'boolean', default: false },
    turned: { type: 'string' },
    'no-others': { type: 'boolean', default: false },
    'no-face-api': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

/** The labelled faces of the photos (bench/photo-faces.json). */
interface PhotoLabels {
  faces: Array<{ file: string; box: Box; label: Emotion; clear: boolean }>;
}

/** Every n-th face so that `limit` remain, spread over the split (FER2013's files are grouped by class). */
function subset(faces: FaceSet, limit: number | undefined): FaceSet {
  if (!limit || limit >= faces.count) return faces;
  const area = faces.pixels.length / faces.count;
  const pick = Array.from({ length: limit }, (_, i) => Math.floor((i * faces.count) / limit));
  const pixels = new Uint8Array(limit * area);
  pick.forEach((k, i) => pixels.set(faces.pixels.subarray(k * area, (k + 1) * area), i * area));
  return { pixels, labels: Uint8Array.from(pick.map((k) => faces.labels[k]!)), count: limit, origins: pick.map((k) => faces.origins[k]!) };
}

/**
 * Each face as `emoscope predict` would see it if the photo were just this face (face-as-photo.ts),
 * the best box cropped with each margin, straight or turned level.
 */
async function throughDetector(faces: FaceSet, size: number, crops: ReadonlyArray<{ margin: number; align: boolean }>): Promise<{ pixels: Uint8Array[]; found: boolean[]; boxSide: number[] }> {
  const detector = await loadBlazeFace();
  const area = size * size;
  const pixels = crops.map(() => new Uint8Array(faces.pixels.length));
  const found: boolean[] = [];
  const boxSide: number[] = [];
  try {
    for (let i = 0; i < faces.count; i++) {
      const face = faces.pixels.subarray(i * area, (i + 1) * area);
      const { photo, best } = await detectFaceAsPhoto(detector, face, size, PIPELINE_DEFAULTS.minFaceScore);
      found.push(best !== undefined);
      if (!best) {
        for (const p of pixels) p.set(face, i * area);
        continue;
      }
      boxSide.push(Math.max(best.box.width, best.box.height) / FACE_PHOTO_SIDE);
      for (const [m, { margin, align }] of crops.entries()) {
        const angle = align ? eyeAngle(best.keypoints) ?? 0 : 0;
        pixels[m]!.set(await cropFace(await photo.pixels(), best.box, size, margin, angle), i * area);
      }
    }
  } finally {
    detector.dispose();
  }
  return { pixels, found, boxSide };
}

function emoscopeClassifier(recognizer: Recognizer): FaceClassifier {
  return {
    name: 'emoscope',
    async classify(pixels, count) {
      return recognizer.classify(pixels, count).map((s) => EMOTIONS.reduce((best, e) => (s[e] > s[best] ? e : best), EMOTIONS[0]));
    },
  };
}

function accuracy(predicted: readonly Emotion[], labels: ArrayLike<number>, counts: readonly boolean[] = []): number {
  let right = 0;
  for (let i = 0; i < predicted.length; i++) if (counts[i] !== false && predicted[i] === EMOTIONS[labels[i]!]) right++;
  return right / predicted.length;
}

function centreInside(a: Box, b: Box): boolean {
  const cx = a.x + a.width / 2;
  const cy = a.y + a.height / 2;
  return cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height;
}

/** Per system, the emotion of each labelled face it found (undefined: not found) — its best-overlapping box. */
async function photoEmotions(systems: System[], labels: PhotoLabels): Promise<Record<string, Array<Emotion | undefined>>> {
  const out: Record<string, Array<Emotion | undefined>> = {};
  const files = [...new Set(labels.faces.map((f) => f.file))];
  for (const file of files) {
    const jpeg = readFileSync(join(args.photos!, file));
    for (const s of systems) {
      const found = await s.run(jpeg);
      labels.faces.forEach((f, i) => {
        if (f.file !== file) return;
        // the same face: each box's centre inside the other (systems frame faces differently), the most overlapping one
        const best = found.filter((g) => centreInside(g, f.box) && centreInside(f.box, g)).sort((a, b) => iou(b, f.box) - iou(a, f.box))[0];
        (out[s.name] ??= [])[i] = best?.emotion;
      });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const split = args.split as Split;
  const recognizer = await loadRecognizer({ model: args.model });
  const size = recognizer.meta.preprocessing.size;
  const classifiers: FaceClassifier[] = [emoscopeClassifier(recognizer)];
  if (!args['no-others']) {
    classifiers.push(await humanClassifier(REPO));
    if (!args['no-face-api']) classifiers.push(await faceApiClassifier(REPO));
  }
  const dataset = await loadDataset(args.data!, { splits: [split] });
  const faces = subset(dataset.splits[split], args.limit ? Number(args.limit) : undefined);
  process.stderr.write(`${faces.count} ${split} faces\n`);

  // 1. re-framed FER2013 faces
  const rows: Array<{ framing: string; found?: number; accuracy: Record<string, number> }> = [];
  for (const framing of FRAMINGS) {
    const pixels = reframe(faces.pixels, faces.count, size, framing);
    const accuracyBy: Record<string, number> = {};
    for (const c of classifiers) accuracyBy[c.name] = accuracy(await c.classify(pixels, faces.count, size), faces.labels);
    rows.push({ framing: framing.name, accuracy: accuracyBy });
    process.stderr.write(`${framing.name} done\n`);
  }
  for (const condition of CONDITIONS) {
    const pixels = await applyCondition(faces.pixels, faces.count, size, condition);
    const accuracyBy: Record<string, number> = {};
    for (const c of classifiers) accuracyBy[c.name] = accuracy(await c.classify(pixels, faces.count, size), faces.labels);
    rows.push({ framing: `as in FER2013, ${condition.name}`, accuracy: accuracyBy });
    process.stderr.write(`${condition.name} done\n`);
  }
  const margins = args.margins ? args.margins.split(',').map(Number) : [DEFAULT_FACE_MARGIN];
  const crops = margins.flatMap((margin) => (args.align ? [false, true] : [recognizer.options.align]).map((align) => ({ margin, align })));
  const turns = [0, ...(args.turned ? args.turned.split(',').map(Number) : [])];
  let boxSides: number[] = [];
  for (const turn of turns) {
    const input = turn === 0 ? faces : { ...faces, pixels: reframe(faces.pixels, faces.count, size, { name: '', scale: 1, dx: 0, dy: 0, angle: turn }) };
    const detected = await throughDetector(input, size, crops);
    if (turn === 0) boxSides = detected.boxSide;
    const foundCount = detected.found.filter(Boolean).length;
    for (const [m, { margin, align }] of crops.entries()) {
      const accuracyBy: Record<string, number> = {};
      for (const c of classifiers) accuracyBy[c.name] = accuracy(await c.classify(detected.pixels[m]!, faces.count, size), faces.labels, detected.found);
      const how = [turn ? `faces turned ${turn}°` : '', `margin ${margin}`, align ? 'aligned' : ''].filter(Boolean).join(', ');
      rows.push({ framing: `through BlazeFace + emoscope's crop, ${how}`, found: foundCount, accuracy: accuracyBy });
    }
  }
  const sides = [...boxSides].sort((a, b) => a - b);
  const medianSide = sides[Math.floor(sides.length / 2)] ?? 0;

  // 2. the labelled faces of the photos, each system through its own detector
  const labels = JSON.parse(readFileSync(args.labels!, 'utf8')) as PhotoLabels;
  const recognizers = await Promise.all(crops.map(({ margin, align }) => (margin === recognizer.options.margin && align === recognizer.options.align ? recognizer : loadRecognizer({ model: args.model, margin, align }))));
  const systems: System[] = recognizers.map((r, m) => ({
    name: crops.length === 1 ? 'emoscope' : `emoscope, margin ${crops[m]!.margin}${crops[m]!.align ? ', aligned' : ''}`,
    async run(jpeg) {
      const result = await r.recognize(jpeg);
      return result.faces.map((f) => ({ ...f.box, emotion: f.emotion }));
    },
  }));
  if (!args['no-others']) {
    systems.push(await humanSystem(REPO), await faceApiSystem(REPO, 'tiny')); // cheap: 65 photos
  }
  const byPhoto = await photoEmotions(systems, labels);
  const clear = labels.faces.map((f) => f.clear);
  const photoRows = systems.map((s) => {
    const got = byPhoto[s.name]!;
    const right = (keep: (i: number) => boolean) => labels.faces.filter((f, i) => keep(i) && got[i] === f.label).length;
    return {
      system: s.name,
      found: got.filter((e) => e !== undefined).length,
      right: right(() => true),
      rightClear: right((i) => clear[i]!),
      predicted: Object.fromEntries(EMOTIONS.map((e) => [e, got.filter((g) => g === e).length])),
    };
  });
  const nClear = clear.filter(Boolean).length;

  const names = classifiers.map((c) => c.name);
  const pct = (x: number) => x.toFixed(3);
  const lines = [
    `FER2013 ${split === 'test' ? 'PrivateTest' : split === 'val' ? 'PublicTest' : split}: ${faces.count} faces${args.limit ? ` (every ${(dataset.splits[split].count / faces.count).toFixed(1)}th)` : ''}, model ${args.model}.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
    '',
    `| framing | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.framing}${r.found !== undefined ? ` (found ${r.found} of ${faces.count})` : ''} | ${names.map((n) => pct(r.accuracy[n]!)).join(' | ')} |`),
    '',
    `BlazeFace's box on a FER2013 face: median side ${pct(medianSide)} of the frame, so a crop of box + margin m on each side spans ${pct(medianSide)} × (1 + 2m) of FER2013's framing (${margins.map((m) => `${m}: ${pct(medianSide * (1 + 2 * m))}`).join(', ')}).`,
    '',
    `Photos: ${labels.faces.length} faces of ${args.photos} labelled by eye (${nClear} clear expressions), each system through its own detector; not found = wrong.`,
    '',
    '| system | faces found | right (all) | right (clear) | predicted |',
    '|---|---|---|---|---|',
    ...photoRows.map((r) => `| ${r.system} | ${r.found} | ${r.right} (${pct(r.right / labels.faces.length)}) | ${r.rightClear} (${pct(r.rightClear / nClear)}) | ${Object.entries(r.predicted).filter(([, n]) => n > 0).map(([e, n]) => `${e} ${n}`).join(', ')} |`),
    '',
    `Labels: ${EMOTIONS.map((e) => [e, labels.faces.filter((f) => f.label === e).length] as const).filter(([, n]) => n > 0).map(([e, n]) => `${e} ${n}`).join(', ')}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) {
    await writeFile(resolve(args.json), `${JSON.stringify({ split, faces: faces.count, model: args.model, framings: rows, detectorBoxMedianSide: medianSide, photos: { labelled: labels.faces.length, clear: nClear, systems: photoRows } }, null, 2)}\n`);
  }
  for (const r of new Set([recognizer, ...recognizers])) r.dispose();
}

await main();
