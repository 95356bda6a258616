// Run by batch-workers.test.ts as a child process: an idle batch worker in a fresh process, stopped
// `after` ms (argv[2]) after its Redis shut down. Prints "stopped <ms>" or "still stopping" (10 s).
// A fresh process matters: BullMQ's close used to hang there (on a connection still connecting when
// Redis went) in about one stop of four around 50 ms, and never in a warmed-up test process.
import type { PhotoResult } from '../../src/types.js';
import { startBatchWorker } from '../../src/batch/worker.js';
import { startRedis } from './redis.js';

const after = Number(process.argv[2]);
const down = await startRedis();
try {
  const recognizer = { async *recognizeEach(): AsyncGenerator<PhotoResult> { /* never given a job */ }, dispose: () => undefined };
  const worker = await startBatchWorker({ redis: down.url, recognizer, stopTimeout: 30_000 });
  await down.shutdown();
  await new Promise((r) => setTimeout(r, after));
  const started = Date.now();
  const stopped = worker.close().then(() => `stopped ${Date.now() - started}`);
  console.log(await Promise.race([stopped, new Promise((r) => setTimeout(r, 10_000, 'still stopping').unref())]));
} finally {
  await down.stop();
}
process.exit(0);
