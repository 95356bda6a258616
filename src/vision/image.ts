// Photos in, upright RGB pixels out: decodes JPEG, PNG, WebP, GIF, TIFF (sharp) and BMP (bmp.ts),
// applies the EXIF orientation and refuses decompression bombs. `openPhoto` reads only the header
// and hands out two views decoded on demand: the full pixels (for face crops) and a thumbnail (for
// the detector), which sharp decodes from the file at reduced scale (JPEG shrink-on-load), so that
// a detector can start before the full photo is decoded.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { EmoscopeError, describeValue } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { readRegularFile } from '../util/folder-files.js';
import { videoContainerOf } from '../util/media-signature.js';
import { decodeBmp, isBmp } from './bmp.js';
import { fitInside } from './pixels.js';
import type { Photo, RawImage, Region, RgbImage } from './pixels.js';

export type { RawImage, RgbImage, Photo } from './pixels.js';

/** What `recognize` and `decodeImage` take: a file path, the bytes of an image file, or decoded pixels. */
export type ImageInput = string | Uint8Array | RawImage;

/** Photo files larger than this many bytes are refused before reading (a 100-megapixel TIFF takes 300 MB). */
export const MAX_FILE_BYTES = 1024 ** 3;

/** Photos larger than this many pixels are refused: a decompression bomb would exhaust memory. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface DecodeOptions {
  /** refuse images with more pixels than this (before any resizing) */
  maxPixels?: number;
  /** decode to at most this many pixels on the longer side (never enlarges); default: full size */
  maxSide?: number;
  /** the name errors give the input; default: the path, or `<buffer>` */
  name?: string;
}

const DECODE_OPTION_KEYS = optionKeys<DecodeOptions>({ maxPixels: true, maxSide: true, name: true });

/** A decoded photo: the pixels (maybe reduced to `maxSide`) and the size of the original upright photo. */
export interface DecodedPhoto {
  image: RgbImage;
  /** upright width and height of the original, before `maxSide` */
  width: number;
  height: number;
}

/**
 * Decodes `input` into upright RGB. Throws EmoscopeError NOT_FOUND for a missing file and
 * BAD_IMAGE (naming the input) for anything that is not a complete, readable image within the limit.
 * @example
 *   const { image, width, height } = await decodeImage('photo.jpg', { maxSide: 2048 });
 *   // width 4352, height 2903, image.width 2048, image.height 1366
 */
export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  checkOptionKeys(options, DECODE_OPTION_KEYS, 'decodeImage');
  const photo = await openPhoto(input, options);
  return { image: await photo.pixels(), width: photo.width, height: photo.height };
}

/**
 * Reads the input's header (type, size, orientation) and checks it; the pixels are decoded later,
 * by `pixels()` and `thumbnail()`. Throws like `decodeImage` for what the header already shows.
 */
export async function openPhoto(input: ImageInput, options: DecodeOptions = {}): Promise<Photo> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const name = options.name ?? inputName(input);
  if (typeof input === 'string') {
    // Only regular files, and not beyond a cap: /dev/zero or a FIFO would be read forever.
    const bytes = await readRegularFile(input, name, { code: 'BAD_IMAGE', maxBytes: MAX_FILE_BYTES, tooLargeCode: 'IMAGE_TOO_LARGE' });
    return openBytes(bytes, name, maxPixels, options.maxSide);
  }
  if (input instanceof Uint8Array) return openBytes(input, name, maxPixels, options.maxSide);
  if (typeof input === 'object' && input !== null && 'data' in input) return openRaw(checkRawImage(input, name), name, maxPixels, options.maxSide);
  throw new EmoscopeError('BAD_ARGUMENT', `Expected a file path, a Buffer or {data, width, height, channels} for ${name} but received ${describeValue(input)}`);
}

/** The name a result or an error gives an input that is not a path. */
export function inputName(input: ImageInput, index?: number): string {
  const suffix = index === undefined ? '' : ` ${index}`;
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return `<buffer${suffix}>`;
  return `<pixels${suffix}>`;
}

/**
 * Decoded pixels checked field by field: `width` and `height` positive whole numbers, `channels` 1, 3
 * or 4, `data` a Uint8Array or Uint8ClampedArray of width × height × channels bytes. Every bad field
 * is named with what was expected and what was received (a large value described, never dumped); the
 * length is compared only once the three numbers are right. BAD_IMAGE, as for any photo that cannot be read.
 * @example checkRawImage({ data: new Uint8Array(5), width: 4, height: 3, channels: 4 }, '<pixels>')
 *   // throws "<pixels>: expected width × height × channels = 4 × 3 × 4 = 48 bytes of data but received 5 bytes"
 */
export function checkRawImage(value: object, name: string): RawImage {
  const { data, width, height, channels } = value as Record<string, unknown>;
  const problems: string[] = [];
  const bytes = data instanceof Uint8Array || data instanceof Uint8ClampedArray ? data : undefined;
  if (bytes === undefined) problems.push(`expected a Uint8Array or Uint8ClampedArray for data but received ${describeValue(data)}`);
  const side = (field: string, v: unknown): v is number => {
    const ok = typeof v === 'number' && Number.isInteger(v) && v > 0;
    if (!ok) problems.push(`expected a positive whole number for ${field} but received ${describeValue(v)}`);
    return ok;
  };
  const goodWidth = side('width', width);
  const goodHeight = side('height', height);
  const goodChannels = channels === 1 || channels === 3 || channels === 4;
  if (!goodChannels) problems.push(`expected 1 (gray), 3 (RGB) or 4 (RGBA) for channels but received ${describeValue(channels)}`);
  if (bytes !== undefined && goodWidth && goodHeight && goodChannels) {
    const expected = BigInt(width) * BigInt(height) * BigInt(channels); // exact, even beyond 2^53
    if (BigInt(bytes.length) !== expected) {
      problems.push(`expected width × height × channels = ${width} × ${height} × ${channels} = ${expected} bytes of data but received ${bytes.length} bytes`);
    }
  }
  if (problems.length > 0) throw new EmoscopeError('BAD_IMAGE', `${name}: ${problems.join('; ')}`);
  return { data: bytes!, width: width as number, height: height as number, channels: channels as 1 | 3 | 4 };
}

/**
 * The formats sharp may decode for us: photos. Not SVG or PDF (drawings that libvips renders, and
 * whose links to other files it may follow: nothing is read outside what the user named), nor
 * libvips's own or scientific formats. `heif` is AVIF (Debian's libvips has no HEIC decoder).
 */
const PHOTO_FORMATS: ReadonlySet<string | undefined> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);

async function openBytes(bytes: Uint8Array, name: string, maxPixels: number, maxSide?: number): Promise<Photo> {
  if (bytes.length === 0) throw new EmoscopeError('BAD_IMAGE', `${name}: empty file, expected an image`);
  if (isBmp(bytes)) {
    let raw: RawImage;
    try {
      raw = decodeBmp(bytes, maxPixels);
    } catch (error) {
      throw new EmoscopeError('BAD_IMAGE', `${name}: ${(error as Error).message}`);
    }
    return openRaw(raw, name, maxPixels, maxSide);
  }
  // failOn 'warning' turns libvips' "premature end of file" into an error: a truncated photo would
  // otherwise decode with a grey band, and faces found in it would be wrong.
  const open = () => sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' }).autoOrient();
  let width: number;
  let height: number;
  try {
    const meta = await open().metadata();
    if (!PHOTO_FORMATS.has(meta.format)) {
      throw new EmoscopeError('UNSUPPORTED_IMAGE', `${name}: ${meta.format === undefined ? 'not an image' : `${meta.format.toUpperCase()} is not a photo format`} (expected JPEG, PNG, WebP, GIF, TIFF or BMP)`);
    }
    const sideways = (meta.orientation ?? 1) >= 5;
    width = (sideways ? meta.height : meta.width) ?? 0;
    height = (sideways ? meta.width : meta.height) ?? 0;
  } catch (error) {
    const video = videoContainerOf(bytes.subarray(0, 16));
    if (video !== undefined) throw new EmoscopeError('UNSUPPORTED_IMAGE', `${name}: a video (${video}), not a photo (expected JPEG, PNG, WebP, GIF, TIFF or BMP); videos go to "emoscope video" or recognizer.recognizeVideo(path)`);
    throw imageError(name, error, maxPixels);
  }
  if (width * height > maxPixels) throw tooLarge(name, width, height, maxPixels);
  return photoFrom(name, width, height, open, maxPixels, maxSide);
}

async function openRaw(raw: RawImage, name: string, maxPixels: number, maxSide?: number): Promise<Photo> {
  const { width, height, channels } = checkRawImage(raw, name); // also a BMP's, decoded here
  if (width * height > maxPixels) throw tooLarge(name, width, height, maxPixels);
  const open = () => sharp(raw.data, { raw: { width, height, channels }, limitInputPixels: maxPixels });
  const ready = channels === 3 && (maxSide === undefined || Math.max(width, height) <= maxSide)
    ? { data: new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length), width, height } // already what is asked for: no copy
    : undefined;
  return photoFrom(name, width, height, open, maxPixels, maxSide, ready);
}

/** A Photo whose views are sharp pipelines from `open()`; the full decode is memoized (or `ready` given). */
function photoFrom(name: string, width: number, height: number, open: () => Sharp, maxPixels: number, maxSide?: number, ready?: RgbImage): Photo {
  let full: Promise<RgbImage> | undefined = ready && Promise.resolve(ready);
  const pixels = (): Promise<RgbImage> => {
    full ??= toRgb(open(), width, height, maxSide).catch((error: unknown) => {
      throw imageError(name, error, maxPixels);
    });
    return full;
  };
  return {
    name,
    width,
    height,
    pixels,
    async thumbnail(side) {
      const { width: w, height: h } = fitInside(width, height, side);
      try {
        // A small photo is decoded once: the thumbnail is made from the full pixels, which the faces'
        // crops need anyway. A large one is decoded again at a fraction of its size (JPEG shrink-on-load).
        const source = Math.max(width, height) <= SINGLE_DECODE_MAX_SIDE ? fromPixels(await pixels()) : rgb(open());
        const { data } = await source.resize(w, h, { fit: 'fill' }).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
        return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: w, height: h };
      } catch (error) {
        throw imageError(name, error, maxPixels);
      }
    },
  };
}

/**
 * Photos up to this side are decoded once, for the detector's thumbnail and the faces' crops alike;
 * larger ones get a second, reduced decode for the thumbnail, faster than resizing the full pixels
 * (1.27× end to end at 1,920 px). A browser cannot decode at reduced scale, so on larger JPEGs its
 * boxes and scores differ slightly from Node's (up to 6 px and 0.054 on 41 faces; README, "In the browser").
 */
export const SINGLE_DECODE_MAX_SIDE = 1024;

/** A sharp pipeline over decoded RGB pixels (no copy). */
export function fromPixels(image: RgbImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/** Transparency flattened on white (as the training faces were), 8-bit sRGB. */
function rgb(pipeline: Sharp): Sharp {
  return pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb');
}

async function toRgb(pipeline: Sharp, width: number, height: number, maxSide?: number): Promise<RgbImage> {
  let p = rgb(pipeline);
  if (maxSide !== undefined && Math.max(width, height) > maxSide) {
    p = p.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
  }
  const { data, info } = await p.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion but received ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

function imageError(name: string, error: unknown, maxPixels: number): EmoscopeError {
  if (error instanceof EmoscopeError) return error;
  const message = (error as Error).message ?? String(error);
  if (/pixel limit/i.test(message)) {
    return new EmoscopeError('IMAGE_TOO_LARGE', `${name}: image larger than the limit of ${maxPixels} pixels (a decompression bomb?)`, { cause: error });
  }
  if (/unsupported image format/i.test(message)) {
    return new EmoscopeError('UNSUPPORTED_IMAGE', `${name}: not an image (expected JPEG, PNG, WebP, GIF, TIFF or BMP)`, { cause: error });
  }
  return new EmoscopeError('BAD_IMAGE', `${name}: damaged or truncated image (${message.trim().split('\n')[0]})`, { cause: error });
}

function tooLarge(name: string, width: number, height: number, maxPixels: number): EmoscopeError {
  return new EmoscopeError('IMAGE_TOO_LARGE', `${name}: image larger than the limit of ${maxPixels} pixels (${width}×${height}: a decompression bomb?)`);
}

/** sharp's resize of a region of decoded pixels (libvips, antialiased): Node's ResizeRgb. */
export async function sharpResizeRgb(image: RgbImage, region: Region, width: number, height: number): Promise<RgbImage> {
  const { data } = await fromPixels(image).extract(region).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
}
