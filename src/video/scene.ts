// Scene cuts: a frame whose coarse picture (the mean brightness of a 16×9 grid) differs from the
// previous frame's by more than a threshold starts a new scene, and tracks do not cross it (the
// face at the same place after a cut is somebody else). ffmpeg makes the grid (decode.ts: every
// frame scaled to 16×9 by area averaging, so each pixel is the mean colour of its cell), also for
// frames that sampling drops; here it becomes brightness and two grids are compared.
import type { RgbImage } from '../vision/image.js';

/** The grid's size: the picture ffmpeg scales every frame to. */
export const SIGNATURE_WIDTH = 16;
export const SIGNATURE_HEIGHT = 9;

/** The signature of a frame scaled to SIGNATURE_WIDTH × SIGNATURE_HEIGHT: each cell's brightness (BT.601 luma), 0..255. */
export function signatureOf(grid: RgbImage): Float32Array {
  const n = grid.width * grid.height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.299 * grid.data[i * 3]! + 0.587 * grid.data[i * 3 + 1]! + 0.114 * grid.data[i * 3 + 2]!;
  return out;
}

/** Mean absolute difference of two signatures, 0..255. */
export function signatureDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
