// One image file's bytes → one 48×48 grayscale face. FER2013's own files (48×48 gray baseline JPEGs)
// take a pure-JS decoder that is five times faster than a sharp pipeline for such tiny images
// (bench/load-data.ts); anything else — other sizes, colour, PNG, EXIF rotation — goes through sharp.
import jpeg from 'jpeg-js';
import sharp from 'sharp';
import { FACE_SIZE } from '../types.js';
import { FACE_BYTES } from './dataset.js';

/** Which decoder to use: `auto` picks jpeg-js for FER-style JPEGs and sharp for the rest. */
export type FaceDecoder = 'auto' | 'sharp';

/**
 * Decodes an image into `out` (2,304 bytes): grayscale, 48×48, the largest centred square when the
 * image is not square (a stretched face would look like no face in FER2013), transparency on white.
 * Throws a plain Error saying why the bytes are not a readable image; the caller names the file.
 */
export async function decodeFace(data: Uint8Array, out: Uint8Array, decoder: FaceDecoder = 'auto'): Promise<void> {
  if (decoder === 'auto' && isFerJpeg(data)) {
    try {
      const decoded = jpeg.decode(data, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false });
      // jpeg-js returns 3 equal channels for a 1-channel JPEG; keep one.
      for (let i = 0; i < FACE_BYTES; i++) out[i] = decoded.data[i * 3];
      return;
    } catch {
      // a damaged file: let sharp decide, and word the error
    }
  }
  const { data: raw, info } = await sharp(data)
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .resize(FACE_SIZE, FACE_SIZE, { fit: 'cover', position: 'centre' })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  for (let i = 0; i < FACE_BYTES; i++) out[i] = raw[i * channels];
}

/**
 * True for a baseline or progressive 8-bit JPEG of exactly 48×48 with one channel and no EXIF block
 * (which could rotate it): the shape of every FER2013 file. Reads only the header markers.
 */
export function isFerJpeg(data: Uint8Array): boolean {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return false;
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) return false;
    const marker = data[at + 1];
    const length = (data[at + 2] << 8) | data[at + 3];
    if (marker === 0xe1 && data[at + 4] === 0x45 && data[at + 5] === 0x78) return false; // APP1 "Ex"if
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      // SOF0/1/2 (Huffman baseline, extended, progressive): precision, height, width, components
      const precision = data[at + 4];
      const height = (data[at + 5] << 8) | data[at + 6];
      const width = (data[at + 7] << 8) | data[at + 8];
      const components = data[at + 9];
      return precision === 8 && width === FACE_SIZE && height === FACE_SIZE && components === 1;
    }
    if (marker === 0xda) return false; // start of scan without a frame header: not a JPEG we know
    at += 2 + length;
  }
  return false;
}
