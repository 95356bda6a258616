// The registry of face detectors: name → loader. Weights are files the repository ships under
// models/detector/, so detection needs no download and no @vladmandic package at run time.
import type { DetectorName, FaceDetector } from './detector.js';
import { loadBlazeFace } from './blazeface.js';

export const DETECTORS: Record<DetectorName, () => Promise<FaceDetector>> = {
  blazeface: loadBlazeFace,
};

/** The detector used unless another is asked for. */
export const DEFAULT_DETECTOR: DetectorName = 'blazeface';
