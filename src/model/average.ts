// Averaging the weights of models of one architecture ("model soup", Wortsman et al. 2022):
// fine-tunes that start from the same weights usually stay in one basin of the loss, and their
// average is one model (one forward pass) that is often more accurate than any of them.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EmoscopeError, describeValue } from '../errors.js';

/** A model and the name errors call it by (its folder). */
export interface NamedModel {
  model: tfl.LayersModel;
  name: string;
}

/**
 * The element-wise mean of the models' weights, in `getWeights()` order (batch normalization's moving
 * statistics included), each model counted `parts[i]` times (default 1 each: the plain mean; 3 and 1:
 * three quarters of the way to the first). Every model must have the same weights, shape for shape.
 */
export function averageWeights(models: readonly NamedModel[], parts?: readonly number[]): tf.Tensor[] {
  const [first, ...rest] = models;
  if (!first) throw new EmoscopeError('BAD_ARGUMENT', 'Averaging needs at least one model');
  const reference = first.model.getWeights();
  for (const other of rest) {
    const weights = other.model.getWeights();
    if (weights.length !== reference.length) {
      throw new EmoscopeError('BAD_MODEL', `${other.name} has ${weights.length} weight tensors but ${first.name} has ${reference.length}: only models of one architecture can be averaged`);
    }
    weights.forEach((w, i) => {
      if (!tf.util.arraysEqual(w.shape, reference[i]!.shape)) {
        throw new EmoscopeError('BAD_MODEL', `${other.name}: weight tensor ${i} has shape [${w.shape}] but ${first.name}'s has [${reference[i]!.shape}]: only models of one architecture can be averaged`);
      }
    });
  }
  const share = parts ?? models.map(() => 1);
  checkParts(share, models.length);
  const total = share.reduce((a, b) => a + b, 0);
  const all = models.map((m) => m.model.getWeights());
  return reference.map((_, i) => tf.tidy(() => tf.addN(all.map((w, m) => tf.mul(w[i]!, share[m]! / total)))));
}

/** Refuses parts that are not one positive number per model (`averageWeights`, and callers that check before loading). */
export function checkParts(parts: readonly number[], models: number): void {
  const given: unknown = parts; // from a script: any value
  if (!Array.isArray(given) || given.length !== models || !given.every((p) => typeof p === 'number' && Number.isFinite(p) && p > 0)) {
    // A list is shown item by item ([3, "1"]): the type of each is what a script gets wrong.
    const received = Array.isArray(given)
      ? `[${given.slice(0, 8).map((p: unknown) => (typeof p === 'number' ? String(p) : describeValue(p))).join(', ')}${given.length > 8 ? `, … (${given.length} items)` : ''}]`
      : describeValue(given);
    throw new EmoscopeError('BAD_ARGUMENT', `Expected a list of one positive number per model (${models}) for weights but received ${received}`);
  }
}

/** Sets `target`'s weights to the average of `models` (target may be one of them), weighted by `parts`. */
export function setAverageWeights(target: tfl.LayersModel, models: readonly NamedModel[], parts?: readonly number[]): void {
  const averaged = averageWeights(models, parts);
  target.setWeights(averaged);
  tf.dispose(averaged);
}
