// What an architecture is: a named, pure builder of an untrained network plus the training
// recipe it was designed with. Architectures read no data and no files.
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ClassWeighting, Optimizer, Schedule } from '../choices.js';
import type { AugmentPreset } from '../data/augment.js';

/** Optimizer settings an architecture is trained with unless the user overrides them. */
export interface Recipe {
  optimizer: Optimizer;
  /** learning rate */
  learningRate: number;
  /** Adam's β1, or SGD's momentum */
  momentum?: number;
  batchSize: number;
  epochs: number;
  /** the remaining knobs of src/train/config.ts an architecture may set (augmentation, schedule, …) */
  extras?: Partial<RecipeExtras>;
}

/** Training settings beyond the optimizer that a recipe may fix; src/train/config.ts's TrainConfig extends them. */
export interface RecipeExtras {
  /** data augmentation preset of src/data/augment.ts */
  augment: AugmentPreset;
  /** ε of label smoothing (0 = hard labels) */
  labelSmoothing: number;
  /** loss weight per class: none, 1/√frequency or 1/frequency (normalized to mean 1) */
  classWeighting: ClassWeighting;
  /** L2 decay added to conv and dense kernel gradients */
  weightDecay: number;
  /** learning-rate schedule over the whole run (see src/train/schedule.ts) */
  schedule: Schedule;
  /** warm-up as a fraction of all steps */
  warmup: number;
  /** stop after this many epochs without a better validation accuracy; 0 = never */
  patience: number;
}

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
