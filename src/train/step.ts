// One training step: forward in training mode, the loss (cross-entropy with optional label
// smoothing and class weights, plus the layers' regularization penalties), gradients of every
// trainable weight, weight decay, one optimizer update. Everything inside a tidy.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface StepResult {
  /** mean cross-entropy of the batch against its hard labels (no smoothing, weights or penalties), as Keras reports it */
  loss: number;
  /** correct predictions in the batch */
  correct: number;
}

export interface StepOptions {
  /** ε of label smoothing: targets become (1-ε)·onehot + ε/K */
  labelSmoothing?: number;
  /** per-class loss weights, in label order (undefined = all 1) */
  classWeights?: Float32Array;
  /** L2 weight decay added to the gradient of every conv and dense kernel, as PyTorch's SGD weight_decay */
  weightDecay?: number;
}

/** Keras's categorical cross-entropy on softmax outputs, per face: probabilities clipped to [1e-7, 1 - 1e-7]. */
export function crossEntropyPerFace(targets: tf.Tensor2D, probs: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(probs, 1e-7, 1 - 1e-7))), -1)) as tf.Tensor1D);
}

/** Runs one step of `optimizer` on the batch (x: [n,h,w,1], y: one-hot [n,classes]). */
export function trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D, options: StepOptions = {}): StepResult {
  const { labelSmoothing = 0, classWeights, weightDecay = 0 } = options;
  // A LayerVariable's read() is its backing tf.Variable, which is what variableGrads differentiates.
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const decayed = new Set(model.trainableWeights.filter((w) => /kernel$/.test(w.originalName)).map((w) => (w.read() as tf.Variable).name));
  const [lossValue, correct] = tf.tidy(() => {
    const classes = y.shape[1];
    const targets = labelSmoothing > 0 ? tf.add(tf.mul(y, 1 - labelSmoothing), labelSmoothing / classes) : y;
    const faceWeights = classWeights ? tf.sum(tf.mul(y, tf.tensor1d(classWeights)), -1) : undefined;
    let hardLoss: tf.Scalar | undefined;
    let hits: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const probs = model.apply(x, { training: true }) as tf.Tensor2D;
      hardLoss = tf.keep(tf.mean(crossEntropyPerFace(y, probs)) as tf.Scalar);
      hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probs, -1), tf.argMax(y, -1)), 'float32')) as tf.Scalar);
      const perFace = crossEntropyPerFace(targets as tf.Tensor2D, probs);
      const loss = faceWeights ? tf.div(tf.sum(tf.mul(perFace, faceWeights)), tf.sum(faceWeights)) : tf.mean(perFace);
      const penalties = model.calculateLosses();
      return (penalties.length > 0 ? tf.addN([loss, ...penalties]) : loss) as tf.Scalar;
    }, trainable);
    value.dispose();
    // Apply in the model's weight order so the optimizer's slots line up across save and resume.
    optimizer.applyGradients(trainable.map((v) => {
      const g = grads[v.name]!;
      return { name: v.name, tensor: weightDecay > 0 && decayed.has(v.name) ? tf.add(g, tf.mul(v, weightDecay)) : g };
    }));
    return [hardLoss!, hits!];
  });
  const result = { loss: lossValue.dataSync()[0]!, correct: correct.dataSync()[0]! };
  lossValue.dispose();
  correct.dispose();
  return result;
}
