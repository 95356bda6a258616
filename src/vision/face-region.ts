// A found face → the classifier's input pixels, prepared the way the training faces were: a square
// around the face, converted to gray with the BT.601 luma weights (what OpenCV's and Pillow's gray
// conversions use), then resized to the model's side (48). The square is cut out and grayed here, in
// one pass over its pixels, so that the platform's resizer (sharp in Node, a canvas in the browser)
// only sees a small one-channel image. Pure: no decoder, no Node module.
import type { Box } from '../types.js';
import { luma601 } from './pixels.js';
import type { ResizeGray, RgbImage } from './pixels.js';
import { MIN_TURN, turnStep, turnedGraySquare } from './face-turn.js';

export { eyeAngle } from './face-turn.js';

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
  if (Math.abs(angle) < MIN_TURN) {
    const gray = graySquare(image, region);
    return region.width === size ? gray : resize(gray, region.width, size);
  }
  const step = turnStep(region.width, size);
  const side = Math.ceil(region.width / step); // turnedGraySquare's side
  const turned = turnedGraySquare(image, region, angle, step);
  return side === size ? turned : resize(turned, side, size);
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
      out[d + x] = luma601(data, s);
    }
  }
  return out;
}
