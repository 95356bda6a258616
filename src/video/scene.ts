// Scene cuts: a frame whose coarse picture (the mean brightness of a 16×9 grid) differs from the
// previous frame's by more than a threshold starts a new scene, and tracks do not cross it (the
// face at the same place after a cut is somebody else). About 10,000 pixels are read per frame.
import type { RgbImage } from '../vision/image.js';

const GRID_X = 16;
const GRID_Y = 9;
/** pixels read per cell side */
const SAMPLES = 8;

/** The frame's signature: GRID_X × GRID_Y mean brightnesses, 0..255. */
export function frameSignature(image: RgbImage): Float32Array {
  const { data, width, height } = image;
  const out = new Float32Array(GRID_X * GRID_Y);
  for (let gy = 0; gy < GRID_Y; gy++) {
    for (let gx = 0; gx < GRID_X; gx++) {
      let sum = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        const y = Math.min(height - 1, Math.floor(((gy + (sy + 0.5) / SAMPLES) * height) / GRID_Y));
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = Math.min(width - 1, Math.floor(((gx + (sx + 0.5) / SAMPLES) * width) / GRID_X));
          const p = (y * width + x) * 3;
          sum += 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
        }
      }
      out[gy * GRID_X + gx] = sum / (SAMPLES * SAMPLES);
    }
  }
  return out;
}

/** Mean absolute difference of two signatures, 0..255. */
export function signatureDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
