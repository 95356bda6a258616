// Mixing the faces of a training batch (Zhang et al. 2018, mixup; Yun et al. 2019, CutMix): each
// face is blended with, or has a rectangle replaced by, another face of the same batch, and its
// target becomes the same blend of the two faces' targets (engine/loss.ts applies `BatchMix` to the
// targets). One mixing weight per batch, drawn from Beta(α, α); partners are a shuffle of the batch.
import { shuffledIndices, symmetricBeta } from '../util/random.js';

export const MIX_MODES = ['none', 'mixup', 'cutmix'] as const;
export type MixMode = (typeof MIX_MODES)[number];

/** How a batch's faces were mixed: face i holds `lambda` of itself and 1 − lambda of face `partner[i]`. */
export interface BatchMix {
  partner: Uint32Array;
  /** the share of each face's own target in its new target */
  lambda: number;
}

/**
 * Mixes the batch's model inputs in place (`values`: n faces of size×size, row-major) and says how,
 * so that the targets can follow. Draws only from `random`, so a seeded step mixes the same way on
 * every run and on --resume.
 */
export function mixBatch(values: Float32Array, size: number, mode: Exclude<MixMode, 'none'>, alpha: number, random: () => number): BatchMix {
  const area = size * size;
  const n = values.length / area;
  const partner = shuffledIndices(n, Math.floor(random() * 0x100000000));
  let lambda = symmetricBeta(random, alpha);
  const source = values.slice();
  if (mode === 'mixup') {
    for (let i = 0; i < n; i++) {
      const own = i * area;
      const other = partner[i]! * area;
      for (let p = 0; p < area; p++) values[own + p] = lambda * source[own + p]! + (1 - lambda) * source[other + p]!;
    }
    return { partner, lambda };
  }
  // CutMix: a rectangle of (1 − λ) of the area, centred anywhere and clipped at the border, comes
  // from the partner; λ is then the share of the face that is really its own.
  const cut = Math.sqrt(1 - lambda);
  const w = Math.round(size * cut);
  const cx = Math.floor(random() * size);
  const cy = Math.floor(random() * size);
  const x0 = Math.max(0, cx - (w >> 1));
  const x1 = Math.min(size, cx - (w >> 1) + w);
  const y0 = Math.max(0, cy - (w >> 1));
  const y1 = Math.min(size, cy - (w >> 1) + w);
  for (let i = 0; i < n; i++) {
    const own = i * area;
    const other = partner[i]! * area;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) values[own + y * size + x] = source[other + y * size + x]!;
    }
  }
  lambda = 1 - (Math.max(0, x1 - x0) * Math.max(0, y1 - y0)) / area;
  return { partner, lambda };
}
