// Running a classifier over many faces: faces (gray bytes) → normalized input tensors → softmax
// probabilities, in batches, with every intermediate tensor freed.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Preprocessing } from './meta.js';

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

/** Test-time augmentation: `flip` averages the probabilities of each face and its mirror image. */
export type Tta = 'none' | 'flip';
export const TTA_MODES: readonly Tta[] = ['none', 'flip'];

/** Softmax probabilities of a batch input, averaged over the test-time augmentations. */
export function predictBatch(model: tfl.LayersModel, x: tf.Tensor4D, tta: Tta = 'none'): tf.Tensor2D {
  return tf.tidy(() => {
    const probs = model.predict(x) as tf.Tensor2D;
    if (tta === 'none') return probs;
    const mirrored = model.predict(tf.reverse(x, 2)) as tf.Tensor2D; // axis 2 = width in NHWC
    return tf.div(tf.add(probs, mirrored), 2) as tf.Tensor2D;
  });
}

/** Softmax probabilities for every face, row after row ([count × classes]), computed in batches. */
export function predictProbabilities(
  model: tfl.LayersModel,
  faces: FaceBytes,
  prep: Preprocessing,
  batchSize = 256,
  tta: Tta = 'none',
): Float32Array {
  const classes = (model.outputs[0]!.shape[1] as number) ?? 7;
  const out = new Float32Array(faces.count * classes);
  for (let start = 0; start < faces.count; start += batchSize) {
    const n = Math.min(batchSize, faces.count - start);
    const indices = Array.from({ length: n }, (_, i) => start + i);
    const probs = tf.tidy(() => predictBatch(model, facesToTensor(faces, indices, prep), tta));
    out.set(probs.dataSync(), start * classes);
    probs.dispose();
  }
  return out;
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
