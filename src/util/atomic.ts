// Writing files and folders so that a crash never leaves a half-written one: write under a
// temporary name next to the target, then rename over it. Only regular files are replaced so:
// `/dev/stdout`, a pipe or a terminal is written in place (renaming over it would replace the
// device link with a regular file).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` through a temporary file and a rename; a symbolic link to a regular
 * file keeps being a link (its target is replaced). A special file (device, pipe, socket) is
 * written directly.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = await regularTarget(path);
  if (target === undefined) {
    await writeFile(path, data);
    return;
  }
  const tmp = `${target}.tmp-${process.pid}`;
  await mkdir(dirname(target), { recursive: true });
  await writeFile(tmp, data);
  await rename(tmp, target);
}

/** The real path to replace when `path` is (or will be) a regular file; undefined for a special file. */
async function regularTarget(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined; // written in place (a folder then fails with EISDIR, naming it)
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw error;
  }
}

/**
 * Replaces folder `dir` by one whose files `fill(tmpDir)` writes. The old folder is moved aside
 * before the new one is renamed into place; if the process dies between the two renames, the next
 * writer of `dir` (`recoverFolder`, called here first) puts the old one back.
 */
export async function replaceFolderAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  await recoverFolder(dir); // the writer cleans up after itself and after dead writers, never after live ones
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

/**
 * For the writer of `dir` only (readers never call it: a live writer's temporaries are its work in
 * progress). Restores `dir` from a `<dir>.old-<pid>` that a crash inside `replaceFolderAtomic` left
 * behind, and deletes the `<dir>.tmp-<pid>` and `<dir>.old-<pid>` of processes that are no longer
 * running (or of this one). Those of a live process are left alone.
 */
export async function recoverFolder(dir: string): Promise<void> {
  const parent = dirname(dir);
  const name = basename(dir);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const stale = (prefix: string) => entries.filter((e) => {
    if (!e.startsWith(prefix)) return false;
    const pid = e.slice(prefix.length);
    return /^\d+$/.test(pid) && !isOtherLiveProcess(Number(pid));
  });
  const olds = stale(`${name}.old-`);
  const tmps = stale(`${name}.tmp-`);
  const exists = entries.includes(name);
  if (!exists && olds.length > 0) await rename(join(parent, olds.shift()!), dir);
  for (const e of [...olds, ...tmps]) await rm(join(parent, e), { recursive: true, force: true });
}

/** Whether `pid` is another process that is running (signal 0 checks without sending anything). */
export function isOtherLiveProcess(pid: number): boolean {
  if (!(pid > 0) || pid === process.pid) return false; // kill(0, …) would signal the whole process group
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // running, but another user's
  }
}

/** A file written piece by piece that appears under its name only when complete (`commit`). */
export interface AtomicFileWriter {
  /** where the text is until `commit`: the temporary file, or the target itself when it is a device or pipe */
  readonly partial: string;
  /** Appends `text`, waiting when the disk is behind (so that memory stays bounded). */
  write(text: string): Promise<void>;
  /** Flushes, closes and renames the file into place. */
  commit(): Promise<void>;
  /** Closes and deletes the temporary file (after a failure). */
  abort(): Promise<void>;
  /** Flushes and closes, leaving what was written under `partial` and the target as it was (a run cut short). */
  keep(): Promise<void>;
}

export interface AtomicFileOptions {
  /**
   * The temporary file's path, given the real path of the target; default `<target>.tmp-<pid>`.
   * A fixed name (say `results.partial.json`) lets a user find what a run cut short had written.
   */
  partialPath?: (target: string) => string;
}

/** Opens `path` for writing through a temporary file and a rename, like `writeFileAtomic` for output too large to hold in memory. */
export async function openAtomicFile(path: string, options: AtomicFileOptions = {}): Promise<AtomicFileWriter> {
  const target = await regularTarget(path); // undefined: a device or pipe, written in place
  const tmp = target === undefined ? path : (options.partialPath?.(target) ?? `${target}.tmp-${process.pid}`);
  if (target !== undefined) await mkdir(dirname(target), { recursive: true });
  const stream = createWriteStream(tmp, { flags: 'w' });
  await once(stream, 'open');
  let failure: Error | undefined;
  stream.on('error', (error) => { failure = error; });
  const closed = (): Promise<void> => new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return {
    partial: tmp,
    async write(text) {
      if (failure) throw failure;
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async commit() {
      if (failure) throw failure;
      await closed();
      if (target !== undefined) await rename(tmp, target);
    },
    async abort() {
      await closed().catch(() => undefined);
      if (target !== undefined) await rm(tmp, { force: true });
    },
    async keep() {
      if (failure) throw failure;
      await closed();
    },
  };
}
