// One training step: the loss (engine/loss.ts: cross-entropy with optional label smoothing and
// class weights, plus the layers' regularization penalties) and its gradients, computed in this
// thread (`trainStep`) or by data-parallel workers (`trainStepOnWorkers`), then weight decay and
// one optimizer update (`applyUpdate`), the same in both.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batchTargets, shardLoss } from '../engine/loss.js';
import { withStepRandom } from '../engine/step-random.js';
import type { GradientWorkers } from '../engine/workers.js';

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
  /** a teacher's probabilities for the batch's faces [rows × classes], blended into the targets (engine/loss.ts) */
  soft?: Float32Array;
  /** weight α of `soft` in the targets */
  softWeight?: number;
  /** L2 weight decay added to the gradient of every conv and dense kernel, as PyTorch's SGD weight_decay */
  weightDecay?: number;
  /** the batch's faces were mixed (data/mix.ts): their targets and loss weights are blended the same way */
  mix?: { partner: ArrayLike<number>; lambda: number };
  /** seed of the step's dropout masks, drawn per face (engine/step-random.ts); undefined = unseeded */
  seed?: number;
}

/** Runs one step of `optimizer` on the batch (x: [n,h,w,1], y: one-hot [n,classes]) in this thread. */
export function trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D, options: StepOptions = {}): StepResult {
  const { targets, faceWeights } = batchTargets(y.dataSync(), y.shape[1], options);
  // A LayerVariable's read() is its backing tf.Variable, which is what variableGrads differentiates.
  const trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const [hardLoss, correct] = tf.tidy(() => {
    const shard = { x, labels: y, targets: tf.tensor2d(targets, y.shape), faceWeights: tf.tensor1d(faceWeights), share: 1 };
    let kept: tf.Scalar[] = [];
    const forward = () => {
      const { objective, hardLoss, correct } = shardLoss(model, shard);
      kept = [hardLoss, correct];
      return objective;
    };
    const { value, grads } = tf.variableGrads(() => (options.seed === undefined ? forward() : withStepRandom(options.seed, 0, forward)), trainable);
    value.dispose();
    applyUpdate(model, optimizer, trainable.map((v) => grads[v.name]!), options.weightDecay);
    return kept;
  });
  const result = { loss: hardLoss!.dataSync()[0]!, correct: correct!.dataSync()[0]! };
  tf.dispose([hardLoss!, correct!]);
  return result;
}

/** Runs one step of `optimizer` on the batch with the gradients computed by `pool`'s workers. */
export async function trainStepOnWorkers(pool: GradientWorkers, model: tfl.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D, options: StepOptions = {}): Promise<StepResult> {
  const { targets, faceWeights } = batchTargets(y.dataSync(), y.shape[1], options);
  const { loss, correct, grads } = await pool.computeGradients(x, y, { targets, faceWeights, seed: options.seed });
  try {
    tf.tidy(() => applyUpdate(model, optimizer, grads, options.weightDecay));
  } finally {
    tf.dispose(grads);
  }
  return { loss, correct };
}

/**
 * Weight decay (g + λ·w on conv and dense kernels) and one optimizer update, from the gradients
 * of model.trainableWeights in that order; call inside a tidy.
 */
export function applyUpdate(model: tfl.LayersModel, optimizer: tf.Optimizer, grads: tf.Tensor[], weightDecay = 0): void {
  // Apply in the model's weight order under the variables' names so the optimizer's slots line up across save and resume.
  optimizer.applyGradients(model.trainableWeights.map((w, i) => {
    const v = w.read() as tf.Variable;
    const g = grads[i]!;
    return { name: v.name, tensor: weightDecay > 0 && /kernel$/.test(w.originalName) ? tf.add(g, tf.mul(v, weightDecay)) : g };
  }));
}
