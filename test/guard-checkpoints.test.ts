// Checkpoints (`last/` of a run) resume exactly or not at all: Adam resumes bit for bit like SGD
// (its bias-correction powers saved, not recomputed); a checkpoint whose weights were changed after
// it was written (checksum), holds NaN weights, has a train-state.json that does not parse or is
// `{}`, or a truncated weights.bin is refused with BAD_CHECKPOINT naming the file, before any training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { train } from '../src/train/train.js';
import type { TrainCallbacks } from '../src/train/train.js';
import { EmoscopeError } from '../src/errors.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';

/** Trains `tiny` into `out`, stopping as Ctrl-C does (with a checkpoint) after batch `stopAtBatch` of epoch 1 if given. */
async function run(out: string, epochs: number, options: { optimizer?: 'adam' | 'sgd'; batchSize?: number; stopAtBatch?: number; resume?: boolean } = {}) {
  const controller = new AbortController();
  const callbacks: TrainCallbacks = {
    onBatchEnd(info) {
      if (info.epoch === 1 && info.batch === options.stopAtBatch) controller.abort();
    },
  };
  return train({
    data: FER_FOLDERS, model: 'tiny', out, epochs, batchSize: options.batchSize ?? (options.resume ? undefined : 32), patience: 0, workers: 1, optimizer: options.optimizer,
    resume: options.resume, signal: controller.signal, callbacks,
  });
}

for (const optimizer of ['adam', 'sgd'] as const) {
  // The fixture's 56 training faces in batches of 4: 14 steps per epoch. After 13 steps, Adam's β₁ᵗ by
  // 13 float32 multiplications and TF.js's pow(β₁, 14) differ in the last bit: a resume that recomputes it drifts.
  test(`--optimizer ${optimizer}: stopped after step 13 and resumed gives the same weights, bit for bit, as the uninterrupted epoch`, async () => {
    const dir = await tempDir();
    await run(join(dir, 'straight'), 1, { optimizer, batchSize: 4 });
    const first = await run(join(dir, 'resumed'), 1, { optimizer, batchSize: 4, stopAtBatch: 13 });
    assert.equal(first.stopped, 'interrupted');
    await run(join(dir, 'resumed'), 1, { resume: true });
    for (const file of ['last/weights.bin', 'best/weights.bin', 'last/optimizer.bin']) {
      const a = await readFile(join(dir, 'straight', file));
      const b = await readFile(join(dir, 'resumed', file));
      assert.ok(a.equals(b), `${file} differs between the uninterrupted and the resumed run`);
    }
  });
}

let finishedRun: Promise<string> | undefined;

/** A copy of a finished 1-epoch run whose checkpoint the test then damages; resuming it asks for a second epoch. */
async function damagedRun(damage: (last: string) => Promise<void>): Promise<{ out: string; resume: () => Promise<unknown> }> {
  finishedRun ??= tempDir().then(async (dir) => {
    await run(join(dir, 'run'), 1);
    return join(dir, 'run');
  });
  const out = join(await tempDir(), 'run');
  await cp(await finishedRun, out, { recursive: true });
  await damage(join(out, 'last'));
  return { out, resume: () => run(out, 2, { resume: true }) };
}

function badCheckpoint(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof EmoscopeError, `expected an EmoscopeError, got ${String(error)}`);
    assert.equal(error.code, 'BAD_CHECKPOINT', error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

test('last/weights.bin overwritten by random bytes of the same size → BAD_CHECKPOINT (checksum) naming it', async () => {
  const { resume } = await damagedRun(async (last) => {
    const size = (await readFile(join(last, 'weights.bin'))).length;
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
    await writeFile(join(last, 'weights.bin'), bytes);
  });
  await assert.rejects(resume(), badCheckpoint(/last\/weights\.bin.*sha256/));
});

test('last/optimizer.bin changed → BAD_CHECKPOINT naming it', async () => {
  const { resume } = await damagedRun(async (last) => {
    const bytes = await readFile(join(last, 'optimizer.bin'));
    bytes[bytes.length - 1] ^= 0xff;
    await writeFile(join(last, 'optimizer.bin'), bytes);
  });
  await assert.rejects(resume(), badCheckpoint(/last\/optimizer\.bin/));
});

test('NaN weights (checksum updated to match) → BAD_CHECKPOINT naming weights.bin', async () => {
  const { resume } = await damagedRun(async (last) => {
    const size = (await readFile(join(last, 'weights.bin'))).length;
    const nan = new Float32Array(size / 4).fill(Number.NaN);
    const bytes = new Uint8Array(nan.buffer);
    await writeFile(join(last, 'weights.bin'), bytes);
    const state = JSON.parse(await readFile(join(last, 'train-state.json'), 'utf8'));
    state.checksums['weights.bin'] = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(last, 'train-state.json'), JSON.stringify(state));
  });
  await assert.rejects(resume(), badCheckpoint(/last\/weights\.bin.*not finite/));
});

for (const [what, text] of [['{}', '{}'], ['not JSON', '{"epochsDone": 1, '], ['an array', '[]'], ['epochsDone "x"', '{"epochsDone":"x","history":[],"best":null,"epochsWithoutImprovement":0,"partial":null,"finished":null}']] as const) {
  test(`train-state.json ${what} → BAD_CHECKPOINT naming it, nothing trained`, async () => {
    const { out, resume } = await damagedRun((last) => writeFile(join(last, 'train-state.json'), text));
    const before = await readFile(join(out, 'history.json'), 'utf8');
    await assert.rejects(resume(), badCheckpoint(/last\/train-state\.json/));
    assert.equal(await readFile(join(out, 'history.json'), 'utf8'), before, 'history.json changed');
  });
}

test('last/weights.bin truncated → BAD_CHECKPOINT naming it with the expected size (not TF.js\'s raw message)', async () => {
  const { resume } = await damagedRun(async (last) => {
    const size = (await readFile(join(last, 'weights.bin'))).length;
    await truncate(join(last, 'weights.bin'), size - 100);
  });
  await assert.rejects(resume(), badCheckpoint(/last\/weights\.bin: expected \d+ bytes/));
});
