// Batch inference over many machines, on BullMQ and Redis: submit files, run workers anywhere that
// sees the same paths, follow the status, read every file's result once. Re-exported from src/index.ts.
//
//   await submitBatch(['/archive'], { redis: 'redis://queue-host:6379', name: 'archive' });
//   const worker = await startBatchWorker({ redis: 'redis://queue-host:6379' });   // on each machine
//   await batchStatus('archive', { redis: 'redis://queue-host:6379' });            // { total, done, failed, … }
//   for await (const r of batchResults('archive', { redis: 'redis://queue-host:6379' })) …
export { submitBatch } from './submit.js';
export type { SubmitOptions, SubmitResult } from './submit.js';
export type { PassedOver, PassedOverReason } from '../vision/files.js';
export { startBatchWorker } from './worker.js';
export type { BatchWorker, BatchWorkerOptions } from './worker.js';
export { batchStatus, etaSeconds } from './status.js';
export type { BatchStatus } from './status.js';
export { batchResults, writeBatchResults } from './results.js';
export type { WriteResultsOptions } from './results.js';
export { clearBatch } from './clear.js';
export type { ClearResult } from './clear.js';
export { BATCH_DEFAULTS } from './defaults.js';
