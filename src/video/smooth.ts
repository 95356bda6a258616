// Temporal smoothing of one track's emotion probabilities: an exponential moving average whose
// weight follows real time (a time constant in seconds), so that it behaves the same at 5 and at
// 60 analysed frames per second, and across the gaps of a variable frame rate or missed frames.
import { EMOTIONS } from '../types.js';
import type { EmotionScores } from '../types.js';

/** Smooths successive probabilities of one face; `seconds` 0 passes them through unchanged. */
export class EmotionSmoother {
  private state: EmotionScores | undefined;
  private lastTime = 0;

  constructor(private readonly seconds: number) {}

  /** The smoothed probabilities after observing `scores` at `time` (seconds). */
  update(scores: EmotionScores, time: number): EmotionScores {
    if (this.state === undefined || this.seconds === 0) {
      this.state = { ...scores };
    } else {
      // weight of the new observation: 1 − e^(−Δt/τ); Δt = τ gives 63 %
      const alpha = 1 - Math.exp(-Math.max(0, time - this.lastTime) / this.seconds);
      for (const e of EMOTIONS) this.state[e] += alpha * (scores[e] - this.state[e]);
    }
    this.lastTime = time;
    const out = {} as EmotionScores;
    for (const e of EMOTIONS) out[e] = Math.round(this.state[e] * 1e4) / 1e4;
    return out;
  }
}

/** The emotion with the highest probability (the first in EMOTIONS order on a tie). */
export function topEmotion(scores: EmotionScores): (typeof EMOTIONS)[number] {
  return EMOTIONS.reduce((best, e) => (scores[e] > scores[best] ? e : best), EMOTIONS[0]);
}
