// How fast the 35,887 FER2013 faces load, per format and per image decoder, and how much memory they
// take. Prints a table; --json <file> also writes the numbers.
//
//   npx tsc -p tsconfig.json
//   node dist/bench/make-fer2013-csv.js            # once: /tmp/emoscope-bench/fer2013.csv
//   node dist/bench/load-data.js [--folders /work/shared/datasets/fer2013]
//     [--csv /tmp/emoscope-bench/fer2013.csv] [--sharp-sample n] [--json results.json]
//
// The sharp-only cases decode the first n images of the listing (default all), as they are slow.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadDataset } from '../src/data/load.js';
import type { Dataset } from '../src/data/dataset.js';
import type { FaceDecoder } from '../src/data/decode-face.js';
import { scanFolders } from '../src/data/folder-scan.js';
import { readImages } from '../src/data/image-reader.js';
import { SPLITS } from '../src/types.js';

const { values: args } = parseArgs({
  options: {
    folders: { type: 'string', default: '/work/shared/datasets/fer2013' },
    csv: { type: 'string', default: '/tmp/emoscope-bench/fer2013.csv' },
    'sharp-sample': { type: 'string' },
    json: { type: 'string' },
  },
});

interface Result {
  case: string;
  faces: number;
  seconds: number;
  facesPerSecond: number;
  /** Bytes of the typed arrays holding the faces (pixels + labels). */
  heldBytes: number;
}

const results: Result[] = [];

async function measure(name: string, run: () => Promise<{ faces: number; heldBytes: number }>): Promise<void> {
  const start = performance.now();
  const { faces, heldBytes } = await run();
  const seconds = (performance.now() - start) / 1000;
  results.push({ case: name, faces, seconds, facesPerSecond: faces / seconds, heldBytes });
  process.stderr.write(`${name}: ${seconds.toFixed(2)} s\n`);
}

function held(ds: Dataset): { faces: number; heldBytes: number } {
  return {
    faces: SPLITS.reduce((sum, split) => sum + ds.splits[split].count, 0),
    heldBytes: SPLITS.reduce((sum, split) => sum + ds.splits[split].pixels.byteLength + ds.splits[split].labels.byteLength, 0),
  };
}

/** Decodes the listing with one decoder, `concurrency` files in flight, no cache. */
async function decodeOnly(decoder: FaceDecoder, concurrency: number, sample: number | undefined): Promise<{ faces: number; heldBytes: number }> {
  const listing = await scanFolders(args.folders, false);
  const images = sample === undefined ? listing.images : listing.images.slice(0, sample);
  const read = await readImages(images, { skipBad: false, decoder, concurrency });
  return { faces: images.length, heldBytes: read.pixels.byteLength };
}

async function main(): Promise<void> {
  const sample = args['sharp-sample'] === undefined ? undefined : Number(args['sharp-sample']);
  const cacheDir = await mkdtemp(join(tmpdir(), 'emoscope-bench-cache-'));
  try {
    await measure('folders: jpeg-js (sharp for non-FER images), no cache', async () => held(await loadDataset(args.folders, { cacheDir: false })));
    await measure('folders: same, first load writing the cache', async () => held(await loadDataset(args.folders, { cacheDir })));
    await measure('folders: from the cache', async () => held(await loadDataset(args.folders, { cacheDir })));
    await measure('folders: from the cache, --limit 2000 per split', async () => held(await loadDataset(args.folders, { cacheDir, limit: 2000 })));
    await measure('folders: --limit 2000 per split, no cache', async () => held(await loadDataset(args.folders, { cacheDir: false, limit: 2000 })));
    await measure('decode only: jpeg-js, 16 files in flight', () => decodeOnly('auto', 16, undefined));
    await measure(`decode only: sharp, 16 in flight${sample ? ` (first ${sample})` : ''}`, () => decodeOnly('sharp', 16, sample));
    await measure(`decode only: sharp, 4 in flight${sample ? ` (first ${sample})` : ''}`, () => decodeOnly('sharp', 4, sample));
    await measure(`decode only: sharp, 1 in flight${sample ? ` (first ${sample})` : ''}`, () => decodeOnly('sharp', 1, sample));
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
  if (existsSync(args.csv)) {
    await measure('fer2013.csv: streamed and parsed', async () => held(await loadDataset(args.csv)));
  } else {
    process.stderr.write(`${args.csv} not found: run node dist/bench/make-fer2013-csv.js first to measure the CSV\n`);
  }

  const rows = results.map((r) => [r.case, String(r.faces), r.seconds.toFixed(2), Math.round(r.facesPerSecond).toString(), (r.heldBytes / 1e6).toFixed(1)]);
  const header = ['case', 'faces', 'seconds', 'faces/s', 'MB held'];
  const widths = header.map((_, c) => Math.max(header[c].length, ...rows.map((row) => row[c].length)));
  const line = (row: string[]): string => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, sharp: sharp.versions.sharp, loadavg: loadavg() };
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
  process.stdout.write(`(${machine.cpus} × ${machine.cpu}, node ${machine.node}, load average ${machine.loadavg.map((l) => l.toFixed(2)).join(' ')}; one run each, timings noisy)\n`);
  if (args.json) await writeFile(args.json, `${JSON.stringify({ machine, results }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
