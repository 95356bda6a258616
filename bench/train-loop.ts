// How fast the real training loop (`train()`: augmentation, loss, update, everything but
// validation) runs with 1 worker (in the main thread) and with N data-parallel gradient workers:
// ms per step and images per second on synthetic faces, each configuration in its own process.
//
//   npm run build && node dist/bench/train-loop.js [--arch seed-tuned] [--batch 64] [--steps 10]
//                                                  [--workers 1,2] [--no-native] [--json out.json]
//
// The first step of each run (kernel set-up, optimizer slots, workers warming up) is left out;
// the median of the others is reported. The machine may be shared: the load average is printed
// with the table; compare rows of one invocation only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { emptySplits, FACE_BYTES, type Dataset, type FaceSet } from '../src/data/dataset.js';
import { createRandom } from '../src/util/random.js';
import { EMOTIONS } from '../src/types.js';

interface Job {
  arch: string;
  batch: number;
  steps: number;
  workers: number;
}

interface Row extends Job {
  stepMs: number | null;
  imagesPerSecond: number | null;
  /** ms/step with 1 worker over ms/step with this many */
  speedup: number | null;
  note?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `count` faces of seeded noise with labels cycling through the classes. */
function syntheticFaces(count: number, seed: number): FaceSet {
  const random = createRandom(seed);
  return {
    pixels: Uint8Array.from({ length: count * FACE_BYTES }, () => Math.floor(random() * 256)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % EMOTIONS.length),
    count,
    origins: Array.from({ length: count }, (_, i) => `synthetic:${i}`),
  };
}

// ---- child: one run of train() ----

async function runChild(job: Job): Promise<number> {
  const { train } = await import('../src/train/train.js');
  const splits = emptySplits();
  splits.train = syntheticFaces((job.steps + 1) * job.batch, 1); // +1: the warm-up step
  splits.val = syntheticFaces(EMOTIONS.length, 2);
  const dataset: Dataset = { format: 'fer2013-folders', source: 'synthetic', splits, skipped: [], passedOver: [] };
  const out = mkdtempSync(join(tmpdir(), 'emoscope-bench-loop-'));
  const ends: number[] = [];
  try {
    await train({
      data: 'synthetic', model: job.arch, out: join(out, 'run'), dataset, epochs: 1, batchSize: job.batch, patience: 0, workers: job.workers,
      callbacks: { onBatchEnd: () => ends.push(performance.now()) },
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return median(ends.slice(1).map((t, i) => t - ends[i]!));
}

// ---- parent: every configuration, the table ----

function runJob(job: Job, native: boolean): number | string {
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, ...(native ? {} : { EMOSCOPE_NATIVE: '0' }) };
  try {
    const out = execFileSync(process.execPath, [self, '--child', JSON.stringify(job)], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
    return Number(out.trim().split('\n').pop());
  } catch (error) {
    return `failed: ${((error as Error).message.split('\n').find((l) => /Error/.test(l)) ?? '').slice(0, 160)}`;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      arch: { type: 'string', multiple: true },
      batch: { type: 'string', default: '64' },
      steps: { type: 'string', default: '10' },
      workers: { type: 'string', default: `1,${availableParallelism()}` },
      'no-native': { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  if (values.child) {
    console.log(await runChild(JSON.parse(values.child) as Job));
    process.exit(0); // worker threads and the wasm module keep no state worth a graceful exit
  }
  const batch = Number(values.batch);
  const steps = Number(values.steps);
  const counts = [...new Set(values.workers.split(',').map(Number))];
  const native = !values['no-native'];
  const rows: Row[] = [];
  for (const arch of values.arch ?? ['seed-tuned']) {
    let single: number | null = null;
    for (const workers of counts) {
      const measured = runJob({ arch, batch, steps, workers }, native);
      const row: Row = { arch, batch, steps, workers, stepMs: null, imagesPerSecond: null, speedup: null };
      if (typeof measured === 'string') row.note = measured;
      else {
        row.stepMs = measured;
        row.imagesPerSecond = (batch * 1000) / measured;
        if (workers === 1) single = measured;
        row.speedup = single === null ? null : single / measured;
      }
      rows.push(row);
      console.error(`${arch} · ${workers} worker${workers > 1 ? 's' : ''}: ${row.stepMs?.toFixed(0) ?? row.note} ms/step`);
    }
  }
  const format = (v: number | null, digits = 0) => (v === null ? '—' : v.toFixed(digits));
  const header = ['architecture', 'workers', 'ms/step', 'img/s', 'speed-up'];
  const table = rows.map((r) => [r.arch, String(r.workers), format(r.stepMs), format(r.imagesPerSecond, 1), r.speedup === null ? '—' : `${r.speedup.toFixed(2)}×`]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`train() loop, batch ${batch}, median of ${steps} steps after a warm-up step; ${availableParallelism()} cores; ` +
    `${native ? 'native kernels if built' : 'pure wasm (EMOSCOPE_NATIVE=0)'}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(line(header));
  for (const t of table) console.log(line(t));
  for (const r of rows) if (r.note) console.log(`${r.arch} · ${r.workers} workers: ${r.note}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ batch, steps, native, cores: availableParallelism(), loadavg: loadavg(), rows }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
