// What the server's main thread and its inference workers say to each other: the worker's start-up
// settings, one task per photo and its reply. Everything here is plain data (structured clone):
// errors cross as `{code, message}`, since an Error's own fields do not survive the thread boundary.
import type { CallOptions, PhotoTimings } from '../predict/recognizer.js';
import type { ErrorCode } from '../errors.js';
import type { FaceResult } from '../types.js';
import type { ModelMeta } from '../model/meta.js';

/** `workerData` of every inference worker. */
export interface WorkerSettings {
  model?: string;
  maxPixels: number;
  /** BroadcastChannel on which each worker says it is ready (or why it is not) */
  channel: string;
}

/** Said once by each worker on the channel, when its models are loaded and warmed (or failed to). */
export type WorkerStatus =
  | { ready: true; threadId: number; model: ModelInfo }
  | { ready: false; threadId: number; error: WireError };

/** What `/v1/model` shows: the classifier's own description and the detector. */
export interface ModelInfo {
  labels: ModelMeta['labels'];
  architecture: string;
  parameters: number;
  inputShape: ModelMeta['inputShape'];
  preprocessing: ModelMeta['preprocessing'];
  metrics: Record<string, unknown>;
  createdAt: string;
  detector: string;
}

/** One photo to analyse. */
export interface AnalyzeTask {
  image: Uint8Array;
  options: CallOptions;
}

/** An error as it crosses threads. */
export interface WireError {
  code: ErrorCode;
  message: string;
}

/** A photo's result (predict's object for one photo, without `file`) or its error, and the worker's busy time. */
export type AnalyzeReply =
  | { ok: true; result: { width: number; height: number; faces: FaceResult[] }; timings: PhotoTimings; busyMs: number }
  | { ok: false; error: WireError; busyMs: number };
