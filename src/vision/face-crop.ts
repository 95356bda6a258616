// Face crops in Node: face-region.ts's square and gray conversion, resized with sharp (lanczos3, as
// src/data/decode-face.ts does for image folders) to the model's side. The browser resizes with a
// canvas instead (src/browser/frame.ts); everything else is face-region.ts, shared.
import sharp from 'sharp';
import type { Box } from '../types.js';
import type { RgbImage } from './pixels.js';
import { cropFaceWith, DEFAULT_FACE_MARGIN } from './face-region.js';

export { DEFAULT_FACE_MARGIN, cropRegion, eyeAngle, graySquare } from './face-region.js';

/** sharp's resize of a `side`×`side` gray square to `size`×`size`. */
export async function sharpResizeGray(gray: Uint8Array, side: number, size: number): Promise<Uint8Array> {
  const { data } = await sharp(gray, { raw: { width: side, height: side, channels: 1 } })
    .resize(size, size, { fit: 'fill' })
    .toColourspace('b-w') // one channel out, as in (sharp would otherwise write the gray as sRGB)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * The `size`×`size` gray bytes of the face in `box`. Parts of the square outside the photo repeat its
 * edge pixels (a black band would be a feature the classifier never saw in training).
 */
export function cropFace(image: RgbImage, box: Box, size: number, margin = DEFAULT_FACE_MARGIN, angle = 0): Promise<Uint8Array> {
  return cropFaceWith(sharpResizeGray, image, box, size, margin, angle);
}
