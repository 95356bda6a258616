// Turning a face upright before it is classified: the angle of the eye line from the detector's
// landmarks, and the gray square of a face region turned by it (bilinear). A large face is first
// box-averaged down to about twice the classifier's side, so that turning costs little more than the
// straight crop whatever the face's size. Pure: no decoder, no Node module (the browser runs it too).
import type { Box } from '../types.js';
import { luma601 } from './pixels.js';
import type { RgbImage } from './pixels.js';

/** Below this turn (radians, about 0.6°) a crop is cut straight: turning would only resample it. */
export const MIN_TURN = 0.01;

/**
 * The angle of the line from the face's right eye to its left eye (the first two landmarks of
 * BlazeFace, the subject's right eye on the image's left), in radians, clockwise in image coordinates:
 * 0 for level eyes. Undefined without two eye landmarks.
 */
export function eyeAngle(keypoints: ReadonlyArray<readonly [number, number]>): number | undefined {
  const [right, left] = keypoints;
  if (!right || !left) return undefined;
  const dx = left[0] - right[0];
  const dy = left[1] - right[1];
  return dx === 0 && dy === 0 ? undefined : Math.atan2(dy, dx);
}

/** The box-averaging factor for a region of side `side` that ends as `size` pixels: down to about 2 × size, never below. */
export function turnStep(side: number, size: number): number {
  return Math.max(1, Math.floor(side / (2 * size)));
}

/**
 * The gray square of `region` turned by `angle` about its centre, `⌈side / step⌉` pixels a side:
 * output pixel (x, y) shows the photo at centre + R(angle)·(offset of (x, y) from the centre), sampled
 * bilinearly from the photo box-averaged over `step` × `step` pixels (1: the photo itself). Coordinates
 * outside the photo repeat its edge pixels, as the straight crop does.
 */
export function turnedGraySquare(image: RgbImage, region: Box, angle: number, step = 1): Uint8Array {
  const side = region.width;
  const outSide = Math.ceil(side / step);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = region.x + side / 2;
  const cy = region.y + side / 2;
  // Every sample lies within side/2·(|cos| + |sin|) of the centre; one more cell each way for the
  // bilinear neighbours. The square around it is averaged once, so each photo pixel is read once.
  const cells = Math.ceil((side / 2) * (Math.abs(cos) + Math.abs(sin)) / step) + 2;
  const around = { x: Math.floor(cx) - cells * step, y: Math.floor(cy) - cells * step, width: 2 * cells * step, height: 2 * cells * step };
  const src = boxGraySquare(image, around, step);
  const stride = 2 * cells;
  const out = new Uint8Array(outSide * outSide);
  // Output pixel centres are (i + 0.5)·pitch from the region's corner (pitch = side / outSide photo
  // pixels); a photo point u (relative to `around`) is at u / step − 0.5 in `src`'s cells.
  const pitch = side / outSide;
  const h = pitch / 2 - side / 2;
  const ox = (cx - around.x + cos * h - sin * h) / step - 0.5;
  const oy = (cy - around.y + sin * h + cos * h) / step - 0.5;
  const [ux, uy] = [(cos * pitch) / step, (sin * pitch) / step];
  for (let y = 0; y < outSide; y++) {
    let sx = ox - uy * y;
    let sy = oy + ux * y;
    const d = y * outSide;
    for (let x = 0; x < outSide; x++, sx += ux, sy += uy) {
      const x0 = sx | 0; // sx, sy ≥ 0 here: truncation is the floor
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * stride + x0;
      const top = src[i]! + (src[i + 1]! - src[i]!) * fx;
      const bottom = src[i + stride]! + (src[i + stride + 1]! - src[i + stride]!) * fx;
      out[d + x] = Math.round(top + (bottom - top) * fy);
    }
  }
  return out;
}

/**
 * The gray bytes (BT.601 luma) of a square region averaged over `step` × `step` blocks: `width / step`
 * cells a side (`width` a multiple of `step`), coordinates clamped so that edge pixels repeat.
 */
export function boxGraySquare(image: RgbImage, region: Box, step: number): Uint8Array {
  const n = region.width / step;
  const out = new Uint8Array(n * n);
  const sums = new Uint32Array(n);
  const columns = new Int32Array(region.width);
  for (let x = 0; x < region.width; x++) columns[x] = Math.min(image.width - 1, Math.max(0, region.x + x)) * 3;
  const { data } = image;
  const divisor = step * step;
  for (let cy = 0; cy < n; cy++) {
    sums.fill(0);
    for (let dy = 0; dy < step; dy++) {
      const row = Math.min(image.height - 1, Math.max(0, region.y + cy * step + dy)) * image.width * 3;
      for (let x = 0; x < region.width; x++) {
        sums[(x / step) | 0] += luma601(data, row + columns[x]!);
      }
    }
    for (let c = 0; c < n; c++) out[cy * n + c] = Math.round(sums[c]! / divisor);
  }
  return out;
}
