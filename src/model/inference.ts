// Running a classifier over many faces: faces (gray bytes) → normalized input tensors → softmax
// probabilities, in batches, with every intermediate tensor freed.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { inferenceClassifier } from './folded.js';
import type { Classifier } from './folded.js';
import type { Preprocessing } from './meta.js';

/** A layers model (folded for the duration of a call), or a classifier made once with `inferenceClassifier`. */
export type Predictor = tfl.LayersModel | Classifier;

const isClassifier = (p: Predictor): p is Classifier => 'folded' in p;

/** `count` faces of `size`×`size` gray bytes, one after another. */
export interface FaceBytes {
  pixels: Uint8Array;
  count: number;
}

/** Builds the [n, size, size, 1] input of faces `indices` (or `start..start+n`), normalized per `prep`. */
export function facesToTensor(faces: FaceBytes, indices: ArrayLike<number>, prep: Preprocessing): tf.Tensor4D {
  const area = prep.size * prep.size;
  const n = indices.length;
  const values = new Float32Array(n * area);
  for (let i = 0; i < n; i++) {
    const src = indices[i]! * area;
    const dst = i * area;
    for (let j = 0; j < area; j++) values[dst + j] = faces.pixels[src + j]! * prep.scale + prep.offset;
  }
  return tf.tensor4d(values, [n, prep.size, prep.size, 1]);
}

/**
 * Test-time augmentation: `flip` averages the probabilities of each face and its mirror image;
 * `crops` averages 10 views: the face and 4 copies shifted by CROP_SHIFT pixels (up, down, left,
 * right, borders mirrored, as the training augmentation's shifts are), each also mirrored.
 */
import type { Tta } from '../choices.js';

export { TTA_MODES } from '../choices.js';
export type { Tta } from '../choices.js';

/** Shift of the `crops` views, in pixels of the 48-px face (a quarter of the training shifts' ±4.8 px range). */
export const CROP_SHIFT = 2;

/** The face batch seen `dy`, `dx` pixels away (content moves by -dy, -dx), borders mirrored. */
function shifted(x: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const s = CROP_SHIFT;
  const padded = tf.mirrorPad(x, [[0, 0], [s, s], [s, s], [0, 0]], 'reflect');
  return tf.slice(padded, [0, s + dy, s + dx, 0], [n, h, w, c]);
}

/** Softmax probabilities of a batch input, averaged over the test-time augmentations. */
export function predictBatch(model: Classifier, x: tf.Tensor4D, tta: Tta = 'none'): tf.Tensor2D {
  return tf.tidy(() => {
    const probs = model.predict(x);
    if (tta === 'none') return probs;
    const views = tta === 'flip' ? [x] : [x, ...[[-1, 0], [1, 0], [0, -1], [0, 1]].map(([dy, dx]) => shifted(x, dy! * CROP_SHIFT, dx! * CROP_SHIFT))];
    const all = views.flatMap((v, i) => [
      i === 0 ? probs : model.predict(v),
      model.predict(tf.reverse(v, 2)), // axis 2 = width in NHWC
    ]);
    return tf.div(tf.addN(all), all.length) as tf.Tensor2D;
  });
}

/** Softmax probabilities for every face, row after row ([count × classes]), computed in batches. */
export function predictProbabilities(
  model: Predictor,
  faces: FaceBytes,
  prep: Preprocessing,
  batchSize = 256,
  tta: Tta = 'none',
): Float32Array {
  const classifier = isClassifier(model) ? model : inferenceClassifier(model);
  try {
    const classes = classifier.classes;
    const out = new Float32Array(faces.count * classes);
    for (let start = 0; start < faces.count; start += batchSize) {
      const n = Math.min(batchSize, faces.count - start);
      const indices = Array.from({ length: n }, (_, i) => start + i);
      const probs = tf.tidy(() => predictBatch(classifier, facesToTensor(faces, indices, prep), tta));
      out.set(probs.dataSync(), start * classes);
      probs.dispose();
    }
    return out;
  } finally {
    if (classifier !== model) classifier.dispose();
  }
}

/** Index of the largest value of each row of a row-major [rows × classes] matrix. */
export function argmaxRows(values: Float32Array, classes: number): Uint8Array {
  const rows = values.length / classes;
  const out = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[r * classes + c]! > values[r * classes + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Mean categorical cross-entropy of probabilities against integer labels (Keras's clipping at 1e-7). */
export function crossEntropy(probs: Float32Array, labels: ArrayLike<number>, classes: number): number {
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    const p = Math.min(Math.max(probs[r * classes + labels[r]!]!, 1e-7), 1 - 1e-7);
    total -= Math.log(p);
  }
  return labels.length === 0 ? 0 : total / labels.length;
}

/** Number of trainable and non-trainable scalars of a model. */
export function countParameters(model: tfl.LayersModel): number {
  return model.weights.reduce((acc, w) => acc + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
}
