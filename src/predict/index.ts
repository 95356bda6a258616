// The public verbs of emotion recognition in photos: load a recognizer, recognize photos, and
// format results. Re-exported from src/index.ts.
//
//   const recognizer = await loadRecognizer();
//   const result = await recognizer.recognize('samples/couple.jpg');
//   result.faces.map((f) => f.emotion);   // e.g. ['happy', 'happy']
export { loadRecognizer, WORKING_MAX_SIDE } from './recognizer.js';
export type { Recognizer, CallOptions, PhotoTimings } from './recognizer.js';
export { DEFAULT_RECOGNIZER_OPTIONS, resolveRecognizerOptions } from './options.js';
export type { RecognizerOptions, ResolvedRecognizerOptions } from './options.js';
export { resultsToCsv, csvRows, CSV_HEADER, CSV_HEADER_LINE } from './csv.js';
export { annotatePhoto } from '../vision/annotate.js';
export type { Annotation } from '../vision/annotate.js';
export { decodeImage, DEFAULT_MAX_PIXELS } from '../vision/image.js';
export type { ImageInput, RawImage, RgbImage, DecodedPhoto, DecodeOptions } from '../vision/image.js';
export { DETECTORS, DEFAULT_DETECTOR } from '../vision/detectors.js';
export type { DetectorName, Detection, FaceDetector } from '../vision/detector.js';
export type { FaceResult, PhotoResult } from '../types.js';
