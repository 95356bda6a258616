// emoscope in the browser (`import { loadRecognizer } from 'emoscope/browser'`): the recognizer of
// the CLI and the library, running on the page with TF.js (WebAssembly or WebGL); photos and video
// frames never leave the machine. Built by `npm run build:web` into dist/web/emoscope.js, with the
// .wasm files and the models beside it.
//
//   const recognizer = await loadRecognizer();                 // models from ./models/ beside the bundle
//   const result = await recognizer.recognize(videoElement);   // { file, width, height, faces: [{ box, score, emotion, scores }] }
import * as tf from '@tensorflow/tfjs-core';

export { loadRecognizer, BROWSER_DEFAULTS } from './recognizer.js';
export type { BrowserRecognizer, BrowserRecognizerOptions } from './recognizer.js';
export { BROWSER_BACKENDS, backendSupport, wasmThreads } from './backend.js';
export type { BrowserBackend, BackendSupport } from './backend.js';
export type { FrameSource } from './frame.js';
export type { PhotoTimings } from '../pipeline/analyze.js';
export { CROSS_ORIGIN_ISOLATION_HEADERS } from './isolation.js';
export { EMOTIONS } from '../types.js';
export type { Emotion, EmotionScores, Box, FaceResult, PhotoResult } from '../types.js';
export { EmoscopeError } from '../errors.js';
export type { ErrorCode } from '../errors.js';

/** TF.js's memory counters (tensors, bytes), for a page that watches for leaks. */
export function memory(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.memory();
  return { numTensors, numBytes };
}
