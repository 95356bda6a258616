// The jobs on the queue: what a job carries (the batch and its photos), how photo ids, versions and
// job ids are derived (so that submitting twice adds nothing), and the options every job gets.
import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { BATCH_DEFAULTS } from './defaults.js';
import { checkBatchName } from './keys.js';

/** A photo in a job: its photo id (the results hash's field) and its absolute path. */
export type JobFile = readonly [id: string, path: string];

/** A job's data. */
export interface BatchJobData {
  batch: string;
  files: JobFile[];
}

/** A photo to queue: its id, its absolute path as submitted (what the worker opens) and the version submitted. */
export type QueuedFile = readonly [id: string, path: string, version: string];

/**
 * The id of a photo in a batch: 16 characters of SHA-1 over its real path (symbolic links resolved;
 * 96 bits: a collision among a billion files has odds below 1e-10). The same file reached by
 * another path (a link to it or to its folder) is the same photo; a changed file too (fileVersion).
 */
export function photoId(realPath: string): string {
  return createHash('sha1').update(realPath).digest('base64url').slice(0, 16);
}

/** Which version of a file was submitted: its size and modification time ("-1:0" for a missing file). */
export function fileVersion(info: { size: number; mtimeMs: number } | undefined): string {
  return info === undefined ? '-1:0' : `${info.size}:${Math.floor(info.mtimeMs)}`;
}

/** The job id of a chunk: the batch name and a hash of its photos' ids and versions (BullMQ refuses `:` in ids). */
export function jobId(batch: string, files: readonly QueuedFile[]): string {
  const h = createHash('sha1').update(batch);
  for (const [id, , version] of files) h.update(`\0${id}\0${version}`);
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
