// Learning-rate schedules as pure functions of training progress, and the one place that sets an
// optimizer's rate (TF.js optimizers differ in how they hold it).
import * as tf from '@tensorflow/tfjs-core';

import type { Schedule } from '../choices.js';

export { SCHEDULES } from '../choices.js';
export type { Schedule } from '../choices.js';

/**
 * The learning rate at `progress` ∈ [0, 1] of the run (fraction of all steps done).
 * - constant: `peak` throughout, after an optional linear warm-up;
 * - cosine: linear warm-up over `warmup`, then cosine decay to 0;
 * - onecycle: rises from peak/25 to peak over `warmup` (default 0.3), then cosine down to peak/10⁴.
 */
export function learningRateAt(schedule: Schedule, peak: number, progress: number, warmup: number): number {
  const p = Math.min(Math.max(progress, 0), 1);
  const cosineFall = (t: number, from: number, to: number) => to + ((from - to) * (1 + Math.cos(Math.PI * t))) / 2;
  switch (schedule) {
    case 'constant':
      return warmup > 0 && p < warmup ? peak * (p / warmup) : peak;
    case 'cosine':
      if (warmup > 0 && p < warmup) return peak * (p / warmup);
      return cosineFall((p - warmup) / (1 - warmup || 1), peak, 0);
    case 'onecycle': {
      const w = warmup > 0 ? warmup : 0.3;
      if (p < w) return cosineFall(1 - p / w, peak, peak / 25);
      return cosineFall((p - w) / (1 - w), peak, peak / 1e4);
    }
  }
}

/** Sets the step size of an Adam or momentum-SGD optimizer. */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  // tfjs's optimizers share one Symbol.hasInstance, so `instanceof SGDOptimizer` is true for Adam too: test the method.
  const sgd = optimizer as Partial<Pick<tf.SGDOptimizer, 'setLearningRate'>>;
  if (typeof sgd.setLearningRate === 'function') {
    sgd.setLearningRate(rate); // momentum derives from SGD and keeps its rate in a tensor
  } else {
    (optimizer as unknown as { learningRate: number }).learningRate = rate; // Adam reads this field at every step
  }
}
