// What an architecture is: a named, pure builder of an untrained network plus the training
// recipe it was designed with. Architectures read no data and no files.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../train/config.js';

/** Optimizer settings an architecture is trained with unless the user overrides them. */
export interface Recipe {
  optimizer: 'adam' | 'sgd';
  /** learning rate */
  learningRate: number;
  /** Adam's β1, or SGD's momentum */
  momentum?: number;
  batchSize: number;
  epochs: number;
  /** the remaining knobs of src/train/config.ts an architecture may set (augmentation, schedule, …) */
  extras?: Partial<RecipeExtras>;
}

/** Training settings beyond the optimizer that a recipe may fix (documented in src/train/config.ts). */
export type RecipeExtras = Pick<TrainConfig, 'augment' | 'labelSmoothing' | 'classWeighting' | 'weightDecay' | 'schedule' | 'warmup' | 'patience'>;

export interface BuildOptions {
  /** seed for weight initialization and dropout masks */
  seed: number;
  /** number of output classes */
  classes: number;
  /** side of the square grayscale input */
  inputSize: number;
}

export interface Architecture {
  name: string;
  description: string;
  build(options: BuildOptions): tfl.Sequential;
  recipe: Recipe;
}
