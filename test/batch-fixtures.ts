// Shared by the batch tests: a folder of copies of the fixture photos plus bad files, a tiny model,
// and waiting for a batch to reach a state (polling its status, with a deadline so that a broken
// build fails instead of hanging).
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { batchStatus } from '../src/batch/status.js';
import type { BatchStatus } from '../src/batch/status.js';
import { COUPLE, SINGLE } from './predict-fixtures.js';
import { tempDir } from './helpers/paths.js';

/** `copies` copies of single.jpg and couple.jpg in a new folder; `bad` adds a text file, an empty and a truncated JPEG. */
export async function photoFolder(copies: number, options: { bad?: boolean } = {}): Promise<{ dir: string; good: string[]; bad: string[] }> {
  const dir = join(await tempDir('emoscope-batch-'), 'photos');
  await mkdir(dir, { recursive: true });
  const good: string[] = [];
  for (let i = 0; i < copies; i++) {
    const src = i % 2 === 0 ? SINGLE : COUPLE;
    const path = join(dir, `photo-${String(i).padStart(3, '0')}.jpg`);
    await copyFile(src, path);
    good.push(path);
  }
  const bad: string[] = [];
  if (options.bad) {
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'not a photo');
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    const truncated = join(dir, 'truncated.jpg');
    await writeFile(truncated, (await readFile(COUPLE)).subarray(0, 4000));
    bad.push(text, empty, truncated);
  }
  return { dir, good, bad };
}

/** Polls the batch's status until `until` holds; fails with the last status after `deadline` ms. */
export async function waitForStatus(name: string, redis: string, until: (s: BatchStatus) => boolean, deadline = 240_000): Promise<BatchStatus> {
  const end = Date.now() + deadline;
  let last: BatchStatus | undefined;
  while (Date.now() < end) {
    last = await batchStatus(name, { redis }).catch(() => last);
    if (last && until(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`batch ${name} did not reach the expected state; last status ${JSON.stringify(last)}`);
}

/** The batch is finished: every file has a result. */
export const finished = (s: BatchStatus): boolean => s.total > 0 && s.done + s.failed === s.total;
