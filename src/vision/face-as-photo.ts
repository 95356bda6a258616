// A face image (a FER2013 face, 48-px gray) seen the way `emoscope predict` sees a face in a photo:
// scaled up to a photo of just that face and searched by the detector. The out-of-domain bench
// (bench/ood.ts) measures the classifier on these crops and scripts/detector-crops.ts trains on them.
import sharp from 'sharp';
import type { Detection, FaceDetector } from './detector.js';
import { openPhoto } from './image.js';
import type { Photo } from './pixels.js';

/** The side of the photo a face image is scaled to: BlazeFace's own input size times two. */
export const FACE_PHOTO_SIDE = 256;

export interface FaceAsPhoto {
  photo: Photo;
  /** the detector's most confident face, if it found one */
  best?: Detection;
}

/** The `size`×`size` gray `face` scaled (lanczos3) to a `side`×`side` photo, and the detector's best face in it. */
export async function detectFaceAsPhoto(detector: FaceDetector, face: Uint8Array, size: number, minScore: number, side = FACE_PHOTO_SIDE): Promise<FaceAsPhoto> {
  const big = await sharp(face, { raw: { width: size, height: size, channels: 1 } }).resize(side, side, { kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  const photo = await openPhoto({ data: new Uint8Array(big.data), width: side, height: side, channels: big.info.channels as 1 | 3 });
  const best = (await detector.detect(photo, { minScore })).sort((a, b) => b.score - a.score)[0];
  return best ? { photo, best } : { photo };
}
