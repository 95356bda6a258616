// Folding a temperature into a classifier: dividing its final dense layer's kernel and bias by T
// divides its logits by T, so softmax(z / T) comes out of the same one TF.js layers model (loadable in
// a browser as before), one forward pass per face, the same top class.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EmoscopeError } from '../errors.js';

/** Divides the logits of `model` (final layer: dense with softmax) by `temperature`, in place. */
export function divideLogits(model: tfl.LayersModel, temperature: number): void {
  if (!(temperature > 0 && Number.isFinite(temperature))) {
    throw new EmoscopeError('BAD_ARGUMENT', `Expected a positive temperature but received ${temperature}`);
  }
  const last = model.layers[model.layers.length - 1];
  const config = last?.getConfig() ?? {};
  if (!last || last.getClassName() !== 'Dense' || config.activation !== 'softmax') {
    throw new EmoscopeError('BAD_MODEL', `A temperature needs a final dense layer with a softmax; ${model.name} ends with ${last?.getClassName() ?? 'nothing'} (${String(config.activation)})`);
  }
  const scaled = tf.tidy(() => last.getWeights().map((w) => tf.div(w, temperature)));
  last.setWeights(scaled);
  tf.dispose(scaled);
}
