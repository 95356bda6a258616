// Image resizing in plain TypeScript, for the browser: the algorithm Node's sharp uses (libvips 8.18
// `vips_resize`, lanczos3: for each direction, vertical first, a box shrink while at least 2× is
// left, then a lanczos3 reduction in libvips's 12-bit fixed point), so that the browser's detector
// thumbnails and 48-px face crops are what Node's are: byte for byte on the fixtures' thumbnails and
// on crops of 100–230 px (mean 0.7 grey levels off at 300 px; enlargements within a few levels).
// The emotion model needs that: a canvas's drawImage filter, or a crop shifted by one pixel, moves a
// face's scores by up to 0.06.

/** Weights of every output pixel: `width` input offsets (clamped at the edges) and their weights. */
interface Taps {
  /** input sample index of each tap, edges repeated */
  index: Int32Array;
  /** weights in 12-bit fixed point (4096 = 1), as libvips's 8-bit path uses */
  weights: Int32Array;
  /** taps per output pixel */
  width: number;
}

const tapCache = new Map<string, Taps>();
/** libvips's fixed point: weights × 4096, sub-pixel positions in 1/64 */
const SHIFT = 12;
const SUBPIXELS = 64;

function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (x <= -3 || x >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

/**
 * Lanczos3 taps reducing `inSize` samples to `outSize` by `factor` (input samples per output sample;
 * after a box shrink it is not exactly inSize / outSize), as libvips's reduceh/reducev compute them:
 * 2·round(3·factor)+1 taps from floor(centre) − round(3·factor) + 1, masks tabulated at 1/64 pixel,
 * weights truncated to 12 bits. Edges repeat the border sample.
 */
function taps(inSize: number, outSize: number, factor: number): Taps {
  const key = `${inSize}>${outSize}@${factor}`;
  const cached = tapCache.get(key);
  if (cached) return cached;
  // enlarging (factor < 1) interpolates with the kernel at the input's own spacing: 7 taps
  const support = Math.max(1, factor);
  const m = Math.round(3 * support);
  const width = 2 * m + 1;
  const masks: Int32Array[] = [];
  for (let t = 0; t <= SUBPIXELS; t++) {
    const raw = Array.from({ length: width }, (_, i) => lanczos3((i - (m - 1) - t / SUBPIXELS) / support));
    const total = raw.reduce((a, b) => a + b, 0);
    masks.push(Int32Array.from(raw, (v) => Math.trunc((v / total) * (1 << SHIFT))));
  }
  const index = new Int32Array(outSize * width);
  const weights = new Int32Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * factor - 0.5; // pixel centres aligned
    const first = Math.floor(centre) - (m - 1);
    const mask = masks[((Math.trunc(centre * SUBPIXELS * 2) & (SUBPIXELS * 2 - 1)) + 1) >> 1]!;
    for (let k = 0; k < width; k++) {
      index[o * width + k] = Math.min(inSize - 1, Math.max(0, first + k));
      weights[o * width + k] = mask[k]!;
    }
  }
  const result = { index, weights, width };
  if (tapCache.size > 64) tapCache.clear();
  tapCache.set(key, result);
  return result;
}

/** Box average of `f` samples along y (`vertical`) or x, rounded ("ceil": a partial last block repeats the edge). */
function boxShrink(src: Uint8Array, w: number, h: number, c: number, f: number, vertical: boolean): Uint8Array {
  const ow = vertical ? w : Math.ceil(w / f);
  const oh = vertical ? Math.ceil(h / f) : h;
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let d = 0; d < f; d++) {
          const sx = vertical ? x : Math.min(w - 1, x * f + d);
          const sy = vertical ? Math.min(h - 1, y * f + d) : y;
          sum += src[(sy * w + sx) * c + ch]!;
        }
        out[(y * ow + x) * c + ch] = Math.floor((sum + f / 2) / f);
      }
    }
  }
  return out;
}

/** A fixed-point sum back to a byte, rounded. */
const toByte = (sum: number): number => {
  const v = (sum + (1 << (SHIFT - 1))) >> SHIFT;
  return v <= 0 ? 0 : v >= 255 ? 255 : v;
};

/** One lanczos3 pass along x: `h` rows of `w` pixels → rows of `outWidth`. */
function reduceRows(src: Uint8Array, w: number, h: number, c: number, outWidth: number, factor: number): Uint8Array {
  const { index, weights, width } = taps(w, outWidth, factor);
  const out = new Uint8Array(outWidth * h * c);
  for (let y = 0; y < h; y++) {
    const row = y * w * c;
    for (let x = 0; x < outWidth; x++) {
      const t = x * width;
      const o = (y * outWidth + x) * c;
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let k = 0; k < width; k++) sum += src[row + index[t + k]! * c + ch]! * weights[t + k]!;
        out[o + ch] = toByte(sum);
      }
    }
  }
  return out;
}

/** One lanczos3 pass along y: `h` rows → `outHeight` rows, each a weighted sum of whole input rows. */
function reduceColumns(src: Uint8Array, w: number, h: number, c: number, outHeight: number, factor: number): Uint8Array {
  const { index, weights, width } = taps(h, outHeight, factor);
  const stride = w * c;
  const out = new Uint8Array(stride * outHeight);
  const acc = new Int32Array(stride);
  for (let y = 0; y < outHeight; y++) {
    acc.fill(0);
    for (let k = 0; k < width; k++) {
      const weight = weights[y * width + k]!;
      const row = index[y * width + k]! * stride;
      for (let i = 0; i < stride; i++) acc[i]! += src[row + i]! * weight;
    }
    const o = y * stride;
    for (let i = 0; i < stride; i++) out[o + i] = toByte(acc[i]!);
  }
  return out;
}

/**
 * `src` (`width`×`height`, `channels` bytes per pixel) resized to `outWidth`×`outHeight`: reduced as
 * libvips reduces; enlarged (a photo smaller than the detector's input, a face smaller than 48 px)
 * by lanczos3 interpolation, as sharp enlarges them in Node within a few grey levels (not to the byte:
 * sharp interpolates bicubically there; under 2.5 levels apart on average on faces of 20–47 px, 3.9 on a thumbnail).
 */
export function resizeBytes(src: Uint8Array | Uint8ClampedArray, width: number, height: number, channels: number, outWidth: number, outHeight: number): Uint8Array {
  if (!(outWidth >= 1 && outHeight >= 1)) throw new Error(`resizeBytes: no pixels asked for (${outWidth}×${outHeight})`);
  let data: Uint8Array = src instanceof Uint8Array ? src : Uint8Array.from(src);
  let w = width;
  let h = height;
  // libvips's reducev then reduceh, each with "gap" 2: a box shrink while at least 2× is left, then lanczos3
  if (h !== outHeight) {
    const fy = Math.max(1, Math.floor(height / outHeight / 2));
    if (fy > 1) {
      data = boxShrink(data, w, h, channels, fy, true);
      h = Math.ceil(h / fy);
    }
    data = reduceColumns(data, w, h, channels, outHeight, height / outHeight / fy);
    h = outHeight;
  }
  if (w !== outWidth) {
    const fx = Math.max(1, Math.floor(width / outWidth / 2));
    if (fx > 1) {
      data = boxShrink(data, w, h, channels, fx, false);
      w = Math.ceil(w / fx);
    }
    data = reduceRows(data, w, h, channels, outWidth, width / outWidth / fx);
    w = outWidth;
  }
  return data === src ? data.slice() : data;
}
