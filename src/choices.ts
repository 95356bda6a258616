// The lists of choices a user picks from, written once: the training config's validation, the
// model recipes, the CLI's `.choices()` and its help texts all read them from here.

/** Optimizers the trainer drives. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

/** Learning-rate schedules over a run (src/train/schedule.ts computes them). */
export const SCHEDULES = ['constant', 'cosine', 'onecycle'] as const;
export type Schedule = (typeof SCHEDULES)[number];

/** Loss weight per class: none, 1/√frequency or 1/frequency (normalized to mean 1). */
export const CLASS_WEIGHTINGS = ['none', 'sqrt', 'balanced'] as const;
export type ClassWeighting = (typeof CLASS_WEIGHTINGS)[number];

/**
 * Test-time augmentation of the classifier: `none`, `flip` (each face and its mirror) or `crops`
 * (10 views; src/model/inference.ts).
 */
export const TTA_MODES = ['none', 'flip', 'crops'] as const;
export type Tta = (typeof TTA_MODES)[number];
