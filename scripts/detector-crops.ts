// FER2013's training faces as `emoscope predict` sees a face in a photo: each 48-px face scaled to
// 256 px, found by BlazeFace (face check on) and cropped with the recognizer's crop code and the
// given margin, back to 48 px. Written as a FER2013 folder data set that holds both framings, so that
// `train --data <out>` trains on both at once: <out>/train/<class>/orig links to the original class
// folder, <out>/train/<class>/det holds the crops (`Training_det-<n>.png`), <out>/test links to the
// original test folder (validation stays PublicTest as it is). Faces the detector does not find are
// left out (the original stays). With --align each crop is turned so that the eyes are level, as
// `predict` does by default.
// Resumable: a crop already written is not made again; each file is written atomically. Faces are
// visited in a fixed shuffled order, so a run stopped early leaves a sample spread over the classes.
//
//   npx tsc -p tsconfig.json && node dist/scripts/detector-crops.js --data ../shared/datasets/fer2013 --out runs/fer-detector [--margin 0.3] [--align]
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadDataset } from '../src/data/load.js';
import { initEngine } from '../src/engine/backend.js';
import { FACE_BYTES } from '../src/data/dataset.js';
import { PIPELINE_DEFAULTS } from '../src/pipeline/options.js';
import { EMOTIONS, FACE_SIZE } from '../src/types.js';
import { writeFileAtomic } from '../src/util/atomic.js';
import { shuffledIndices } from '../src/util/random.js';
import { loadBlazeFace } from '../src/vision/blazeface.js';
import { detectFaceAsPhoto, FACE_PHOTO_SIDE } from '../src/vision/face-as-photo.js';
import { cropFace, eyeAngle } from '../src/vision/face-crop.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    margin: { type: 'string', default: '0.3' },
    side: { type: 'string', default: String(FACE_PHOTO_SIDE) },
    align: { type: 'boolean', default: false },
  },
});
if (!args.data || !args.out) throw new Error('usage: detector-crops --data <FER2013 folder> --out <folder> [--margin 0.3] [--side 256] [--align]');
const margin = Number(args.margin);
const side = Number(args.side);
const out = resolve(args.out);
const trainDir = join(out, 'train');
const link = async (target: string, path: string) => {
  if (!existsSync(path)) await symlink(resolve(target), path, 'dir');
};
await mkdir(trainDir, { recursive: true });
await link(join(args.data, 'test'), join(out, 'test'));
for (const emotion of EMOTIONS) {
  await mkdir(join(trainDir, emotion, 'det'), { recursive: true });
  await link(join(args.data, 'train', emotion), join(trainDir, emotion, 'orig'));
}

const { splits } = await loadDataset(args.data, { splits: ['train'] });
const faces = splits.train;
await initEngine();
const detector = await loadBlazeFace();
let written = 0;
let missed = 0;
const started = Date.now();
try {
  const order = shuffledIndices(faces.count, 2026);
  for (const [n, i] of order.entries()) {
    const emotion = EMOTIONS[faces.labels[i]!]!;
    const name = basename(faces.origins[i]!, extname(faces.origins[i]!)).replace(/^Training_/, 'Training_det-');
    const file = join(trainDir, emotion, 'det', `${name}.png`);
    if (existsSync(file)) continue;
    const face = faces.pixels.subarray(i * FACE_BYTES, (i + 1) * FACE_BYTES);
    const { photo, best } = await detectFaceAsPhoto(detector, face, FACE_SIZE, PIPELINE_DEFAULTS.minFaceScore, side);
    if (!best) { missed++; continue; }
    const crop = await cropFace(await photo.pixels(), best.box, FACE_SIZE, margin, args.align ? eyeAngle(best.keypoints) ?? 0 : 0);
    await writeFileAtomic(file, await sharp(crop, { raw: { width: FACE_SIZE, height: FACE_SIZE, channels: 1 } }).png().toBuffer());
    written++;
    if (written % 1000 === 0) process.stderr.write(`${n + 1}/${faces.count} faces, ${written} crops written, ${missed} not found, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
} finally {
  detector.dispose();
}
process.stdout.write(`${faces.count} training faces: ${written} crops written now, ${missed} not found by the detector; train --data ${out} trains on the originals (links) and the crops (margin ${margin}${args.align ? ', aligned' : ''})\n`);
