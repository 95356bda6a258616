// Data augmentation for 48×48 gray faces, in plain JS on the bytes: a random similarity transform
// (shift, scale, rotation, horizontal flip) sampled bilinearly with the border replicated, then
// capture degradations (out of focus, small in the picture, sensor noise: faces as phones and webcams
// deliver them), brightness and contrast jitter and an optional erased rectangle. Writes the
// model's normalized input directly. A degradation whose probability is 0 draws no random number,
// so presets without them give the same faces for the same seed as before they existed.
import { gaussian } from '../util/random.js';

/** How strongly to perturb each face; every range is symmetric around "no change". */
export interface AugmentOptions {
  /** largest shift, as a fraction of the side (0.1 = ±4.8 px) */
  shift: number;
  /** largest relative zoom in or out (0.1 = ×0.9…×1.1) */
  scale: number;
  /** largest rotation in degrees */
  rotation: number;
  /** probability of a horizontal flip */
  flip: number;
  /** largest brightness change as a fraction of the gray range */
  brightness: number;
  /** largest relative contrast change */
  contrast: number;
  /** probability of erasing a random rectangle (2–20 % of the face) with the face's mean gray */
  erase: number;
  /** probability of a Gaussian blur, σ 0.5–1.5 px (out of focus, motion) */
  blur?: number;
  /** probability of a face 14–32 px across scaled back up (small in the picture) */
  lowRes?: number;
  /** probability of Gaussian noise, σ 3–15 gray levels (a dim sensor) */
  noise?: number;
}

/** No augmentation. */
export const AUGMENT_NONE: AugmentOptions = { shift: 0, scale: 0, rotation: 0, flip: 0, brightness: 0, contrast: 0, erase: 0 };

/** The usual FER recipe: ±10 % shift and scale, ±10° rotation, flips, ±15 % brightness, ±20 % contrast, random erasing. */
export const AUGMENT_STANDARD: AugmentOptions = { shift: 0.1, scale: 0.1, rotation: 10, flip: 0.5, brightness: 0.15, contrast: 0.2, erase: 0.25 };

/** Half the standard geometry, little photometric jitter, no erasing: for a last, low-learning-rate fine-tune closer to plain faces. */
export const AUGMENT_LIGHT: AugmentOptions = { shift: 0.05, scale: 0.05, rotation: 5, flip: 0.5, brightness: 0.05, contrast: 0.05, erase: 0 };

/**
 * Faces as captured by phones and webcams: no geometry but flips, strong brightness and contrast
 * changes (dim light, washed out), and each of blur, low resolution and noise a quarter of the time.
 */
export const AUGMENT_CAPTURE: AugmentOptions = { shift: 0, scale: 0, rotation: 0, flip: 0.5, brightness: 0.25, contrast: 0.5, erase: 0, blur: 0.25, lowRes: 0.25, noise: 0.25 };

export const AUGMENT_PRESETS = { none: AUGMENT_NONE, light: AUGMENT_LIGHT, standard: AUGMENT_STANDARD, capture: AUGMENT_CAPTURE } as const;
export type AugmentPreset = keyof typeof AUGMENT_PRESETS;
export const AUGMENT_PRESET_NAMES = Object.keys(AUGMENT_PRESETS) as AugmentPreset[];

/**
 * Writes one augmented face into `out[offset … offset + size²)` as `gray * scale + offset`.
 * `src` holds size×size gray bytes; `random` yields floats in [0, 1).
 */
export function augmentFaceInto(
  src: Uint8Array,
  size: number,
  options: AugmentOptions,
  random: () => number,
  out: Float32Array,
  outOffset: number,
  normalize: { scale: number; offset: number },
): void {
  const sym = (range: number) => (random() * 2 - 1) * range;
  const zoom = 1 + sym(options.scale);
  const angle = (sym(options.rotation) * Math.PI) / 180;
  const flip = random() < options.flip ? -1 : 1;
  const tx = sym(options.shift) * size;
  const ty = sym(options.shift) * size;
  const gain = 1 + sym(options.contrast);
  const bias = sym(options.brightness) * 255;
  // Inverse map from output pixel to source pixel around the centre: p_src = R(-θ)/zoom · (p_out - c - t), x mirrored when flipped.
  const c = (size - 1) / 2;
  const cos = Math.cos(angle) / zoom;
  const sin = Math.sin(angle) / zoom;
  const max = size - 1;
  let sum = 0;
  for (let y = 0; y < size; y++) {
    const dy = y - c - ty;
    for (let x = 0; x < size; x++) {
      const dx = (x - c - tx) * flip;
      let sx = cos * dx + sin * dy + c;
      let sy = -sin * dx + cos * dy + c;
      sx = sx < 0 ? 0 : sx > max ? max : sx;
      sy = sy < 0 ? 0 : sy > max ? max : sy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = x0 < max ? x0 + 1 : x0;
      const y1 = y0 < max ? y0 + 1 : y0;
      const fx = sx - x0;
      const fy = sy - y0;
      const top = src[y0 * size + x0]! * (1 - fx) + src[y0 * size + x1]! * fx;
      const bottom = src[y1 * size + x0]! * (1 - fx) + src[y1 * size + x1]! * fx;
      const v = top * (1 - fy) + bottom * fy;
      out[outOffset + y * size + x] = v;
      sum += v;
    }
  }
  const n = size * size;
  const face = out.subarray(outOffset, outOffset + n);
  if (options.blur && random() < options.blur) gaussianBlur(face, size, 0.5 + random());
  if (options.lowRes && random() < options.lowRes) lowResolution(face, size, 14 + Math.floor(random() * 19));
  if (options.noise && random() < options.noise) {
    const sigma = 3 + random() * 12;
    for (let i = 0; i < n; i++) face[i] = face[i]! + sigma * gaussian(random);
  }
  if (options.blur || options.lowRes || options.noise) sum = face.reduce((a, v) => a + v, 0);
  // Contrast around the face's mean, brightness, clip to the gray range, then normalize.
  const mean = sum / n;
  for (let i = 0; i < n; i++) {
    let v = (out[outOffset + i]! - mean) * gain + mean + bias;
    v = v < 0 ? 0 : v > 255 ? 255 : v;
    out[outOffset + i] = v * normalize.scale + normalize.offset;
  }
  if (random() < options.erase) {
    const area = (0.02 + random() * 0.18) * n;
    const aspect = Math.exp(sym(Math.log(3)));
    const h = Math.min(size, Math.max(1, Math.round(Math.sqrt(area * aspect))));
    const w = Math.min(size, Math.max(1, Math.round(Math.sqrt(area / aspect))));
    const top = Math.floor(random() * (size - h + 1));
    const left = Math.floor(random() * (size - w + 1));
    const fill = mean * normalize.scale + normalize.offset;
    for (let y = top; y < top + h; y++) out.fill(fill, outOffset + y * size + left, outOffset + y * size + left + w);
  }
}

/** Blurs the `size`×`size` gray face in place with a Gaussian of `sigma` px (separable, edges repeated). */
export function gaussianBlur(face: Float32Array, size: number, sigma: number): void {
  const radius = Math.ceil(3 * sigma);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = weights.reduce((a, b) => a + b, 0);
  const tmp = new Float32Array(face.length);
  const clamp = (v: number) => (v < 0 ? 0 : v >= size ? size - 1 : v);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) v += weights[k + radius]! * face[y * size + clamp(x + k)]!;
      tmp[y * size + x] = v / total;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) v += weights[k + radius]! * tmp[clamp(y + k) * size + x]!;
      face[y * size + x] = v / total;
    }
  }
}

/** The `size`×`size` face in place as if captured `small` px across: box-averaged down, bilinear back up. */
export function lowResolution(face: Float32Array, size: number, small: number): void {
  const down = new Float32Array(small * small);
  const step = size / small;
  for (let j = 0; j < small; j++) {
    for (let i = 0; i < small; i++) {
      const [x0, x1, y0, y1] = [Math.floor(i * step), Math.ceil((i + 1) * step), Math.floor(j * step), Math.ceil((j + 1) * step)];
      let v = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) v += face[y * size + x]!;
      down[j * small + i] = v / ((x1 - x0) * (y1 - y0));
    }
  }
  const max = small - 1;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(max, Math.max(0, (y + 0.5) / step - 0.5));
    const j0 = Math.floor(sy);
    const j1 = Math.min(max, j0 + 1);
    const fy = sy - j0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(max, Math.max(0, (x + 0.5) / step - 0.5));
      const i0 = Math.floor(sx);
      const i1 = Math.min(max, i0 + 1);
      const fx = sx - i0;
      const top = down[j0 * small + i0]! * (1 - fx) + down[j0 * small + i1]! * fx;
      const bottom = down[j1 * small + i0]! * (1 - fx) + down[j1 * small + i1]! * fx;
      face[y * size + x] = top * (1 - fy) + bottom * fy;
    }
  }
}
