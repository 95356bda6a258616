// A second look at what a detector calls a face: its six landmarks (BlazeFace's order: right eye,
// left eye, nose tip, mouth, right ear, left ear) must sit where a face's do, and it must not be a
// tiny box. The detector's score alone does not separate faces from face-like texture: on the 65
// deepface photos a handbag scored 0.37 and blurred background patches 0.35–0.40 while a real face
// cut by the photo's edge scored 0.39 (models/detector/README.md has every box). The bounds are
// loose on purpose — about twice the spread measured on the 71 real faces there — so that they
// reject shapes, not faces.
import type { Detection } from './detector.js';

/** The bounds a detection's landmarks and size must meet; every length in units of the box's side. */
export interface FaceCheckBounds {
  /** distance between the eyes: 0.34–0.67 on real faces; below ~0.29 the face is turned past ~45° or is no face */
  minEyeDistance: number;
  maxEyeDistance: number;
  /** the nose tip's drop below the eye line as a share of the mouth's: 0.37–0.65 on real faces */
  maxNoseShare: number;
  /** the mouth's drop below the eye line, in eye distances: 0.9–1.3 on real faces */
  minMouthDrop: number;
  maxMouthDrop: number;
  /**
   * the box's side as a share of the searched view's longer side (the photo, or a tile): the
   * smallest real face found was 0.11, the handbag 0.06; 0.08 is 20 px of BlazeFace's 256-px input
   */
  minRelativeSize: number;
}

/** The bounds used unless others are given. */
export const FACE_CHECK_BOUNDS: FaceCheckBounds = {
  minEyeDistance: 0.29,
  maxEyeDistance: 0.8,
  maxNoseShare: 0.72,
  minMouthDrop: 0.6,
  maxMouthDrop: 1.8,
  minRelativeSize: 0.08,
};

/** Why a detection was not taken for a face, or null when it was. */
export type FaceCheckFailure = 'landmarks' | 'eye-distance' | 'nose' | 'mouth' | 'size';

/**
 * Checks one detection. `viewSide` is the longer side of the region the detector searched at its
 * input size (the photo's longer side, or a tile's side), in the same pixels as the box.
 * @example
 *   checkFace(detection, Math.max(photo.width, photo.height)) // null: a plausible face; 'size': too small
 */
export function checkFace(d: Detection, viewSide: number, bounds: FaceCheckBounds = FACE_CHECK_BOUNDS): FaceCheckFailure | null {
  const side = Math.max(d.box.width, d.box.height);
  if (side < bounds.minRelativeSize * viewSide) return 'size';
  const [rightEye, leftEye, nose, mouth] = d.keypoints;
  if (!rightEye || !leftEye || !nose || !mouth || !(side > 0)) return 'landmarks';
  const ex = leftEye[0] - rightEye[0];
  const ey = leftEye[1] - rightEye[1];
  const eyes = Math.hypot(ex, ey);
  if (eyes < bounds.minEyeDistance * side || eyes > bounds.maxEyeDistance * side) return 'eye-distance';
  // No rule on the eye line's tilt: a photo turned by 90° (no EXIF orientation) has sideways faces, and
  // every rule here is measured in the face's own frame, so they hold at any tilt.
  // Drops measured perpendicular to the eye line (downwards in the face's own frame).
  const mx = (rightEye[0] + leftEye[0]) / 2;
  const my = (rightEye[1] + leftEye[1]) / 2;
  const drop = (p: [number, number]) => ((p[1] - my) * ex - (p[0] - mx) * ey) / eyes;
  const mouthDrop = drop(mouth);
  if (mouthDrop < bounds.minMouthDrop * eyes || mouthDrop > bounds.maxMouthDrop * eyes) return 'mouth';
  const noseDrop = drop(nose);
  if (noseDrop <= 0 || noseDrop > bounds.maxNoseShare * mouthDrop) return 'nose';
  return null;
}
