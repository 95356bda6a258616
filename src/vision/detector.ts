// What every face detector has in common: the load → detect → dispose shape, the detection type,
// and the box arithmetic (IoU, weighted NMS) they share. A detector takes a photo (image.ts's
// Photo: a thumbnail and, when needed, the full pixels) and returns boxes in pixels of
// the upright photo. The registry of detectors is in detectors.ts.
import type { Box } from '../types.js';
import type { Photo } from './image.js';

/** One face found by a detector, in pixels of the upright photo. */
export interface Detection {
  box: Box;
  /** detector confidence, 0..1 */
  score: number;
  /** landmarks in pixels: for BlazeFace right eye, left eye, nose tip, mouth, right ear, left ear */
  keypoints: Array<[number, number]>;
}

export interface DetectOptions {
  /** keep faces scored at least this */
  minScore: number;
  /** also search overlapping tiles of the photo, for faces too small to find in the whole */
  tiles?: boolean;
  /** reject detections whose landmarks are not where a face's are or that are tiny (face-check.ts); default true */
  faceCheck?: boolean;
}

/** A loaded face detector; `dispose()` frees its weights. */
export interface FaceDetector {
  readonly name: DetectorName;
  detect(photo: Photo, options: DetectOptions): Promise<Detection[]>;
  dispose(): void;
}

/** Names of the registered detectors (see detectors.ts). */
export type DetectorName = 'blazeface';

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Weighted non-maximum suppression (MediaPipe's "WEIGHTED" overlap method): candidates that overlap
 * the best remaining one by more than `threshold` are merged into it, boxes and landmarks averaged by
 * score. Steadier boxes than plain NMS, which keeps a single anchor's guess.
 */
export function weightedNms(candidates: Detection[], threshold: number): Detection[] {
  let rest = [...candidates].sort((a, b) => b.score - a.score);
  const out: Detection[] = [];
  while (rest.length > 0) {
    // The best one always leaves the list, even a box of no area (whose overlap with itself is 0).
    const [best, ...others] = rest as [Detection, ...Detection[]];
    const group = [best, ...others.filter((d) => iou(best.box, d.box) > threshold)];
    rest = others.filter((d) => iou(best.box, d.box) <= threshold);
    // Scores of 0 (a minimum score of 0) weigh evenly instead of dividing by 0.
    const total = group.reduce((s, d) => s + d.score, 0);
    const weight = (d: Detection) => (total > 0 ? d.score / total : 1 / group.length);
    const avg = (f: (d: Detection) => number) => group.reduce((s, d) => s + f(d) * weight(d), 0);
    out.push({
      box: { x: avg((d) => d.box.x), y: avg((d) => d.box.y), width: avg((d) => d.box.width), height: avg((d) => d.box.height) },
      score: best.score,
      keypoints: best.keypoints.map((_, k) => [avg((d) => d.keypoints[k]![0]), avg((d) => d.keypoints[k]![1])]),
    });
  }
  return out;
}
