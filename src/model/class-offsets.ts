// Adding per-class offsets to a classifier's logits by changing its final layer's bias: the model
// stays one TF.js layers model (loadable in a browser as before) and one forward pass per face.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { EmoscopeError } from '../errors.js';

/**
 * Adds `offsets[c]` to the bias of class c in the model's last layer, which must be a dense layer
 * with a bias and a softmax: softmax(z + b) then equals the old probabilities times exp(b), renormalized.
 */
export function addClassOffsets(model: tfl.LayersModel, offsets: readonly number[]): void {
  const last = model.layers[model.layers.length - 1];
  const config = last?.getConfig() ?? {};
  if (!last || last.getClassName() !== 'Dense' || config.activation !== 'softmax' || config.useBias !== true) {
    throw new EmoscopeError('BAD_MODEL', `Class offsets need a final dense layer with a bias and a softmax; ${model.name} ends with ${last?.getClassName() ?? 'nothing'} (${String(config.activation)})`);
  }
  const [kernel, bias] = last.getWeights();
  if (!kernel || !bias || bias.shape[0] !== offsets.length) {
    throw new EmoscopeError('BAD_MODEL', `${model.name}: expected ${offsets.length} classes in the final layer but found ${bias?.shape[0] ?? 0}`);
  }
  const shifted = tf.tidy(() => tf.add(bias, tf.tensor1d(offsets as number[])));
  last.setWeights([kernel, shifted]);
  shifted.dispose();
}
