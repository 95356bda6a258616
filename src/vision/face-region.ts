// A found face → the classifier's input pixels, prepared the way the training faces were: a square
// around the face, converted to gray with the BT.601 luma weights (what OpenCV's and Pillow's gray
// conversions use), then resized to the model's side (48). The square is cut out and grayed here, in
// one pass over its pixels, so that the platform's resizer (sharp in Node, a canvas in the browser)
// only sees a small one-channel image. Pure: no decoder, no Node module.
import type { Box } from '../types.js';
import type { ResizeGray, RgbImage } from './pixels.js';

/**
 * Margin added on each side of the detector's box, as a fraction of its side. FER2013 faces run from
 * the forehead to just below the chin, cheek to cheek; BlazeFace's box is a little tighter than that.
 */
export const DEFAULT_FACE_MARGIN = 0.1;

/** The square region cropped for a face box: centred on it, `1 + 2 × margin` times its longer side. */
export function cropRegion(box: Box, margin: number): Box {
  const side = Math.max(1, Math.round(Math.max(box.width, box.height) * (1 + 2 * margin)));
  const x = Math.round(box.x + box.width / 2 - side / 2);
  const y = Math.round(box.y + box.height / 2 - side / 2);
  return { x, y, width: side, height: side };
}

/**
 * The `size`×`size` gray bytes of the face in `box`, resized by `resize`. Parts of the square outside
 * the photo repeat its edge pixels (a black band would be a feature the classifier never saw in training).
 * With `angle` (radians, `eyeAngle`'s) the square is turned about its centre by that angle first, so
 * that a tilted face comes out upright.
 */
export async function cropFaceWith(resize: ResizeGray, image: RgbImage, box: Box, size: number, margin = DEFAULT_FACE_MARGIN, angle = 0): Promise<Uint8Array> {
  const region = cropRegion(box, margin);
  const gray = Math.abs(angle) < MIN_TURN ? graySquare(image, region) : turnedGraySquare(image, region, angle);
  return region.width === size ? gray : resize(gray, region.width, size);
}

/** Below this turn (radians, about 0.6°) a crop is cut straight: turning would only resample it. */
const MIN_TURN = 0.01;

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

/**
 * The gray bytes of a square region turned by `angle` about its centre: output pixel (x, y) samples the
 * photo at centre + R(angle)·((x, y) − centre), bilinearly. The square that holds every sampled point is
 * grayed first (`graySquare`, edges repeated), so each photo pixel is converted once.
 */
export function turnedGraySquare(image: RgbImage, region: Box, angle: number): Uint8Array {
  const side = region.width;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = region.x + side / 2;
  const cy = region.y + side / 2;
  // every sample lies within side/2·(|cos| + |sin|) of the centre; 2 more pixels for the bilinear neighbours
  const reach = Math.ceil((side / 2) * (Math.abs(cos) + Math.abs(sin))) + 2;
  const around = { x: Math.floor(cx) - reach, y: Math.floor(cy) - reach, width: 2 * reach + 2, height: 2 * reach + 2 };
  const src = graySquare(image, around);
  const stride = around.width;
  const out = new Uint8Array(side * side);
  // pixel centres are at integer + 0.5: output (x, y) ↦ source (ox + x·cos − y·sin, oy + x·sin + y·cos) in `src`
  const h = 0.5 - side / 2;
  const ox = cx - around.x - 0.5 + cos * h - sin * h;
  const oy = cy - around.y - 0.5 + sin * h + cos * h;
  for (let y = 0; y < side; y++) {
    let sx = ox - sin * y;
    let sy = oy + cos * y;
    const d = y * side;
    for (let x = 0; x < side; x++, sx += cos, sy += sin) {
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

/** The gray bytes of a square region, coordinates clamped so that edge pixels repeat outside the image. */
export function graySquare(image: RgbImage, region: Box): Uint8Array {
  const side = region.width;
  const out = new Uint8Array(side * side);
  const columns = new Int32Array(side);
  for (let x = 0; x < side; x++) columns[x] = Math.min(image.width - 1, Math.max(0, region.x + x)) * 3;
  const { data } = image;
  for (let y = 0; y < side; y++) {
    const row = Math.min(image.height - 1, Math.max(0, region.y + y)) * image.width * 3;
    const d = y * side;
    for (let x = 0; x < side; x++) {
      const s = row + columns[x]!;
      // BT.601 luma in 16-bit fixed point (0.299, 0.587, 0.114), rounded
      out[d + x] = (19595 * data[s]! + 38470 * data[s + 1]! + 7471 * data[s + 2]! + 32768) >> 16;
    }
  }
  return out;
}
