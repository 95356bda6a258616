// The training loss every step of emoscope minimizes, in one place so that a single process
// and data-parallel workers compute the same thing.
import * as tf from '@tensorflow/tfjs-core';

/** Keras's categorical cross-entropy on softmax outputs: probabilities clipped to [1e-7, 1 − 1e-7]. */
export function categoricalCrossEntropy(labels: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probs, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar);
}
