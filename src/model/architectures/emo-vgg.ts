// `emo-vgg`: emoscope's own network for 48×48 faces, a compact VGG: four blocks of two padded 3×3
// convolutions with batch normalization and ReLU (widths set by `widths`), each block closed by a
// 2×2 max-pool and dropout, then a 256-unit dense layer with batch normalization. Trained with
// SGD + Nesterov momentum, a one-cycle learning rate, weight decay, label smoothing and
// augmentation (the recipe below).
import * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture, BuildOptions } from '../architecture.js';

function builder(name: string, widths: readonly number[], dense: number) {
  return ({ seed, classes, inputSize }: BuildOptions): tfl.Sequential => {
    let s = seed;
    const init = () => tfl.initializers.heNormal({ seed: s++ }); // He init suits ReLU stacks
    const model = tfl.sequential({ name: name.replace(/-/g, '_') });
    widths.forEach((filters, block) => {
      for (let i = 0; i < 2; i++) {
        model.add(tfl.layers.conv2d({
          filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(),
          ...(block === 0 && i === 0 ? { inputShape: [inputSize, inputSize, 1] } : {}),
        }));
        model.add(tfl.layers.batchNormalization({ axis: -1 }));
        model.add(tfl.layers.activation({ activation: 'relu' }));
      }
      model.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
      model.add(tfl.layers.dropout({ rate: 0.1 + 0.05 * block })); // deeper blocks overfit more
    });
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: dense, useBias: false, kernelInitializer: init() }));
    model.add(tfl.layers.batchNormalization({ axis: -1 }));
    model.add(tfl.layers.activation({ activation: 'relu' }));
    model.add(tfl.layers.dropout({ rate: 0.4 }));
    model.add(tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: s++ }) }));
    return model;
  };
}

const recipe = {
  optimizer: 'sgd' as const,
  learningRate: 0.05,
  batchSize: 64,
  epochs: 30,
  extras: {
    augment: 'standard' as const,
    labelSmoothing: 0.1,
    weightDecay: 5e-4,
    schedule: 'onecycle' as const,
    warmup: 0.25,
    patience: 0, // one-cycle needs the whole schedule: early stopping would cut it short
  },
};

export const emoVgg: Architecture = {
  name: 'emo-vgg',
  description: "emoscope's compact VGG: 4 blocks of 2 padded 3×3 conv+BN+ReLU (32-64-128-256), max-pool, dropout; dense 256; SGD one-cycle, augmentation, label smoothing",
  build: builder('emo-vgg', [32, 64, 128, 256], 256),
  recipe,
};

export const emoVggWide: Architecture = {
  name: 'emo-vgg-wide',
  description: 'emo-vgg with twice the channels (64-128-256-512) and dense 512: about 4× the compute, for the best accuracy',
  build: builder('emo-vgg-wide', [64, 128, 256, 512], 512),
  recipe,
};
