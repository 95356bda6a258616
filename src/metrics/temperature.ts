// Temperature scaling (Guo et al., 2017): one number T that divides a classifier's logits, fitted by
// minimizing the negative log-likelihood of held-out faces. T > 1 softens over-confident
// probabilities, T < 1 sharpens under-confident ones (label smoothing in training makes a model
// under-confident); the top class — hence accuracy — never changes. Pure functions of probabilities:
// the logits are recovered as log p (softmax is unchanged by the constant lost on the way).

/** The range searched for T. */
export const TEMPERATURE_RANGE: readonly [number, number] = [0.05, 20];

/** Probabilities p re-scaled by a temperature: softmax(log p / T), row by row. */
export function applyTemperature(probs: ArrayLike<number>, classes: number, temperature: number): Float32Array {
  const out = new Float32Array(probs.length);
  const z = new Float64Array(classes);
  for (let r = 0; r < probs.length / classes; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      z[c] = Math.log(Math.max(probs[r * classes + c]!, 1e-12)) / temperature;
      if (z[c]! > max) max = z[c]!;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += (z[c] = Math.exp(z[c]! - max));
    for (let c = 0; c < classes; c++) out[r * classes + c] = z[c]! / sum;
  }
  return out;
}

/** Mean negative log-likelihood of the true classes after dividing the logits by `temperature`. */
export function temperatureNll(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number, temperature: number): number {
  const z = new Float64Array(classes);
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      z[c] = Math.log(Math.max(probs[r * classes + c]!, 1e-12)) / temperature;
      if (z[c]! > max) max = z[c]!;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(z[c]! - max);
    total -= z[labels[r]!]! - max - Math.log(sum);
  }
  return labels.length === 0 ? 0 : total / labels.length;
}

/** The fitted temperature and the negative log-likelihood before (T = 1) and after. */
export interface TemperatureFit {
  temperature: number;
  nllBefore: number;
  nllAfter: number;
}

/**
 * The temperature that minimizes the mean negative log-likelihood of `labels` under `probs`, found by
 * golden-section search over log T in TEMPERATURE_RANGE (the likelihood is convex in 1/T, so it has one minimum).
 * @example
 *   fitTemperature(probabilitiesOnPublicTest, labels, 7) // { temperature: 0.8…, nllBefore: 0.9…, nllAfter: 0.8… }
 */
export function fitTemperature(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): TemperatureFit {
  if (labels.length === 0) throw new Error('fitTemperature: expected at least one face but received none');
  if (probs.length !== labels.length * classes) {
    throw new Error(`fitTemperature: expected ${labels.length} × ${classes} probabilities but received ${probs.length}`);
  }
  const f = (logT: number) => temperatureNll(probs, labels, classes, Math.exp(logT));
  let a = Math.log(TEMPERATURE_RANGE[0]);
  let b = Math.log(TEMPERATURE_RANGE[1]);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-5) {
    if (fc < fd) {
      b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(c);
    } else {
      a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(d);
    }
  }
  const temperature = Math.exp((a + b) / 2);
  return { temperature, nllBefore: f(0), nllAfter: temperatureNll(probs, labels, classes, temperature) };
}
