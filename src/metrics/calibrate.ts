// Class-prior calibration as a pure function: per-class offsets added to the log-probabilities of a
// classifier, chosen on held-out faces to maximize accuracy while every class keeps at least a
// minimum recall. A model trained with class weights (or on skewed data) over- or under-predicts some
// classes; shifting each class's logit corrects that without retraining, and because the offsets can
// be added to the final layer's bias, the calibrated model still needs one forward pass per face.
// No TF.js here.

export interface CalibrationOptions {
  /** every class must reach at least this recall on the faces given (default 0.4); an array gives one per class */
  minRecall?: number | readonly number[];
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
  const floor = (c: number) => (typeof minRecall === 'number' ? minRecall : minRecall[c] ?? 0);
  const n = labels.length;
  if (probabilities.length !== n * classes) {
    throw new Error(`fitClassOffsets: expected ${n} × ${classes} probabilities but received ${probabilities.length}`);
  }
  const support = new Array<number>(classes).fill(0);
  for (let i = 0; i < n; i++) support[labels[i]!]! += 1;
  const missing = support.findIndex((s) => s === 0);
  if (missing >= 0) throw new Error(`fitClassOffsets: class ${missing} has no faces: its recall cannot be measured`);
  const logits = logProbabilities(probabilities);
  const measure = (offsets: readonly number[]) => {
    const m = measureOffsets(logits, labels, classes, offsets, support);
    return { ...m, shortfall: m.recall.reduce((a, r, c) => a + Math.max(0, floor(c) - r), 0) };
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

/** Accuracy and per-class recall of argmax(log p + offsets). */
export interface OffsetScore {
  accuracy: number;
  recall: number[];
}

function logProbabilities(probabilities: ArrayLike<number>): Float64Array {
  return Float64Array.from(probabilities as ArrayLike<number>, (p) => Math.log(Math.max(p, 1e-12)));
}

function measureOffsets(logits: Float64Array, labels: ArrayLike<number>, classes: number, offsets: readonly number[], support: number[]): OffsetScore {
  const hits = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = logits[i * classes + c]! + offsets[c]!;
      if (v > bestValue) { bestValue = v; best = c; }
    }
    if (best === labels[i]) hits[best]! += 1;
  }
  return { accuracy: hits.reduce((a, h) => a + h, 0) / labels.length, recall: hits.map((h, c) => h / support[c]!) };
}

/**
 * An honest estimate of what calibration gains on faces it was not fitted on: the faces are split in
 * two halves (every other face of each class), offsets are fitted on one half and measured on the
 * other, both ways; the two measurements are pooled (faces counted once each). Null when a class
 * has fewer than two faces (a half would have none).
 */
export function crossCheckOffsets(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: CalibrationOptions = {},
): { before: OffsetScore; after: OffsetScore } | null {
  const n = labels.length;
  const seen = new Array<number>(classes).fill(0);
  const half = Uint8Array.from({ length: n }, (_, i) => seen[labels[i]!]!++ % 2);
  if (seen.some((count) => count < 2)) return null;
  const pick = (h: number) => {
    const rows = [...half.keys()].filter((i) => half[i] === h);
    const p = new Float32Array(rows.length * classes);
    rows.forEach((r, j) => { for (let c = 0; c < classes; c++) p[j * classes + c] = probabilities[r * classes + c]!; });
    return { p, y: Int32Array.from(rows, (r) => labels[r]!) };
  };
  const halves = [pick(0), pick(1)];
  const hits = { before: new Array<number>(classes).fill(0), after: new Array<number>(classes).fill(0) };
  const support = new Array<number>(classes).fill(0);
  for (let h = 0; h < 2; h++) {
    const fit = fitClassOffsets(halves[h]!.p, halves[h]!.y, classes, options);
    const other = halves[1 - h]!;
    const otherSupport = new Array<number>(classes).fill(0);
    for (const y of other.y) otherSupport[y]! += 1;
    const logits = logProbabilities(other.p);
    const before = measureOffsets(logits, other.y, classes, new Array<number>(classes).fill(0), otherSupport);
    const after = measureOffsets(logits, other.y, classes, fit.offsets, otherSupport);
    for (let c = 0; c < classes; c++) {
      hits.before[c]! += before.recall[c]! * otherSupport[c]!;
      hits.after[c]! += after.recall[c]! * otherSupport[c]!;
      support[c]! += otherSupport[c]!;
    }
  }
  const score = (h: number[]): OffsetScore => ({ accuracy: h.reduce((a, v) => a + v, 0) / n, recall: h.map((v, c) => v / support[c]!) });
  return { before: score(hits.before), after: score(hits.after) };
}
