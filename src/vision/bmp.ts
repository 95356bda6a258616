// A small BMP decoder: sharp's libvips has no BMP loader, and BMP is simple enough to read here.
// Covers what cameras, scanners and Windows tools write: 1/4/8-bit palettes, 16/24/32-bit pixels,
// BI_RGB and BI_BITFIELDS, bottom-up and top-down rows. RLE-compressed files are refused.
import type { RawImage } from './image.js';

/** True when the bytes start like a BMP file ("BM"). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Decodes a BMP file into RGB pixels; throws a plain Error saying what is wrong (the caller names the file). */
export function decodeBmp(bytes: Uint8Array, maxPixels: number): RawImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26) throw new Error('truncated BMP header');
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (14 + headerSize > bytes.length) throw new Error('truncated BMP header');
  let width: number;
  let rawHeight: number;
  let bits: number;
  let compression = 0;
  let paletteSize = 0;
  if (headerSize === 12) {
    // OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bits = view.getUint16(24, true);
  } else if (headerSize >= 40) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bits = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    paletteSize = view.getUint32(46, true);
  } else {
    throw new Error(`unknown BMP header size ${headerSize}`);
  }
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width < 1 || height < 1) throw new Error(`BMP of ${width}×${height} pixels has no pixels`);
  if (width * height > maxPixels) {
    throw new Error(`image of ${width}×${height} pixels is larger than the limit of ${maxPixels} pixels (a decompression bomb?)`);
  }
  if (compression !== 0 && compression !== 3 && compression !== 6) {
    throw new Error(`compressed BMP (compression ${compression}) is not supported: expected uncompressed or bit-field pixels`);
  }

  // Channel masks: given after a 40-byte header for BI_BITFIELDS, inside V4/V5 headers, else defaults.
  let masks: [number, number, number] = bits === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  if (compression === 3 || compression === 6) {
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  }

  const palette: number[][] = [];
  if (bits <= 8) {
    const entry = headerSize === 12 ? 3 : 4;
    const count = paletteSize || 1 << bits;
    const start = 14 + headerSize;
    if (start + count * entry > bytes.length) throw new Error('truncated BMP palette');
    for (let i = 0; i < count; i++) {
      const at = start + i * entry;
      palette.push([bytes[at + 2]!, bytes[at + 1]!, bytes[at]!]);
    }
  } else if (bits !== 16 && bits !== 24 && bits !== 32) {
    throw new Error(`BMP with ${bits} bits per pixel is not supported`);
  }

  const rowSize = Math.ceil((width * bits) / 32) * 4;
  if (dataOffset + rowSize * height > bytes.length) {
    throw new Error(`truncated BMP: expected ${rowSize * height} bytes of pixels but the file ends after ${Math.max(0, bytes.length - dataOffset)}`);
  }
  const out = new Uint8Array(width * height * 3);
  const channel = masks.map(maskReader);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * rowSize;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (bits <= 8) {
        const perByte = 8 / bits;
        const byte = bytes[row + Math.floor(x / perByte)]!;
        const shift = 8 - bits * ((x % perByte) + 1);
        const rgb = palette[(byte >> shift) & ((1 << bits) - 1)] ?? [0, 0, 0];
        out[o] = rgb[0]!;
        out[o + 1] = rgb[1]!;
        out[o + 2] = rgb[2]!;
      } else if (bits === 24) {
        out[o] = bytes[row + x * 3 + 2]!;
        out[o + 1] = bytes[row + x * 3 + 1]!;
        out[o + 2] = bytes[row + x * 3]!;
      } else {
        const value = bits === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        out[o] = channel[0]!(value);
        out[o + 1] = channel[1]!(value);
        out[o + 2] = channel[2]!(value);
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}

/** A function extracting one channel under `mask` from a pixel value, scaled to 0..255. */
function maskReader(mask: number): (value: number) => number {
  if (mask === 0) return () => 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return (value) => Math.round((((value & mask) >>> shift) * 255) / max);
}
