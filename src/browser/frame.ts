// The browser's side of the pipeline: what Node decodes with sharp, drawn with a canvas. An image,
// canvas, bitmap or ImageData becomes a Photo (vision/pixels.ts) by drawing it once onto a canvas,
// whose pixels are read back; its thumbnail and face crops are resized by vision/resample.ts, sharp's
// algorithm in TypeScript, not by drawImage: its filter moves a face's scores by up to 0.06 away from
// what `emoscope predict` says. A playing video is the webcam loop's hot path: its current frame is
// taken once as a VideoFrame (WebCodecs) and copied out as RGBA (byte-identical to drawing it on a
// canvas and reading it back: ~1–2 ms for a new 640×480 frame against ~10 ms, getImageData being the
// slow part); the detector's thumbnail is scaled by the browser from that copy (put on a canvas,
// drawn smaller: ~1 ms instead of ~16 ms for the port; drawing a fresh video frame on a canvas costs
// ~12 ms here); face crops stay sharp's. Where VideoFrame cannot copy to RGBA, a video takes the
// canvas path. Canvases and buffers are reused between frames.
import { EmoscopeError } from '../errors.js';
import { fitInside, rgbaToRgb } from '../vision/pixels.js';
import { resizeBytes } from '../vision/resample.js';
import type { Photo, Region, ResizeGray, ResizeRgb, RgbImage } from '../vision/pixels.js';

/** What the browser recognizer takes. */
export type FrameSource = HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap | ImageData;

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
type Drawable = HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap;

/** Named canvases, made once and resized as needed: no garbage per frame. */
export class Surfaces {
  private readonly contexts = new Map<string, Context2D>();

  /** The 2D context of canvas `name`, `width`×`height` (cleared when resized), smoothing at its best. */
  get(name: string, width: number, height: number): Context2D {
    let ctx = this.contexts.get(name);
    if (!ctx) {
      const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
      // CPU-backed: every canvas here is read back with getImageData
      ctx = canvas.getContext('2d', { willReadFrequently: true }) as Context2D | null ?? undefined;
      if (!ctx) throw new EmoscopeError('UNAVAILABLE', 'This browser cannot draw on a 2D canvas, which the recognizer needs');
      this.contexts.set(name, ctx);
    }
    if (ctx.canvas.width !== width || ctx.canvas.height !== height) {
      ctx.canvas.width = width;
      ctx.canvas.height = height;
    }
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    return ctx;
  }
}

/** The upright size of a source (0×0 for a video without a frame yet or an image not loaded). */
export function sourceSize(source: FrameSource): { width: number; height: number } {
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) {
    return source.readyState >= 2 ? { width: source.videoWidth, height: source.videoHeight } : { width: 0, height: 0 };
  }
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) {
    return source.complete ? { width: source.naturalWidth, height: source.naturalHeight } : { width: 0, height: 0 };
  }
  return { width: source.width, height: source.height };
}

/** The name a result gives a source: an image's file name, else `<video>`, `<canvas>`, `<bitmap>` or `<pixels>`. */
export function sourceName(source: FrameSource): string {
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) {
    const path = source.currentSrc || source.src;
    const last = path.startsWith('blob:') || path.startsWith('data:') ? '' : decodeURIComponent(new URL(path, location.href).pathname.split('/').pop() ?? '');
    return last || '<image>';
  }
  if (typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement) return '<video>';
  if (source instanceof ImageData) return '<pixels>';
  if (typeof ImageBitmap !== 'undefined' && source instanceof ImageBitmap) return '<bitmap>';
  return '<canvas>';
}

function isFrameSource(value: unknown): value is FrameSource {
  const is = (type: string) => typeof (globalThis as Record<string, unknown>)[type] === 'function' && value instanceof ((globalThis as Record<string, unknown>)[type] as new () => unknown);
  return ['HTMLVideoElement', 'HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas', 'ImageBitmap', 'ImageData'].some(is);
}

/**
 * The source as a Photo: drawn now onto the `frame` canvas (at most `maxSide` on its longer side),
 * pixels and thumbnails read from that copy. Valid until the next call with the same `surfaces`.
 */
export function framePhoto(source: FrameSource, surfaces: Surfaces, name: string, maxSide: number): Photo {
  if (!isFrameSource(source)) {
    throw new EmoscopeError('BAD_ARGUMENT', `Expected an HTMLVideoElement, HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap or ImageData for ${name} but received ${Object.prototype.toString.call(source)}`);
  }
  const { width, height } = sourceSize(source);
  if (width < 1 || height < 1) {
    throw new EmoscopeError('BAD_IMAGE', `${name}: no pixels yet (a video must be playing, an image loaded) but its size is ${width}×${height}`);
  }
  const fit = Math.max(width, height) > maxSide ? fitInside(width, height, maxSide) : { width, height };
  const frame = surfaces.get('frame', fit.width, fit.height);
  if (source instanceof ImageData && fit.width === width) {
    frame.putImageData(source, 0, 0);
  } else {
    const drawable = source instanceof ImageData ? imageDataCanvas(surfaces, source) : (source as Drawable);
    frame.drawImage(drawable, 0, 0, width, height, 0, 0, fit.width, fit.height);
  }
  return rgbaPhoto(name, width, height, () => rgbaToRgb(frame.getImageData(0, 0, fit.width, fit.height).data, fit.width, fit.height), async (size, pixels) => {
    const full = await pixels();
    return { data: resizeBytes(full.data, full.width, full.height, 3, size.width, size.height), width: size.width, height: size.height };
  });
}

/**
 * A Photo of a `width`×`height` source: its RGB pixels made once, on first use, by `rgb`; thumbnails by
 * `thumbnail`, given their size (the source's shape within the side asked for) and the pixels.
 */
function rgbaPhoto(
  name: string,
  width: number,
  height: number,
  rgb: () => RgbImage,
  thumbnail: (size: { width: number; height: number }, pixels: () => Promise<RgbImage>) => Promise<RgbImage>,
): Photo {
  let pixels: RgbImage | undefined;
  const once = async () => (pixels ??= rgb());
  return { name, width, height, pixels: once, thumbnail: (side) => thumbnail(fitInside(width, height, side), once) };
}

/** Whether VideoFrame.copyTo converts to RGBA in this browser; found on first use. */
let videoFrameCopies: boolean | undefined = typeof VideoFrame === 'function' ? undefined : false;
let rgbaBuffer = new Uint8Array(0);

/**
 * The source as a Photo, like framePhoto; a playing video takes the VideoFrame path (see the header)
 * when this browser has it and the frame is at most `maxSide` on its longer side.
 */
export async function capturePhoto(source: FrameSource, surfaces: Surfaces, name: string, maxSide: number): Promise<Photo> {
  if (videoFrameCopies !== false && typeof HTMLVideoElement !== 'undefined' && source instanceof HTMLVideoElement && source.readyState >= 2) {
    const photo = await videoFramePhoto(source, surfaces, name, maxSide);
    if (photo) return photo;
  }
  return framePhoto(source, surfaces, name, maxSide);
}

/** The video's current frame through WebCodecs, or undefined where that path does not apply. */
async function videoFramePhoto(video: HTMLVideoElement, surfaces: Surfaces, name: string, maxSide: number): Promise<Photo | undefined> {
  let frame: VideoFrame;
  try {
    frame = new VideoFrame(video);
  } catch {
    return undefined; // no frame to take (yet): the canvas path says why
  }
  const width = frame.displayWidth;
  const height = frame.displayHeight;
  const rect = frame.visibleRect;
  try {
    // rotated, scaled (non-square pixels) or huge frames: the canvas path handles them
    if (!rect || rect.width !== width || rect.height !== height || Math.max(width, height) > maxSide || (frame as { rotation?: number }).rotation) return undefined;
    if (rgbaBuffer.length !== width * height * 4) rgbaBuffer = new Uint8Array(width * height * 4);
    try {
      await frame.copyTo(rgbaBuffer, { format: 'RGBA' } as VideoFrameCopyToOptions);
      videoFrameCopies = true;
    } catch {
      videoFrameCopies = false; // an older WebCodecs: copyTo without format conversion
      return undefined;
    }
  } finally {
    frame.close(); // its RGBA copy is all that is kept
  }
  const rgba = rgbaBuffer;
  return rgbaPhoto(name, width, height, () => rgbaToRgb(rgba, width, height), async (size) => {
    const full = surfaces.get('frame', width, height);
    full.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), width, height), 0, 0);
    const small = surfaces.get('thumbnail', size.width, size.height);
    small.drawImage(full.canvas, 0, 0, width, height, 0, 0, size.width, size.height);
    return rgbaToRgb(small.getImageData(0, 0, size.width, size.height).data, size.width, size.height);
  });
}

/** ImageData on a canvas of its own, so that drawImage can scale it. */
function imageDataCanvas(surfaces: Surfaces, data: ImageData): OffscreenCanvas | HTMLCanvasElement {
  const ctx = surfaces.get('image-data', data.width, data.height);
  ctx.putImageData(data, 0, 0);
  return ctx.canvas;
}

/** The browser's ResizeGray (vision/resample.ts). */
export const resizeGray: ResizeGray = async (gray, side, size) => resizeBytes(gray, side, side, 1, size, size);

/** The browser's ResizeRgb, for the detector's tiles (vision/resample.ts). */
export const resizeRgb: ResizeRgb = async (image: RgbImage, region: Region, width: number, height: number) => {
  const cut = new Uint8Array(region.width * region.height * 3);
  for (let y = 0; y < region.height; y++) {
    const from = ((region.top + y) * image.width + region.left) * 3;
    cut.set(image.data.subarray(from, from + region.width * 3), y * region.width * 3);
  }
  return { data: resizeBytes(cut, region.width, region.height, 3, width, height), width, height };
};
