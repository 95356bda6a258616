// One thread of the library baseline of bench/serve.ts: loads a recognizer as a server worker does,
// then, when told, recognizes the same photo over and over for a while (one at a time, closed loop)
// and reports each call's time. N of these threads give the library's throughput on N cores.
import { parentPort, workerData } from 'node:worker_threads';
import { loadRecognizer } from '../src/predict/index.js';

interface Run { photo: Uint8Array; durationMs: number }

const { model } = workerData as { model?: string };
const recognizer = await loadRecognizer({ model });
await recognizer.recognize(new Uint8Array(await (await import('sharp')).default({ create: { width: 320, height: 240, channels: 3, background: '#888' } }).jpeg().toBuffer()));
parentPort!.postMessage({ ready: true });
parentPort!.on('message', async (run: Run | 'exit') => {
  if (run === 'exit') {
    recognizer.dispose();
    process.exit(0);
  }
  await recognizer.recognize(run.photo); // first call on this photo size
  const latencies: number[] = [];
  const end = performance.now() + run.durationMs;
  while (performance.now() < end) {
    const t = performance.now();
    const result = await recognizer.recognize(run.photo);
    if (result.error) throw new Error(result.error);
    latencies.push(performance.now() - t);
  }
  parentPort!.postMessage({ latencies });
});
