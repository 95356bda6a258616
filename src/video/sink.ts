// Text written as results come (a cut-off run keeps what it wrote): a file, or stdout, with
// backpressure, so that a slow disk or a slow reader of a pipe holds the work up instead of memory.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { EmoscopeError } from '../errors.js';

/** Where streamed text goes. */
export interface TextSink {
  write(text: string): Promise<void>;
  /** Flushes and closes (stdout is flushed, not closed). */
  close(): Promise<void>;
}

/**
 * Opens `path` for writing (its folder created), or stdout when `path` is undefined. Throws
 * BAD_OUTPUT, naming the path, when it cannot be written: before any work starts.
 */
export async function openSink(path: string | undefined): Promise<TextSink> {
  if (path === undefined) return sinkOf(process.stdout, false);
  try {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path);
    await once(stream, 'open');
    return sinkOf(stream, true);
  } catch (error) {
    throw new EmoscopeError('BAD_OUTPUT', `${path}: cannot be written (${(error as Error).message})`);
  }
}

function sinkOf(stream: Writable, owned: boolean): TextSink {
  return {
    async write(text) {
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async close() {
      if (!owned) return;
      stream.end();
      await once(stream, 'finish');
    },
  };
}
