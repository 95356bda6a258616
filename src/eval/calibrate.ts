// Class-prior calibration as a pure function: per-class offsets added to the log-probabilities of a
// classifier, chosen on held-out faces to maximize accuracy while every class keeps at least a
// minimum recall. A model trained with class weights (or on skewed data) over- or under-predicts some
// classes; shifting each class's logit corrects that without retraining, and because the offsets can
// be added to the final layer's bias, the calibrated model still needs one forward pass per face.
// No TF.js here.

export interface CalibrationOptions {
  /** every class must reach at least this recall on the faces given (default 0.4) */
  minRecall?: number;
  /** largest offset tried per class, in log-probability units (default 1.5) */
  range?: number;
  /** grid step of the search (default 0.02) */
  step?: number;
  /** passes over the classes (default 20; stops earlier when nothing improves) */
  rounds?: number;
}

export interface CalibrationFit {
  /** one offset per class, mean 0, to add to the log-probabilities (or to the final layer's bias) */
  offsets: number[];
  before: { accuracy: number; recall: number[] };
  after: { accuracy: number; recall: number[] };
  /** whether every class reached `minRecall` after calibration */
  feasible: boolean;
}

/**
 * Fits per-class offsets by coordinate ascent on a grid: at each step one class's offset moves to
 * the value that best improves (first) the total shortfall below `minRecall`, then accuracy.
 * `probabilities` holds `classes` values per face, `labels` the true class of each face.
 * @example
 *   const fit = fitClassOffsets(probs, labels, 7, { minRecall: 0.45 });
 *   // fit.after.accuracy ≥ fit.before.accuracy whenever the constraints already held before
 */
export function fitClassOffsets(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: CalibrationOptions = {},
): CalibrationFit {
  const { minRecall = 0.4, range = 1.5, step = 0.02, rounds = 20 } = options;
  const n = labels.length;
  if (probabilities.length !== n * classes) {
    throw new Error(`fitClassOffsets: expected ${n} × ${classes} probabilities but received ${probabilities.length}`);
  }
  const support = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) support[labels[i]!]! += 1;
  const missing = support.findIndex((s) => s === 0);
  if (missing >= 0) throw new Error(`fitClassOffsets: class ${missing} has no faces: its recall cannot be measured`);
  const logits = Float64Array.from(probabilities as ArrayLike<number>, (p) => Math.log(Math.max(p, 1e-12)));

  const measure = (offsets: readonly number[]) => {
    const hits = new Array<number>(classes).fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < classes; c++) {
        const v = logits[i * classes + c]! + offsets[c]!;
        if (v > bestValue) { bestValue = v; best = c; }
      }
      if (best === labels[i]) hits[best]! += 1;
    }
    const recall = hits.map((h, c) => h / support[c]!);
    const accuracy = hits.reduce((a, h) => a + h, 0) / n;
    const shortfall = recall.reduce((a, r) => a + Math.max(0, minRecall - r), 0);
    return { accuracy, recall, shortfall };
  };
  const better = (a: ReturnType<typeof measure>, b: ReturnType<typeof measure>) =>
    a.shortfall < b.shortfall - 1e-12 || (Math.abs(a.shortfall - b.shortfall) <= 1e-12 && a.accuracy > b.accuracy + 1e-12);

  let offsets = new Array<number>(classes).fill(0);
  const before = measure(offsets);
  let current = before;
  const steps = Math.round(range / step);
  for (let round = 0; round < rounds; round++) {
    let improved = false;
    for (let c = 0; c < classes; c++) {
      for (let k = -steps; k <= steps; k++) {
        const value = k * step;
        if (value === offsets[c]) continue;
        const trial = offsets.slice();
        trial[c] = value;
        const m = measure(trial);
        if (better(m, current)) { current = m; offsets = trial; improved = true; }
      }
    }
    if (!improved) break;
  }
  const mean = offsets.reduce((a, v) => a + v, 0) / classes;
  return {
    offsets: offsets.map((v) => v - mean),
    before: { accuracy: before.accuracy, recall: before.recall },
    after: { accuracy: current.accuracy, recall: current.recall },
    feasible: current.shortfall === 0,
  };
}
