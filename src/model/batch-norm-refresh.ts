// Re-estimating batch normalization's moving statistics after training. During training they are
// a running average (momentum 0.99) over augmented batches (shifted, rotated, brightness-jittered
// faces) taken while the weights still moved; a model then sees plain faces. One pass over the
// training faces as they are, averaging every batch's statistics with equal weight (as SWA's
// bn_update does), gives the statistics of the final weights on the faces the model will see.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { shuffledIndices } from '../util/random.js';
import type { FaceBytes } from './inference.js';
import { facesToTensor } from './inference.js';
import type { Preprocessing } from './meta.js';

/** The (TS-private) field of tfjs-layers' BatchNormalization that weighs the moving averages. */
interface MomentumLayer {
  momentum: number;
}

export interface RefreshOptions {
  /** faces per batch (default 256): each batch's statistics count once */
  batchSize?: number;
  /** seed of the order of the faces, so that a batch mixes classes (default 42) */
  seed?: number;
}

export interface RefreshResult {
  /** batch normalization layers whose moving mean and variance were replaced */
  layers: number;
  batches: number;
}

/** The model's BatchNormalization layers, in order. */
export function batchNormLayers(model: tfl.LayersModel): tfl.layers.Layer[] {
  return model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
}

/**
 * Replaces every batch normalization layer's moving mean and variance by the average of its batch
 * statistics over `faces`, in a training-mode forward pass (dropout active, as in training); the
 * other weights are unchanged. With one batch this equals the layers' batch statistics on all faces.
 */
export function refreshBatchNorm(model: tfl.LayersModel, faces: FaceBytes, prep: Preprocessing, options: RefreshOptions = {}): RefreshResult {
  const layers = batchNormLayers(model) as unknown as MomentumLayer[];
  const batchSize = options.batchSize ?? 256;
  if (layers.length === 0 || faces.count === 0) return { layers: layers.length, batches: 0 };
  const momenta = layers.map((l) => l.momentum);
  const order = shuffledIndices(faces.count, options.seed ?? 42);
  let batches = 0;
  try {
    for (let start = 0; start < faces.count; start += batchSize) {
      batches++;
      // v ← v − (v − batch)·(1 − momentum) with 1 − momentum = 1/k makes v the mean of the k batches so far
      for (const l of layers) l.momentum = 1 - 1 / batches;
      tf.tidy(() => {
        model.apply(facesToTensor(faces, order.subarray(start, start + batchSize), prep), { training: true });
      });
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = momenta[i]!));
  }
  return { layers: layers.length, batches };
}
