// The loss every training step of emoscope minimizes, in one place so that a single process
// (train/step.ts) and data-parallel workers (gradient-worker.ts) compute the same thing:
// cross-entropy against the (smoothed) targets, each face weighted (class weights), plus the
// layers' regularization penalties.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Keras's categorical cross-entropy on softmax outputs, per face: probabilities clipped to [1e-7, 1 − 1e-7]. */
export function crossEntropyPerFace(targets: tf.Tensor2D, probs: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(probs, 1e-7, 1 - 1e-7))), -1)) as tf.Tensor1D);
}

export interface TargetOptions {
  /** ε of label smoothing: targets become (1-ε)·onehot + ε/K */
  labelSmoothing?: number;
  /** per-class loss weights, in label order (undefined = all 1) */
  classWeights?: ArrayLike<number>;
  /** a teacher's probabilities for the batch's faces [rows × classes] (knowledge distillation) */
  soft?: ArrayLike<number>;
  /** weight α of `soft`, required with it: targets become (1-α)·(smoothed one-hot) + α·soft (train's --distill) */
  softWeight?: number;
  /**
   * the batch's faces were mixed (train's --mix, data/mix.ts): face i holds `lambda` of itself and
   * 1 − lambda of face partner[i], and so do its target and its loss weight
   */
  mix?: { partner: ArrayLike<number>; lambda: number };
}

/** What a batch is trained towards, as plain arrays (workers receive them through shared memory). */
export interface BatchTargets {
  /** training targets [rows × classes], row-major: the one-hot labels after label smoothing */
  targets: Float32Array;
  /** each face's share of the loss [rows]: its class weight over the batch's total, so they sum to 1 */
  faceWeights: Float32Array;
}

/** The targets and face weights of a batch from its one-hot labels ([rows × classes], row-major) and, if given, a teacher's probabilities. */
export function batchTargets(onehot: ArrayLike<number>, classes: number, options: TargetOptions = {}): BatchTargets {
  const { labelSmoothing = 0, classWeights, soft, softWeight, mix } = options;
  const rows = onehot.length / classes;
  if (soft && soft.length !== onehot.length) throw new Error(`soft targets: expected ${onehot.length} values (${rows} faces × ${classes}) but received ${soft.length}`);
  if (soft && softWeight === undefined) throw new Error('soft targets: softWeight (the teacher\'s weight α) is missing');
  const targets = Float32Array.from(onehot, (v, i) => {
    const hard = labelSmoothing > 0 ? v * (1 - labelSmoothing) + labelSmoothing / classes : v;
    return soft && softWeight !== undefined ? (1 - softWeight) * hard + softWeight * soft[i]! : hard;
  });
  const faceWeights = new Float32Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let w = 1;
    if (classWeights) {
      w = 0;
      for (let k = 0; k < classes; k++) w += onehot[r * classes + k]! * classWeights[k]!;
    }
    faceWeights[r] = w;
    total += w;
  }
  for (let r = 0; r < rows; r++) faceWeights[r] = total > 0 ? faceWeights[r]! / total : 0;
  return mix ? mixTargets({ targets, faceWeights }, classes, mix) : { targets, faceWeights };
}

/** The targets and weights of mixed faces: each row the same blend of its own and its partner's. */
function mixTargets(own: BatchTargets, classes: number, mix: { partner: ArrayLike<number>; lambda: number }): BatchTargets {
  const { partner, lambda } = mix;
  const rows = own.faceWeights.length;
  if (partner.length !== rows) throw new Error(`mixed batch: expected ${rows} partners but received ${partner.length}`);
  const targets = new Float32Array(own.targets.length);
  const faceWeights = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const p = partner[r]!;
    faceWeights[r] = lambda * own.faceWeights[r]! + (1 - lambda) * own.faceWeights[p]!;
    for (let k = 0; k < classes; k++) targets[r * classes + k] = lambda * own.targets[r * classes + k]! + (1 - lambda) * own.targets[p * classes + k]!;
  }
  return { targets, faceWeights };
}

/** The tensors of one shard of a batch (the whole batch in a single process). */
export interface ShardTensors {
  x: tf.Tensor4D;
  /** one-hot labels: the reported loss and accuracy */
  labels: tf.Tensor2D;
  /** rows of BatchTargets.targets */
  targets: tf.Tensor2D;
  /** rows of BatchTargets.faceWeights (they sum to 1 over the whole batch, not over the shard) */
  faceWeights: tf.Tensor1D;
  /** this shard's rows / the batch's rows (1 in a single process) */
  share: number;
}

export interface ShardLoss {
  /** what to differentiate: (1/share)·Σ faceWeight·CE(targets) + penalties */
  objective: tf.Scalar;
  /** mean cross-entropy of the shard against its hard labels (no smoothing, weights or penalties), as Keras reports it; kept, the caller disposes it */
  hardLoss: tf.Scalar;
  /** correct predictions in the shard; kept, the caller disposes it */
  correct: tf.Scalar;
}

/**
 * Forward in training mode and the loss of a shard; call it inside tf.variableGrads. The shard's
 * objective is the batch's loss restricted to its faces and scaled by 1/share, as if it were a
 * batch of its own: the batch's gradient is then Σ share·∇(shard objective), which is how
 * workers.ts combines them and what the batch-norm gradient kernel assumes across workers.
 */
export function shardLoss(model: tfl.LayersModel, t: ShardTensors): ShardLoss {
  const probs = model.apply(t.x, { training: true }) as tf.Tensor2D;
  const hardLoss = tf.keep(tf.mean(crossEntropyPerFace(t.labels, probs)) as tf.Scalar);
  const correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probs, -1), tf.argMax(t.labels, -1)), 'float32')) as tf.Scalar);
  const weighted = tf.mul(tf.sum(tf.mul(crossEntropyPerFace(t.targets, probs), t.faceWeights)), 1 / t.share);
  const penalties = model.calculateLosses();
  const objective = (penalties.length > 0 ? tf.addN([weighted, ...penalties]) : weighted) as tf.Scalar;
  return { objective, hardLoss, correct };
}
