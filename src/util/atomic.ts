// Writing files and folders so that a crash never leaves a half-written one: write under a
// temporary name next to the target, then rename over it.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile, readdir } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` through a temporary file and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Replaces folder `dir` by one whose files `fill(tmpDir)` writes. The old folder is moved aside
 * before the new one is renamed into place; if the process dies between the two renames,
 * `recoverFolder(dir)` puts the old one back.
 */
export async function replaceFolderAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await fill(tmp);
  let hadOld = true;
  try {
    await rename(dir, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadOld = false;
  }
  await rename(tmp, dir);
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/** Restores `dir` from a `<dir>.old-<pid>` left by a crash inside `replaceFolderAtomic`, and drops stale temporaries. */
export async function recoverFolder(dir: string): Promise<void> {
  const parent = dirname(dir);
  const name = basename(dir);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const olds = entries.filter((e) => e.startsWith(`${name}.old-`));
  const tmps = entries.filter((e) => e.startsWith(`${name}.tmp-`));
  const exists = entries.includes(name);
  if (!exists && olds.length > 0) await rename(join(parent, olds[0]!), dir);
  for (const e of [...olds, ...tmps]) await rm(join(parent, e), { recursive: true, force: true });
}

/** A file written piece by piece that appears under its name only when complete (`commit`). */
export interface AtomicFileWriter {
  /** Appends `text`, waiting when the disk is behind (so that memory stays bounded). */
  write(text: string): Promise<void>;
  /** Flushes, closes and renames the file into place. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file (after a failure). */
  abort(): Promise<void>;
}

/** Opens `path` for writing through a temporary file and a rename, like `writeFileAtomic` for output too large to hold in memory. */
export async function openAtomicFile(path: string): Promise<AtomicFileWriter> {
  const tmp = `${path}.tmp-${process.pid}`;
  await mkdir(dirname(path), { recursive: true });
  const stream = createWriteStream(tmp);
  await once(stream, 'open');
  let failure: Error | undefined;
  stream.on('error', (error) => { failure = error; });
  const closed = (): Promise<void> => new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return {
    async write(text) {
      if (failure) throw failure;
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async commit() {
      if (failure) throw failure;
      await closed();
      await rename(tmp, path);
    },
    async abort() {
      await closed().catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}
