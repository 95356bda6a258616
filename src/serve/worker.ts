// An inference worker of the server's pool (piscina): loads one recognizer when the thread starts,
// warms it with a photo through every step (decode, detector, classifier), says so on the
// pool's channel, then analyses one photo per task. A failure to load is reported, not thrown:
// a thread that crashed at start would be restarted by the pool forever.
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { isEmoscopeError } from '../errors.js';
import { loadRecognizer } from '../predict/recognizer.js';
import type { PhotoTimings, Recognizer } from '../predict/recognizer.js';
import type { AnalyzeReply, AnalyzeTask, ModelInfo, WireError, WorkerSettings, WorkerStatus } from './protocol.js';

const settings = workerData as WorkerSettings;

/** An error as plain data; anything that is not one of ours is a bug (INTERNAL). */
export function toWireError(error: unknown): WireError {
  if (isEmoscopeError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: `internal error in an inference worker: ${error instanceof Error ? error.message : String(error)}` };
}

async function start(): Promise<Recognizer> {
  const recognizer = await loadRecognizer({ model: settings.model, maxPixels: settings.maxPixels });
  // The first call of each step compiles and allocates; do it now, not in the first request.
  const blank = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  await recognizer.recognize(blank, { timings: emptyTimings() });
  const size = recognizer.meta.preprocessing.size;
  recognizer.classify(new Uint8Array(size * size), 1);
  return recognizer;
}

function describe(recognizer: Recognizer): ModelInfo {
  const m = recognizer.meta;
  return {
    labels: m.labels,
    architecture: m.architecture,
    parameters: m.parameters,
    inputShape: m.inputShape,
    preprocessing: m.preprocessing,
    metrics: m.metrics ?? {},
    createdAt: m.createdAt,
    detector: recognizer.options.detector,
  };
}

function emptyTimings(): PhotoTimings {
  return { decode: 0, detect: 0, classify: 0, total: 0 };
}

const loading = start();
const channel = new BroadcastChannel(settings.channel);
loading.then(
  (recognizer) => channel.postMessage({ ready: true, threadId, model: describe(recognizer) } satisfies WorkerStatus),
  (error: unknown) => channel.postMessage({ ready: false, threadId, error: toWireError(error) } satisfies WorkerStatus),
).finally(() => channel.close());

/** Analyses one photo: its result and timings, or its error, never a rejection. */
export default async function analyze(task: AnalyzeTask): Promise<AnalyzeReply> {
  const started = performance.now();
  try {
    const recognizer = await loading;
    const timings = emptyTimings();
    const { width, height, faces, error, errorCode } = await recognizer.recognize(task.image, { ...task.options, timings });
    const busyMs = performance.now() - started;
    if (error !== undefined) return { ok: false, error: { code: errorCode ?? 'BAD_IMAGE', message: error.replace(/^<buffer>:/, 'the uploaded photo:') }, busyMs };
    return { ok: true, result: { width, height, faces }, timings, busyMs };
  } catch (error) {
    return { ok: false, error: toWireError(error), busyMs: performance.now() - started };
  }
}
