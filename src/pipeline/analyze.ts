// One photo → its faces and their emotions: detect (on the detector's thumbnail), keep/sort, crop
// each face from the full pixels (face-region.ts), classify. The one pipeline that `emoscope predict`,
// the library's recognizer and the browser run; only the Photo (how pixels are decoded and scaled)
// and the gray resizer differ between Node (sharp) and the browser (canvas).
import type { Tta } from '../choices.js';
import type { Box, FaceResult } from '../types.js';
import type { Detection, FaceDetector } from '../vision/detector.js';
import { cropFaceWith, eyeAngle } from '../vision/face-region.js';
import type { Photo, ResizeGray, RgbImage } from '../vision/pixels.js';
import { round4, topEmotion } from './classify.js';
import type { FaceClassifier } from './classify.js';

/** What the pipeline runs with: the loaded models and the platform's gray resizer. */
export interface FacePipeline {
  detector: FaceDetector;
  classifier: FaceClassifier;
  resizeGray: ResizeGray;
}

/** The settings that change what is found (a subset of the recognizer's options). */
export interface AnalyzeOptions {
  minFaceScore: number;
  tiles: boolean;
  faceCheck: boolean;
  largestFace: boolean;
  margin: number;
  align: boolean;
  tta: Tta;
}

/**
 * Milliseconds each step of one photo took, filled in when asked for (`recognize(input, { timings })`).
 * The full decode runs beside detection, so the steps overlap: their sum can exceed `total`.
 */
export interface PhotoTimings {
  /** reading the header and decoding the full pixels */
  decode: number;
  /** finding the faces, from the start of detection to its boxes (the thumbnail included) */
  detect: number;
  /** cropping the faces and running the classifier */
  classify: number;
  /** the whole call */
  total: number;
}

/** The faces of `photo`, left to right, boxes in whole pixels of the photo. Rejects like `photo`'s views. */
export async function analyzePhoto(
  photo: Photo,
  pipeline: FacePipeline,
  o: AnalyzeOptions,
  t?: PhotoTimings,
  start = performance.now(),
): Promise<FaceResult[]> {
  // The full decode starts now (on sharp's threads in Node) while the detector searches the thumbnail.
  const pixels = photo.pixels();
  // Its error, if any, is met below or by the thumbnail's; this detached branch never rejects (a
  // timings record that refused the time would otherwise reject with no one to catch it).
  pixels.then(() => {
    if (t && !t.total) t.decode = performance.now() - start;
  }).catch(() => undefined);
  const detectStart = performance.now();
  // A box that rounds to no pixels (a face "found" in a 1×1 photo) is no face.
  let found = (await pipeline.detector.detect(photo, { minScore: o.minFaceScore, tiles: o.tiles, faceCheck: o.faceCheck })).filter((d) => {
    const box = scaleBox(d.box, 1, true);
    return box.width > 0 && box.height > 0;
  });
  if (t) t.detect = performance.now() - detectStart;
  if (o.largestFace && found.length > 1) found = [largest(found)];
  found.sort((a, b) => a.box.x - b.box.x);
  const image = found.length === 0 ? undefined : await pixels; // no face: the full pixels are not waited for
  const classifyStart = performance.now();
  const faces = image === undefined ? [] : await describeFaces(pipeline, image, found, photo.width, o);
  if (t) Object.assign(t, { classify: performance.now() - classifyStart, total: performance.now() - start });
  return faces;
}

/** Crops and classifies the faces; boxes come in photo pixels, `image` may be smaller. */
async function describeFaces(p: FacePipeline, image: RgbImage, found: Detection[], photoWidth: number, o: AnalyzeOptions): Promise<FaceResult[]> {
  const size = p.classifier.size;
  const k = image.width / photoWidth;
  const angle = (d: Detection) => (o.align ? eyeAngle(d.keypoints) ?? 0 : 0);
  const crops = await Promise.all(found.map((d) => cropFaceWith(p.resizeGray, image, scaleBox(d.box, k, false), size, o.margin, angle(d))));
  const pixels = new Uint8Array(crops.length * size * size);
  crops.forEach((c, i) => pixels.set(c, i * size * size));
  const scores = p.classifier.classify(pixels, crops.length, o.tta);
  return found.map((d, i) => ({
    box: scaleBox(d.box, 1, true),
    score: round4(d.score),
    emotion: topEmotion(scores[i]!),
    scores: scores[i]!,
  }));
}

function largest(found: Detection[]): Detection {
  return found.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
}

/** `box` times `k`, in whole pixels when `whole` (edges rounded, so that x + width is a rounded edge too). */
export function scaleBox(box: Box, k: number, whole: boolean): Box {
  if (!whole) return { x: box.x * k, y: box.y * k, width: box.width * k, height: box.height * k };
  const x = Math.round(box.x * k);
  const y = Math.round(box.y * k);
  return { x, y, width: Math.round((box.x + box.width) * k) - x, height: Math.round((box.y + box.height) * k) - y };
}
