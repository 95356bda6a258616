// Text written as results come, with backpressure (a slow disk or a slow reader of a pipe holds
// the work up instead of memory): to stdout, or to a file. A regular file is streamed into
// `<name>.partial<ext>` beside it and renamed over `<name><ext>` only when complete, so a run cut
// short (Ctrl-C, a crash, a full disk) never leaves a truncated file in place of a previous good
// one, and what it had written (every frame finished so far, a line each) is in the partial file.
// Devices and pipes (`/dev/stdout`, a FIFO) are written in place.
import { once } from 'node:events';
import { lstat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Writable } from 'node:stream';
import { EmoscopeError } from '../errors.js';
import { openAtomicFile } from '../util/atomic.js';
import { readFileHead } from '../util/media-signature.js';
import { printable } from '../util/printable.js';

/** Where streamed text goes. */
export interface TextSink {
  write(text: string): Promise<void>;
  /** Flushes and puts the file in place (stdout is flushed, not closed). */
  close(): Promise<void>;
  /** Flushes and leaves what was written in the partial file, the target as it was; resolves to the partial file (undefined when written in place). */
  keep(): Promise<string | undefined>;
}

/** The file a sink writes until it is complete: `results.json` → `results.partial.json`. */
export function partialPath(path: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.partial${ext}`;
}

/**
 * Fails unless the partial file of output `path` (`partialPath`) is missing, empty, or begins as
 * emoscope's own writing of this output does (`ours`: a run cut short left it): a user's file that
 * happens to have that name is never written over. A device or pipe has no partial file.
 * @throws EmoscopeError BAD_OUTPUT naming the flag and the file
 */
export async function checkPartialReplaceable(path: string, flag: string, ours: (head: string) => boolean): Promise<void> {
  const target = await lstat(path).catch(() => undefined);
  if (target !== undefined && !target.isFile() && !target.isSymbolicLink()) return;
  const partial = partialPath(path);
  const info = await lstat(partial).catch(() => undefined);
  if (info === undefined) return;
  const head = info.isFile() ? new TextDecoder().decode(await readFileHead(partial, 512).catch(() => new Uint8Array([0]))) : undefined;
  if (head !== undefined && (head === '' || ours(head))) return;
  throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${flag} ${printable(path)}: it is written through ${printable(partial)}, and a ${info.isFile() ? 'file' : 'folder or link'} of that name is there that emoscope did not write (move it, or choose another name)`);
}

/**
 * Opens `path` for writing (its folder created), or stdout when `path` is undefined. Throws
 * BAD_OUTPUT, naming the path, when it cannot be written: before any work starts.
 */
export async function openSink(path: string | undefined): Promise<TextSink> {
  if (path === undefined) return streamSink(process.stdout);
  try {
    const file = await openAtomicFile(path, { partialPath });
    const inPlace = file.partial === path; // a device or a pipe
    // a write that fails later (a full disk) names the file too
    const named = (error: unknown): never => {
      throw new EmoscopeError('BAD_OUTPUT', `${printable(path)}: cannot be written (${(error as Error).message})`);
    };
    return {
      write: (text) => file.write(text).catch(named),
      close: () => file.commit().catch(named),
      keep: async () => {
        await file.keep().catch(named);
        return inPlace ? undefined : file.partial;
      },
    };
  } catch (error) {
    throw new EmoscopeError('BAD_OUTPUT', `${path}: cannot be written (${(error as Error).message})`);
  }
}

function streamSink(stream: Writable): TextSink {
  const write = async (text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  return { write, close: async () => {}, keep: async () => undefined };
}
