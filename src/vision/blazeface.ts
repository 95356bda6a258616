// BlazeFace (MediaPipe's "back camera" variant, 256×256 input, 896 anchors): a fast single-shot face
// detector. Weights: models/detector/blazeface/ (from @vladmandic/human, MIT; see the README there).
// The photo is letterboxed into the 256×256 input (not stretched: a stretched face is a face the model
// never saw), decoded straight from the file at that size; with `tiles`, overlapping square tiles of
// the full pixels are searched too, for faces too small to find at 256 px.
import * as tf from '@tensorflow/tfjs-core';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Box } from '../types.js';
import type { Detection, DetectOptions, FaceDetector } from './detector.js';
import { weightedNms } from './detector.js';
import { fromPixels } from './image.js';
import type { Photo, RgbImage } from './image.js';
import { loadGraphModelFile } from './graph-model.js';

/** Where the weights are, from dist/src/vision/ (compiled) back to the package root. */
export const BLAZEFACE_MODEL = join(fileURLToPath(new URL('../../../', import.meta.url)), 'models', 'detector', 'blazeface', 'blazeface.json');

const INPUT = 256;
const KEYPOINTS = 6;
/** boxes of one face found by several anchors overlap at least this much (MediaPipe uses 0.3) */
const MERGE_IOU = 0.3;

/** Anchor centres in input pixels: 16×16 cells × 2 anchors (stride 16), then 8×8 × 6 (stride 32). */
function anchors(): Float32Array {
  const out: number[] = [];
  for (const [stride, perCell] of [[16, 2], [32, 6]] as const) {
    const cells = INPUT / stride;
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let n = 0; n < perCell; n++) out.push(stride * (x + 0.5), stride * (y + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

/** A square region of the image searched as one 256×256 input (the whole photo is one, letterboxed). */
interface View {
  x: number;
  y: number;
  side: number;
}

/** Loads BlazeFace from the repository's files (default `models/detector/blazeface/blazeface.json`). */
export async function loadBlazeFace(modelPath = BLAZEFACE_MODEL): Promise<FaceDetector> {
  const model = await loadGraphModelFile(modelPath);
  const anchorXY = anchors();

  /**
   * Runs the network on one view (at most 256×256, placed top-left in the input) and returns raw
   * candidates; `view` says where the 256×256 square lies in the coordinates the boxes are wanted in.
   */
  async function searchView(pixels: RgbImage, view: View, minScore: number): Promise<Detection[]> {
    const input = tf.tensor4d(letterboxInput(pixels), [1, INPUT, INPUT, 3]);
    let outputs: tf.Tensor[] = [];
    try {
      outputs = model.execute(input) as tf.Tensor[];
      const byShape = (anchorsCount: number, width: number) =>
        outputs.find((t) => t.shape[1] === anchorsCount && t.shape[2] === width)!;
      const [s512, s384, r512, r384] = await Promise.all(
        [byShape(512, 1), byShape(384, 1), byShape(512, 16), byShape(384, 16)].map((t) => t.data() as Promise<Float32Array>),
      );
      const found: Detection[] = [];
      const k = view.side / INPUT; // input pixels → target pixels
      for (let i = 0; i < 896; i++) {
        const logit = i < 512 ? s512![i]! : s384![i - 512]!;
        const score = 1 / (1 + Math.exp(-logit));
        if (score < minScore) continue;
        const reg = i < 512 ? r512!.subarray(i * 16, i * 16 + 16) : r384!.subarray((i - 512) * 16, (i - 512) * 16 + 16);
        const ax = anchorXY[i * 2]!;
        const ay = anchorXY[i * 2 + 1]!;
        const cx = ax + reg[0]!;
        const cy = ay + reg[1]!;
        const w = reg[2]!;
        const h = reg[3]!;
        const keypoints: Array<[number, number]> = [];
        for (let p = 0; p < KEYPOINTS; p++) {
          keypoints.push([view.x + (ax + reg[4 + p * 2]!) * k, view.y + (ay + reg[5 + p * 2]!) * k]);
        }
        const box: Box = { x: view.x + (cx - w / 2) * k, y: view.y + (cy - h / 2) * k, width: w * k, height: h * k };
        found.push({ box, score, keypoints });
      }
      return found;
    } finally {
      input.dispose();
      tf.dispose(outputs);
    }
  }

  /** Candidates from overlapping tiles of the full pixels, in photo pixels. */
  async function searchTiles(photo: Photo, minScore: number): Promise<Detection[]> {
    const image = await photo.pixels();
    const s = photo.width / image.width; // working pixels → photo pixels
    const found: Detection[] = [];
    for (const tile of tiles(image)) {
      const view = { x: tile.x * s, y: tile.y * s, side: tile.side * s };
      found.push(...(await searchView(await tilePixels(image, tile), view, minScore)));
    }
    return found;
  }

  return {
    name: 'blazeface',
    async detect(photo: Photo, options: DetectOptions): Promise<Detection[]> {
      const whole = { x: 0, y: 0, side: Math.max(photo.width, photo.height) };
      const candidates = await searchView(await photo.thumbnail(INPUT), whole, options.minScore);
      if (options.tiles) candidates.push(...(await searchTiles(photo, options.minScore)));
      return weightedNms(candidates, MERGE_IOU).map((d) => ({ ...d, box: clip(d.box, photo) }));
    },
    dispose() {
      model.dispose();
    },
  };
}

/**
 * The network's input: `pixels` at the top-left of a 256×256 square, black beyond, scaled to the
 * [-1, 1] range BlazeFace was trained on.
 */
function letterboxInput(pixels: RgbImage): Float32Array {
  const values = new Float32Array(INPUT * INPUT * 3).fill(-1);
  const w = Math.min(INPUT, pixels.width);
  const h = Math.min(INPUT, pixels.height);
  for (let y = 0; y < h; y++) {
    const src = y * pixels.width * 3;
    const dst = y * INPUT * 3;
    for (let i = 0; i < w * 3; i++) values[dst + i] = pixels.data[src + i]! / 127.5 - 1;
  }
  return values;
}

/** The pixels of a tile: its square of the image resized to fit 256×256 (libvips, antialiased). */
async function tilePixels(image: RgbImage, view: View): Promise<RgbImage> {
  const left = Math.round(view.x);
  const top = Math.round(view.y);
  const width = Math.min(image.width, Math.round(view.x + view.side)) - left;
  const height = Math.min(image.height, Math.round(view.y + view.side)) - top;
  const scale = INPUT / view.side;
  const w = Math.max(1, Math.min(INPUT, Math.round(width * scale)));
  const h = Math.max(1, Math.min(INPUT, Math.round(height * scale)));
  const { data } = await fromPixels(image)
    .extract({ left, top, width, height })
    .resize(w, h, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: w, height: h };
}

/** Overlapping square tiles, each half the longer side plus a quarter, covering the whole image. */
function tiles(image: RgbImage): View[] {
  const side = Math.round(Math.max(image.width, image.height) * 0.625);
  const along = (length: number): number[] => {
    if (length <= side) return [0];
    const n = Math.ceil((length - side) / (side * 0.75)) + 1;
    return Array.from({ length: n }, (_, i) => Math.round((i * (length - side)) / (n - 1)));
  };
  const out: View[] = [];
  for (const y of along(image.height)) for (const x of along(image.width)) out.push({ x, y, side });
  return out;
}

/** The part of a box inside the photo. */
function clip(box: Box, image: { width: number; height: number }): Box {
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  return {
    x,
    y,
    width: Math.max(0, Math.min(image.width, box.x + box.width) - x),
    height: Math.max(0, Math.min(image.height, box.y + box.height) - y),
  };
}
