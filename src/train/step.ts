// One training step: forward in training mode, loss (cross-entropy + the layers' regularization
// penalties), gradients of every trainable weight, one optimizer update. Everything inside a tidy.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface StepResult {
  /** mean cross-entropy of the batch (without regularization), as Keras reports it */
  loss: number;
  /** correct predictions in the batch */
  correct: number;
}

/** Keras's categorical cross-entropy on softmax outputs: probabilities clipped to [1e-7, 1 - 1e-7]. */
export function categoricalCrossEntropy(labels: tf.Tensor2D, probs: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probs, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar);
}

/** Runs one step of `optimizer` on the batch (x: [n,h,w,1], y: one-hot [n,classes]). */
export function trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D): StepResult {
  // A LayerVariable's read() is its backing tf.Variable, which is what variableGrads differentiates.
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const [lossValue, correct] = tf.tidy(() => {
    let ceOut: tf.Scalar | undefined;
    let correctOut: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const probs = model.apply(x, { training: true }) as tf.Tensor2D;
      const ce = categoricalCrossEntropy(y, probs);
      ceOut = tf.keep(ce.clone());
      correctOut = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probs, -1), tf.argMax(y, -1)), 'float32')) as tf.Scalar);
      const penalties = model.calculateLosses();
      return penalties.length > 0 ? (tf.addN([ce, ...penalties]) as tf.Scalar) : ce;
    }, trainable);
    value.dispose();
    // Apply in the model's weight order so the optimizer's slots line up across save and resume.
    optimizer.applyGradients(trainable.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    return [ceOut!, correctOut!];
  });
  const result = { loss: lossValue.dataSync()[0]!, correct: correct.dataSync()[0]! };
  lossValue.dispose();
  correct.dispose();
  return result;
}
