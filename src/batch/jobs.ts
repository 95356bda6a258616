// The jobs on the queue: what a job carries (the batch and its photos), how file and job ids are
// derived (so that submitting twice adds nothing), and the options every job gets.
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { BATCH_DEFAULTS } from './defaults.js';
import { checkBatchName } from './keys.js';

/** A photo in a job: its file id (the results hash's field) and its absolute path. */
export type JobFile = readonly [id: string, path: string];

/** A job's data. */
export interface BatchJobData {
  batch: string;
  files: JobFile[];
}

/** A file as submitted: the path, size and modification time say which version of it. */
export interface FileVersion {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The id of a file version in a batch: 16 characters of SHA-1 over path, size and mtime (96 bits;
 * a collision among a billion files has odds below 1e-10). A file changed after a submit is a new file.
 */
export function fileId(file: FileVersion): string {
  return createHash('sha1').update(`${file.path}\0${file.size}\0${Math.floor(file.mtimeMs)}`).digest('base64url').slice(0, 16);
}

/** The job id of a chunk: the batch name and a hash of its files' ids (BullMQ refuses `:` in ids). */
export function jobId(batch: string, files: readonly JobFile[]): string {
  const h = createHash('sha1').update(batch);
  for (const [id] of files) h.update(`\0${id}`);
  return `${batch}.${h.digest('base64url').slice(0, 22)}`;
}

/** Options of every job: completed jobs are removed at once (Redis keeps results, not jobs); failed ones stay until a worker records their photos as failed (reaper.ts). */
export function jobOptions(id: string): JobsOptions {
  return {
    jobId: id,
    attempts: BATCH_DEFAULTS.attempts,
    backoff: { type: 'exponential', delay: BATCH_DEFAULTS.backoff },
    removeOnComplete: true,
    removeOnFail: false,
  };
}

/** The job's data if it has the expected shape, else undefined (a job this version did not write). */
export function parseJobData(data: unknown): BatchJobData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { batch, files } = data as { batch?: unknown; files?: unknown };
  try {
    checkBatchName(batch);
  } catch {
    return undefined;
  }
  if (!Array.isArray(files) || !files.every((f) => Array.isArray(f) && f.length === 2 && typeof f[0] === 'string' && typeof f[1] === 'string')) return undefined;
  return { batch: batch as string, files: files as JobFile[] };
}
