// The pixel types every platform shares (no decoder here): decoded images and the Photo a detector
// searches. Node makes Photos with sharp (image.ts), the browser with a canvas (src/browser/frame.ts);
// the detection, crop and classification code after that is the same for both.

/** Decoded pixels, row-major, `channels` bytes per pixel (1 gray, 3 RGB, 4 RGBA). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** An upright 8-bit RGB image. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A photo whose header has been read; its pixels are decoded when asked for. */
export interface Photo {
  /** the input's name in errors and results */
  name: string;
  /** upright width and height of the original */
  width: number;
  height: number;
  /** Upright RGB, maybe reduced in size. Decoded once; rejects with BAD_IMAGE for a damaged file. */
  pixels(): Promise<RgbImage>;
  /**
   * The whole photo scaled to fit inside a `side`×`side` square (aspect kept; its longer side is
   * `side`): a detector's input. Rejects with BAD_IMAGE for a damaged file.
   */
  thumbnail(side: number): Promise<RgbImage>;
}

/** A rectangle of whole pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The platform's resizer: the `region` of `image` scaled to `width`×`height` (antialiased). sharp in
 * Node, a canvas in the browser.
 */
export type ResizeRgb = (image: RgbImage, region: Region, width: number, height: number) => Promise<RgbImage>;

/** The platform's resizer for gray squares: `side`×`side` bytes to `size`×`size` (antialiased). */
export type ResizeGray = (gray: Uint8Array, side: number, size: number) => Promise<Uint8Array>;

/** The `width`×`height` size that fits inside a `side`×`side` square, aspect kept, longer side `side`. */
export function fitInside(width: number, height: number, side: number): { width: number; height: number } {
  const scale = side / Math.max(width, height);
  return { width: Math.max(1, Math.min(side, Math.round(width * scale))), height: Math.max(1, Math.min(side, Math.round(height * scale))) };
}

/** Whether this machine stores numbers little-endian (every browser's and Node's platform in practice). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * BT.601 luma (0.299 R + 0.587 G + 0.114 B, what OpenCV's and Pillow's gray conversions use) of the
 * RGB pixel at byte `s` of `data`, in 16-bit fixed point, rounded: the one gray conversion of face crops.
 */
export function luma601(data: Uint8Array, s: number): number {
  return (19595 * data[s]! + 38470 * data[s + 1]! + 7471 * data[s + 2]! + 32768) >> 16;
}

/** RGB bytes of RGBA pixels (alpha dropped: canvas pixels of a photo or a video frame are opaque). */
export function rgbaToRgb(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): RgbImage {
  const n = width * height;
  const data = new Uint8Array(n * 3);
  if (LITTLE_ENDIAN && rgba.byteOffset % 4 === 0) {
    // a pixel per 32-bit read: several times faster than byte by byte on a 640×480 frame
    const pixels = new Uint32Array(rgba.buffer, rgba.byteOffset, n);
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      const p = pixels[i]!;
      data[j] = p;
      data[j + 1] = p >> 8;
      data[j + 2] = p >> 16;
    }
    return { data, width, height };
  }
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const s = i * 4;
    data[j] = rgba[s]!;
    data[j + 1] = rgba[s + 1]!;
    data[j + 2] = rgba[s + 2]!;
  }
  return { data, width, height };
}
