// How fast emoscope trains: ms per training step and images per second for every architecture
// in the registry, on the stock TF.js wasm backend, on emoscope's engine (pure wasm; native
// kernels when the addon is built) with 1 thread and with all cores, and on PyTorch with the
// same network, batch and thread count. Also inference of a batch of faces, peak RSS, and the
// tensor count across the timed steps (it must not grow).
//
//   npm run bench:train -- [--arch seed-tuned] [--batch 64] [--steps 5] [--json bench-train.json]
//                          [--no-torch] [--no-stock]
//
// Every configuration runs in its own child process (clean heap, its own thread settings). The
// machine may be shared: the load average is printed with the table; rerun when it is high.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { getArchitecture, architectureNames } from '../src/model/registry.js';
import { FACE_SIZE, EMOTIONS } from '../src/types.js';

/** One way of running a training step. */
interface Config {
  /** stock: TF.js wasm + only the missing filter gradient; wasm / native: emoscope's engine */
  engine: 'stock' | 'wasm' | 'native';
  /** threads the native kernels use per process */
  threads: number;
  /** data-parallel worker threads (0: train in the main thread) */
  workers: number;
}

interface Measured {
  stepMs: number;
  inferMs: number | null;
  peakRssMb: number;
  tensorGrowth: number;
  native?: string;
}

interface Row extends Config {
  arch: string;
  label: string;
  cores: number;
  stepMs: number | null;
  imagesPerSecond: number | null;
  inferMs: number | null;
  peakRssMb: number | null;
  tensorGrowth: number | null;
  torchStepMs: number | null;
  ratio: number | null;
  note?: string;
}

const CORES = availableParallelism();

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// ---- child: one configuration of one architecture ----

async function runChild(arch: string, config: Config, batch: number, steps: number, inferBatch: number): Promise<Measured> {
  let nativeImpl: string | undefined;
  if (config.engine === 'stock') {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    // Stock TF.js has no Conv2DBackpropFilter on wasm: without one a CNN cannot train at all.
    const { conv2dBackpropFilterConfig } = await import('../src/engine/kernels/conv2d-backprop-filter.js');
    tf.registerKernel(conv2dBackpropFilterConfig);
  } else {
    const { initEngine } = await import('../src/engine/backend.js');
    const { registerEngineKernels } = await import('../src/engine/kernels/index.js');
    const { nativeAddon } = await import('../src/engine/native.js');
    await initEngine('wasm');
    registerEngineKernels(config.engine);
    if (config.engine === 'native') {
      nativeAddon()!.setThreads(config.threads);
      nativeImpl = nativeAddon()!.implName();
    }
  }
  const model = getArchitecture(arch).build({ seed: 1, classes: EMOTIONS.length, inputSize: FACE_SIZE });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, FACE_SIZE, FACE_SIZE, 1]) as tf.Tensor4D;
  const y = tf.oneHot(tf.randomUniform([batch], 0, EMOTIONS.length, 'int32') as tf.Tensor1D, EMOTIONS.length) as tf.Tensor2D;
  const { trainStep } = await import('../src/train/step.js');

  let step: () => Promise<void>;
  let close = async () => {};
  if (config.workers > 0) {
    const { GradientWorkers } = await import('../src/engine/workers.js');
    const pool = await GradientWorkers.start(model, { workers: config.workers, maxBatch: batch });
    step = async () => {
      const { grads } = await pool.computeGradients(x, y);
      optimizer.applyGradients(model.trainableWeights.map((w, i) => ({ name: (w.read() as tf.Variable).name, tensor: grads[i] })));
      tf.dispose(grads);
    };
    close = () => pool.close();
  } else {
    step = async () => {
      trainStep(model, optimizer, x, y);
    };
  }

  await step(); // warm-up: kernels set up, optimizer slots created
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  const tensorGrowth = tf.memory().numTensors - tensorsBefore;
  await close();

  let inferMs: number | null = null;
  if (config.workers === 0) {
    const faces = tf.randomNormal([inferBatch, FACE_SIZE, FACE_SIZE, 1]);
    const infer = () => {
      const start = performance.now();
      tf.tidy(() => (model.predict(faces) as tf.Tensor).dataSync());
      return performance.now() - start;
    };
    infer();
    inferMs = median([infer(), infer(), infer()]);
    faces.dispose();
  }
  return { stepMs: median(times), inferMs, peakRssMb: process.resourceUsage().maxRSS / 1024, tensorGrowth, native: nativeImpl };
}

// ---- parent: every configuration, PyTorch, the table ----

/** The network as a layer list for bench/torch_train.py. */
function torchSpec(model: tfl.LayersModel): object {
  const layers = model.layers.map((layer) => {
    const c = layer.getConfig() as Record<string, unknown>;
    const type = layer.getClassName();
    const first = (v: unknown) => (Array.isArray(v) ? (v[0] as number) : (v as number));
    const l2 = (r: unknown) => ((r as { config?: { l2?: number } } | null)?.config?.l2 ?? 0);
    switch (type) {
      case 'Conv2D':
        return { type: 'conv2d', filters: c.filters, kernel: first(c.kernelSize), strides: first(c.strides), padding: c.padding, useBias: c.useBias, activation: c.activation, l2: l2(c.kernelRegularizer) };
      case 'BatchNormalization':
        return { type: 'batchNormalization', epsilon: c.epsilon, momentum: c.momentum };
      case 'Activation':
        return { type: 'activation', activation: c.activation };
      case 'MaxPooling2D':
        return { type: 'maxPooling2d', pool: first(c.poolSize), strides: first(c.strides ?? c.poolSize) };
      case 'Dropout':
        return { type: 'dropout', rate: c.rate };
      case 'Flatten':
        return { type: 'flatten' };
      case 'Dense':
        return { type: 'dense', units: c.units, useBias: c.useBias, activation: c.activation, l2: l2(c.kernelRegularizer) };
      default:
        throw new Error(`bench:train: no PyTorch equivalent for layer ${type}`);
    }
  });
  return { inputSize: FACE_SIZE, channels: 1, classes: EMOTIONS.length, learningRate: 1e-3, layers };
}

function runTorch(spec: object, threads: number, batch: number, steps: number, inferBatch: number): { stepMs: number; inferMs: number; torch: string } | string {
  const dir = mkdtempSync(join(tmpdir(), 'emoscope-bench-'));
  try {
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const script = fileURLToPath(new URL('../../bench/torch_train.py', import.meta.url));
    const out = execFileSync('/usr/bin/python3', [script, '--spec', specPath, '--threads', String(threads), '--batch', String(batch), '--steps', String(steps), '--infer-batch', String(inferBatch)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop()!) as { stepMs: number; inferMs: number; torch: string };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n').pop() ?? '';
    return `PyTorch not run: ${stderr || (error as Error).message.split('\n')[0]} (needs apt-get install python3-torch)`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runConfig(arch: string, config: Config, batch: number, steps: number, inferBatch: number): Measured | string {
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, ...(config.engine === 'native' ? {} : { EMOSCOPE_NATIVE: '0' }), OMP_NUM_THREADS: String(config.threads) };
  try {
    const out = execFileSync(process.execPath, [self, '--child', JSON.stringify({ arch, config, batch, steps, inferBatch })], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
    return JSON.parse(out.trim().split('\n').pop()!) as Measured;
  } catch (error) {
    return `failed: ${((error as Error).message.split('\n').find((l) => /Error/.test(l)) ?? '').slice(0, 160)}`;
  }
}

function configsFor(nativeBuilt: boolean, stock: boolean): Array<Config & { label: string }> {
  const list: Array<Config & { label: string }> = [];
  if (stock) list.push({ label: 'stock TF.js wasm', engine: 'stock', threads: 1, workers: 0 });
  list.push({ label: 'engine, pure wasm, 1 thread', engine: 'wasm', threads: 1, workers: 0 });
  if (CORES > 1) list.push({ label: `engine, pure wasm, ${CORES} workers`, engine: 'wasm', threads: 1, workers: CORES });
  if (nativeBuilt) {
    list.push({ label: 'engine, native, 1 thread', engine: 'native', threads: 1, workers: 0 });
    if (CORES > 1) {
      list.push({ label: `engine, native, ${CORES} threads`, engine: 'native', threads: CORES, workers: 0 });
      list.push({ label: `engine, native, ${CORES} workers`, engine: 'native', threads: 1, workers: CORES });
    }
  }
  return list;
}

function format(value: number | null, digits = 0): string {
  return value === null ? '—' : value.toFixed(digits);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      arch: { type: 'string', multiple: true },
      batch: { type: 'string', default: '64' },
      steps: { type: 'string', default: '5' },
      'infer-batch': { type: 'string', default: '256' },
      json: { type: 'string' },
      'no-torch': { type: 'boolean', default: false },
      'no-stock': { type: 'boolean', default: false },
    },
  });
  if (values.child) {
    const job = JSON.parse(values.child) as { arch: string; config: Config; batch: number; steps: number; inferBatch: number };
    const steps = job.config.engine === 'stock' ? 1 : job.steps; // stock takes ~10 s a step
    const measured = await runChild(job.arch, job.config, job.batch, steps, job.inferBatch);
    console.log(JSON.stringify(measured));
    process.exit(0); // worker threads and the wasm module keep no state worth a graceful exit
  }

  const batch = Number(values.batch);
  const steps = Number(values.steps);
  const inferBatch = Number(values['infer-batch']);
  const archs = values.arch ?? architectureNames();
  const { nativeAddon, nativeLoadError } = await import('../src/engine/native.js');
  const { initEngine } = await import('../src/engine/backend.js');
  await initEngine('cpu'); // the parent only builds models to describe them to PyTorch
  const nativeBuilt = nativeAddon() !== undefined;
  const rows: Row[] = [];
  const torchNotes: string[] = [];

  for (const arch of archs) {
    const torch = new Map<number, { stepMs: number; inferMs: number } | string>();
    if (!values['no-torch']) {
      const spec = torchSpec(getArchitecture(arch).build({ seed: 1, classes: EMOTIONS.length, inputSize: FACE_SIZE }));
      for (const threads of new Set([1, CORES])) torch.set(threads, runTorch(spec, threads, batch, steps, inferBatch));
    }
    for (const { label, ...config } of configsFor(nativeBuilt, !values['no-stock'])) {
      const cores = Math.max(config.threads, config.workers);
      const measured = runConfig(arch, config, batch, steps, inferBatch);
      const reference = torch.get(cores);
      const torchStepMs = typeof reference === 'object' ? reference.stepMs : null;
      const row: Row = {
        arch, label, ...config, cores,
        stepMs: null, imagesPerSecond: null, inferMs: null, peakRssMb: null, tensorGrowth: null, torchStepMs, ratio: null,
      };
      if (typeof measured === 'string') row.note = measured;
      else {
        row.stepMs = measured.stepMs;
        row.imagesPerSecond = (batch * 1000) / measured.stepMs;
        row.inferMs = measured.inferMs;
        row.peakRssMb = measured.peakRssMb;
        row.tensorGrowth = measured.tensorGrowth;
        row.ratio = torchStepMs === null ? null : measured.stepMs / torchStepMs;
        if (measured.native) row.note = measured.native;
      }
      rows.push(row);
      console.error(`${arch} · ${label}: ${format(row.stepMs)} ms/step ${row.note ?? ''}`);
    }
    for (const [threads, reference] of torch) {
      if (typeof reference === 'string') torchNotes.push(reference);
      else {
        rows.push({
          arch, label: `PyTorch ${threads} thread${threads > 1 ? 's' : ''}`, engine: 'stock', threads, workers: 0, cores: threads,
          stepMs: reference.stepMs, imagesPerSecond: (batch * 1000) / reference.stepMs, inferMs: reference.inferMs,
          peakRssMb: null, tensorGrowth: null, torchStepMs: reference.stepMs, ratio: 1,
        });
      }
    }
  }

  const header = ['architecture', 'configuration', 'cores', 'ms/step', 'img/s', `infer ${inferBatch} ms`, '× PyTorch', 'peak RSS MB', 'Δ tensors'];
  const table = rows.map((r) => [
    r.arch, r.label, String(r.cores), format(r.stepMs), format(r.imagesPerSecond, 1), format(r.inferMs), r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    format(r.peakRssMb), r.tensorGrowth === null ? '—' : String(r.tensorGrowth),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`training step, batch ${batch}, median of ${steps} steps; ${CORES} cores; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`native kernels: ${nativeBuilt ? 'built' : `not available (${nativeLoadError()})`}`);
  console.log(line(header));
  for (const t of table) console.log(line(t));
  for (const r of rows) if (r.note && r.stepMs === null) console.log(`${r.arch} · ${r.label}: ${r.note}`);
  for (const note of new Set(torchNotes)) console.log(note);
  if (values.json) {
    writeFileSync(values.json, `${JSON.stringify({ batch, steps, inferBatch, cores: CORES, loadavg: loadavg(), nativeBuilt, rows }, null, 2)}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
