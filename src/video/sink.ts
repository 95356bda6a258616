// Text written as results come, with backpressure (a slow disk or a slow reader of a pipe holds
// the work up instead of memory): to stdout, or to a file. A regular file is streamed into
// `<name>.partial<ext>` beside it and renamed over `<name><ext>` only when complete, so a run cut
// short (Ctrl-C, a crash, a full disk) never leaves a truncated file in place of a previous good
// one, and what it had written (every frame finished so far, a line each) is in the partial file.
// Devices and pipes (`/dev/stdout`, a FIFO) are written in place.
import { once } from 'node:events';
import { extname } from 'node:path';
import type { Writable } from 'node:stream';
import { EmoscopeError } from '../errors.js';
import { openAtomicFile } from '../util/atomic.js';

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
 * Opens `path` for writing (its folder created), or stdout when `path` is undefined. Throws
 * BAD_OUTPUT, naming the path, when it cannot be written: before any work starts.
 */
export async function openSink(path: string | undefined): Promise<TextSink> {
  if (path === undefined) return streamSink(process.stdout);
  try {
    const file = await openAtomicFile(path, { partialPath });
    const inPlace = file.partial === path; // a device or a pipe
    return {
      write: (text) => file.write(text),
      close: () => file.commit(),
      keep: async () => {
        await file.keep();
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
