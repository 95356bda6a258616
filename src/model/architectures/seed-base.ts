// `seed-base`: the plain CNN the Keras tutorial starts from (its validation accuracy stayed near
// 0.25 after 30 epochs). Three blocks of two unpadded 3×3 ReLU convolutions and a 2×2 max-pool,
// then two dense layers of 1024.
import * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture, BuildOptions } from '../architecture.js';

function build({ seed, classes, inputSize }: BuildOptions): tfl.Sequential {
  let s = seed;
  const init = () => tfl.initializers.glorotUniform({ seed: s++ }); // Keras's default initializer, seeded per layer. Dropout layers take no seed: a seeded tfjs Dropout draws the same mask at every step.
  const conv = (filters: number, inputShape?: number[]) =>
    tfl.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', kernelInitializer: init(), ...(inputShape ? { inputShape } : {}) });
  const model = tfl.sequential({ name: 'seed_base' });
  model.add(conv(64, [inputSize, inputSize, 1]));
  model.add(conv(64));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tfl.layers.dropout({ rate: 0.5 }));
  model.add(conv(64));
  model.add(conv(64));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tfl.layers.dropout({ rate: 0.5 }));
  model.add(conv(128));
  model.add(conv(128));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 1024, activation: 'relu', kernelInitializer: init() }));
  model.add(tfl.layers.dropout({ rate: 0.2 }));
  model.add(tfl.layers.dense({ units: 1024, activation: 'relu', kernelInitializer: init() }));
  model.add(tfl.layers.dropout({ rate: 0.2 }));
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init() }));
  return model;
}

export const seedBase: Architecture = {
  name: 'seed-base',
  description: "The Keras tutorial's base model: 6 unpadded 3×3 convs (64,64,64,64,128,128), 3 max-pools, dense 1024-1024-7",
  build,
  // The tutorial compiled with Keras's Adam defaults and trained for 30 epochs at batch 64.
  recipe: { optimizer: 'adam', learningRate: 0.001, batchSize: 64, epochs: 30 },
};
