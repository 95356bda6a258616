// `tiny`: a small CNN for smoke tests and quick experiments on a laptop: two conv blocks and a
// linear classifier, about 5 thousand parameters. Not meant to be accurate.
import * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture, BuildOptions } from '../architecture.js';

function build({ seed, classes, inputSize }: BuildOptions): tfl.Sequential {
  let s = seed;
  const init = () => tfl.initializers.heNormal({ seed: s++ });
  const model = tfl.sequential({ name: 'tiny' });
  model.add(tfl.layers.conv2d({ inputShape: [inputSize, inputSize, 1], filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init() }));
  model.add(tfl.layers.batchNormalization({ axis: -1 }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dropout({ rate: 0.25 }));
  model.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: s++ }) }));
  return model;
}

export const tiny: Architecture = {
  name: 'tiny',
  description: 'A small CNN (2 strided convs, ~5k parameters) for smoke tests and quick experiments',
  build,
  recipe: { optimizer: 'adam', learningRate: 0.003, batchSize: 32, epochs: 10 },
};
