// A found face → the classifier's input pixels, prepared the way the training faces were: a square
// around the face, resized with sharp (lanczos3, as src/data/decode-face.ts does for image folders)
// and converted with sharp's greyscale, as FER2013-style 48×48 gray faces are made.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { Box } from '../types.js';
import { fromPixels } from './image.js';
import type { RgbImage } from './image.js';

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
 * The `size`×`size` gray bytes of the face in `box`. Parts of the square outside the photo repeat its
 * edge pixels (a black band would be a feature the classifier never saw in training).
 */
export async function cropFace(image: RgbImage, box: Box, size: number, margin = DEFAULT_FACE_MARGIN): Promise<Uint8Array> {
  const region = cropRegion(box, margin);
  const side = region.width;
  const inside = region.x >= 0 && region.y >= 0 && region.x + side <= image.width && region.y + side <= image.height;
  let input: Sharp;
  if (inside) {
    input = fromPixels(image)
      .extract({ left: region.x, top: region.y, width: side, height: side });
  } else {
    input = sharp(squareWithEdges(image, region), { raw: { width: side, height: side, channels: 3 } });
  }
  const { data, info } = await input.resize(size, size, { fit: 'fill' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const gray = new Uint8Array(size * size);
  for (let i = 0; i < gray.length; i++) gray[i] = data[i * info.channels]!;
  return gray;
}

/** Copies a square region out of the image, clamping coordinates so edge pixels repeat outside it. */
function squareWithEdges(image: RgbImage, region: Box): Uint8Array {
  const side = region.width;
  const out = new Uint8Array(side * side * 3);
  const clampX = (x: number) => Math.min(image.width - 1, Math.max(0, x));
  for (let y = 0; y < side; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, region.y + y));
    const row = sy * image.width;
    const x0 = clampX(region.x);
    const x1 = clampX(region.x + side - 1);
    for (let x = 0; x < side; x++) {
      const sx = region.x + x < 0 ? x0 : region.x + x >= image.width ? x1 : region.x + x;
      const s = (row + sx) * 3;
      const d = (y * side + x) * 3;
      out[d] = image.data[s]!;
      out[d + 1] = image.data[s + 1]!;
      out[d + 2] = image.data[s + 2]!;
    }
  }
  return out;
}
