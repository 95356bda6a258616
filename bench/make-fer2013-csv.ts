// Rebuilds FER2013's original `fer2013.csv` (emotion,pixels,Usage) from the image-folder layout, in the
// original row order given by FER+'s `fer2013-rows.csv`, so that the CSV reader can be benchmarked and
// tested on the real format. Every image is written once: rows in their original order first (a row
// whose image was already written, or that has no image, is left out), then the images no row points
// at. The pixels are the JPEGs' (the originals were lossless; the files differ by ~1 gray level).
//
//   node dist/bench/make-fer2013-csv.js [--images /work/shared/datasets/fer2013]
//     [--rows /work/shared/datasets/ferplus/fer2013-rows.csv] [--out /tmp/emoscope-bench/fer2013.csv]
//     [--max-per-class n]   (at most n rows per usage and class, for small fixtures)
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { FACE_BYTES } from '../src/data/dataset.js';
import { decodeFace } from '../src/data/decode-face.js';
import { scanFolders, type ImageEntry } from '../src/data/folder-scan.js';

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '/work/shared/datasets/fer2013' },
    rows: { type: 'string', default: '/work/shared/datasets/ferplus/fer2013-rows.csv' },
    out: { type: 'string', default: '/tmp/emoscope-bench/fer2013.csv' },
    'max-per-class': { type: 'string' },
  },
});
const maxPerClass = args['max-per-class'] === undefined ? Infinity : Number(args['max-per-class']);

/** The images in original row order, each once, then those no row names. */
async function orderImages(images: ImageEntry[], rowsPath: string): Promise<ImageEntry[]> {
  const byPath = new Map(images.map((image) => [image.relativePath, image]));
  const lines = (await readFile(rowsPath, 'utf8')).split('\n');
  const fileColumn = lines[0].split(',').indexOf('msambare_file');
  if (fileColumn < 0) throw new Error(`${rowsPath}: expected a msambare_file column`);
  const ordered: ImageEntry[] = [];
  for (const line of lines.slice(1)) {
    const image = byPath.get(line.split(',')[fileColumn]);
    if (image === undefined) continue;
    ordered.push(image);
    byPath.delete(image.relativePath); // written once
  }
  return [...ordered, ...byPath.values()];
}

async function main(): Promise<void> {
  const listing = await scanFolders(args.images, false);
  if (listing.format !== 'fer2013-folders') throw new Error(`${args.images}: expected FER2013's image folders (Training_… names)`);
  const ordered = await orderImages(listing.images, args.rows);
  const perGroup = new Map<string, number>();
  const chosen = ordered.filter((image) => {
    const group = `${image.split}/${image.label}`;
    const n = perGroup.get(group) ?? 0;
    perGroup.set(group, n + 1);
    return n < maxPerClass;
  });

  await mkdir(dirname(args.out), { recursive: true });
  const out = createWriteStream(args.out);
  out.write('emotion,pixels,Usage\n');
  const pixels = new Uint8Array(FACE_BYTES);
  for (const image of chosen) {
    await decodeFace(await readFile(image.path), pixels);
    const usage = basename(image.path).split('_')[0]; // Training / PublicTest / PrivateTest
    if (!out.write(`${image.label},${pixels.join(' ')},${usage}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  process.stdout.write(`Wrote ${chosen.length} rows to ${args.out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
