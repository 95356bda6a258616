// How far a classifier's confidence is from its accuracy: the reliability bins and the expected
// calibration error (ECE) of Guo et al., "On Calibration of Modern Neural Networks" (ICML 2017):
// faces grouped by the probability of their top class into equal-width bins, and
// ECE = Σ_bins (faces in bin / all faces) × |accuracy in bin − mean confidence in bin|.
// Pure functions of probabilities and labels; no TF.js.

/** Bins used unless told otherwise: 15 equal-width bins over (0, 1], Guo et al.'s setting. */
export const ECE_BINS = 15;

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** the bin's confidence range, (lower, upper] (the first bin includes 0) */
  lower: number;
  upper: number;
  /** faces whose top probability falls in the bin */
  count: number;
  /** mean top probability of those faces (0 when the bin is empty) */
  confidence: number;
  /** share of them whose top class is the true one (0 when empty) */
  accuracy: number;
}

/**
 * The reliability bins of `probs` (row-major, `classes` per face) against integer `labels`: each face
 * goes to the bin of its top probability. Ties between classes go to the first, as argmax does.
 * @example
 *   reliabilityBins(Float32Array.from([0.9, 0.1, 0.6, 0.4]), [0, 1], 2, 10)
 *   // bin (0.5, 0.6]: 1 face, confidence 0.6, accuracy 0; bin (0.8, 0.9]: 1 face, confidence 0.9, accuracy 1
 */
export function reliabilityBins(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number, bins = ECE_BINS): ReliabilityBin[] {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`reliabilityBins: expected a whole number of bins ≥ 1 but received ${bins}`);
  if (probs.length !== labels.length * classes) {
    throw new Error(`reliabilityBins: expected ${labels.length} × ${classes} probabilities but received ${probs.length}`);
  }
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    let top = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + top]!) top = c;
    const p = probs[i * classes + top]!;
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1)); // (b/bins, (b+1)/bins]
    count[b]! += 1;
    confidence[b]! += p;
    if (top === labels[i]) correct[b]! += 1;
  }
  return count.map((n, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: n,
    confidence: n === 0 ? 0 : confidence[b]! / n,
    accuracy: n === 0 ? 0 : correct[b]! / n,
  }));
}

/** The expected calibration error of reliability bins: the count-weighted mean gap between accuracy and confidence. */
export function binsCalibrationError(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((a, b) => a + b.count, 0);
  return n === 0 ? 0 : bins.reduce((a, b) => a + (b.count / n) * Math.abs(b.accuracy - b.confidence), 0);
}

/**
 * Expected calibration error of `probs` against `labels` over `bins` equal-width bins (default 15):
 * 0 when every confidence is met by the accuracy, up to 1.
 */
export function expectedCalibrationError(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number, bins = ECE_BINS): number {
  return binsCalibrationError(reliabilityBins(probs, labels, classes, bins));
}
