// BlazeFace in Node: the weights read from the repository's files (models/detector/blazeface/, from
// @vladmandic/human, MIT; see the README there) and tiles resized with sharp. The detector itself
// (decoding, anchors, merging) is blazeface-core.ts, shared with the browser.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaceDetector } from './detector.js';
import { createBlazeFace, patchBlazeFaceTopology } from './blazeface-core.js';
import { loadGraphModelFile } from './graph-model.js';
import { sharpResizeRgb } from './image.js';

/** Where the weights are, from dist/src/vision/ (compiled) back to the package root. */
export const BLAZEFACE_MODEL = join(fileURLToPath(new URL('../../../', import.meta.url)), 'models', 'detector', 'blazeface', 'blazeface.json');

/** Loads BlazeFace from the repository's files (default `models/detector/blazeface/blazeface.json`). */
export async function loadBlazeFace(modelPath = BLAZEFACE_MODEL): Promise<FaceDetector> {
  return createBlazeFace(await loadGraphModelFile(modelPath, patchBlazeFaceTopology), sharpResizeRgb);
}
