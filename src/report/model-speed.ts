// How fast a model classifies face crops on this machine: the report's "prediction time".
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { FACE_BYTES } from '../data/dataset.js';
import type { LoadedModel } from '../model/folder.js';
import { predictProbabilities } from '../model/inference.js';
import { inferenceClassifier } from '../model/folded.js';
import type { FaceBytes } from '../model/inference.js';

export interface SpeedOptions {
  /** faces per timed pass (default 256) */
  faces?: number;
  /** faces per predict call (default 64) */
  batchSize?: number;
  /** timed passes; the median is taken, so one pass slowed by another process counts little (default 3) */
  passes?: number;
}

/** Mean time per face, and how it was measured. */
export interface SpeedResult {
  msPerFace: number;
  /** e.g. "measured on this machine at report time: wasm backend, 1 thread, 256 faces in batches of 64, median of 3 passes" */
  note: string;
}

/**
 * Times `predictProbabilities` on `faces` face crops (the given faces repeated, or a synthetic gray
 * pattern when none are given: speed does not depend on what the faces show). A warm-up batch runs
 * first, so that one-time set-up (weight upload, kernel compilation) is not counted.
 */
export function measureSpeed(loaded: LoadedModel, sample?: FaceBytes, options: SpeedOptions = {}): SpeedResult {
  const count = options.faces ?? 256;
  const batchSize = options.batchSize ?? 64;
  const passes = options.passes ?? 3;
  const faces = repeatFaces(sample, count);
  const prep = loaded.meta.preprocessing;
  const classifier = inferenceClassifier(loaded.model); // as emoscope predicts: batch norm folded
  predictProbabilities(classifier, { pixels: faces.pixels.subarray(0, batchSize * FACE_BYTES), count: Math.min(batchSize, count) }, prep, batchSize);
  const times: number[] = [];
  for (let p = 0; p < passes; p++) {
    const started = performance.now();
    predictProbabilities(classifier, faces, prep, batchSize);
    times.push((performance.now() - started) / count);
  }
  classifier.dispose();
  times.sort((a, b) => a - b);
  const backend = tf.getBackend();
  const threads = backend === 'wasm' ? getThreadsCount() : undefined;
  const engine = `${backend} backend${threads ? `, ${threads} thread${threads === 1 ? '' : 's'}` : ''}`;
  return {
    msPerFace: times[Math.floor(times.length / 2)]!,
    note: `measured on this machine at report time: ${engine}, ${count} faces in batches of ${batchSize}, one forward pass per face (no test-time augmentation), median of ${passes} passes`,
  };
}

/** `count` faces: the sample's faces over and over, or a gradient when there is no sample. */
function repeatFaces(sample: FaceBytes | undefined, count: number): FaceBytes {
  const pixels = new Uint8Array(count * FACE_BYTES);
  if (!sample || sample.count === 0) {
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 256;
  } else {
    for (let i = 0; i < count; i++) {
      const from = (i % sample.count) * FACE_BYTES;
      pixels.set(sample.pixels.subarray(from, from + FACE_BYTES), i * FACE_BYTES);
    }
  }
  return { pixels, count };
}
