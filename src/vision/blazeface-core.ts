// BlazeFace (MediaPipe's "back camera" variant, 256×256 input, 896 anchors): a fast single-shot face
// detector, here without any file or decoder, shared by Node (blazeface.ts) and the browser.
// The photo is scaled to 256 px on its longer side (not stretched to a square: a stretched face is a
// face the model never saw) and the network, fully convolutional, runs on just that rectangle
// rounded up to a multiple of 32 px (e.g. 256×192 for a 4:3 photo instead of a letterboxed 256×256:
// a quarter less work). With `tiles`, overlapping square tiles of the full pixels are searched too,
// for faces too small to find at 256 px.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfconv from '@tensorflow/tfjs-converter';
import type { Box } from '../types.js';
import type { Detection, DetectOptions, FaceDetector } from './detector.js';
import { weightedNms } from './detector.js';
import { checkFace } from './face-check.js';
import type { Photo, ResizeRgb, RgbImage } from './pixels.js';

/** The side the network was trained at: the longer side of its input here. */
const INPUT = 256;
/** The input's sides are multiples of the coarsest stride. */
const STRIDE = 32;
const KEYPOINTS = 6;
/** a tile's side as a share of the photo's longer side (see tiles()) */
const TILE_FRACTION = 0.625;
/** boxes of one face found by several anchors overlap at least this much (MediaPipe uses 0.3) */
const MERGE_IOU = 0.3;
/**
 * The convolutions that produce scores and box regressions, at stride 16 (2 anchors per cell) and 32
 * (6 per cell). They are read directly: the graph's own outputs reshape them to the sizes of a 256×256
 * input, and this input is not always square.
 */
const HEADS = {
  scores16: 'StatefulPartitionedCall/functional_1/conv2d_33/BiasAdd',
  scores32: 'StatefulPartitionedCall/functional_1/conv2d_34/BiasAdd',
  boxes16: 'StatefulPartitionedCall/functional_1/conv2d_35/BiasAdd',
  boxes32: 'StatefulPartitionedCall/functional_1/conv2d_36/BiasAdd',
} as const;

/** Anchor centres in input pixels for a `width`×`height` input: stride-16 cells × 2 anchors, then stride-32 cells × 6. */
function anchors(width: number, height: number): Float32Array {
  const out: number[] = [];
  for (const [stride, perCell] of [[16, 2], [32, 6]] as const) {
    for (let y = 0; y < height / stride; y++) {
      for (let x = 0; x < width / stride; x++) {
        for (let n = 0; n < perCell; n++) out.push(stride * (x + 0.5), stride * (y + 0.5));
      }
    }
  }
  return Float32Array.from(out);
}

/** A side rounded up to the input's granularity, at most INPUT. */
const inputSide = (side: number) => Math.min(INPUT, Math.ceil(side / STRIDE) * STRIDE);

/** A square region of the image searched at the scale of one 256-px input (the whole photo is one view). */
interface View {
  x: number;
  y: number;
  side: number;
}

/**
 * BlazeFace's graph declares a 256×256 input; it is fully convolutional, so any multiple of 32 works:
 * this patch, applied to its model.json before loading, makes the input's height and width free.
 */
export function patchBlazeFaceTopology(topology: unknown): void {
  const graph = topology as { node?: Array<{ op: string; attr?: { shape?: { shape?: { dim?: Array<{ size: string }> } } } }> };
  for (const node of graph.node ?? []) {
    const dims = node.op === 'Placeholder' ? node.attr?.shape?.shape?.dim : undefined;
    if (dims?.length === 4) { dims[1]!.size = '-1'; dims[2]!.size = '-1'; }
  }
}

/**
 * The detector around a loaded BlazeFace graph (its topology patched by patchBlazeFaceTopology);
 * `resize` is the platform's resizer, used for the tiles of `tiles: true`.
 */
export function createBlazeFace(model: tfconv.GraphModel, resize: ResizeRgb): FaceDetector {
  const anchorCache = new Map<string, Float32Array>();

  /**
   * Runs the network on one view (at most 256×256, placed top-left in the input) and returns raw
   * candidates; `view` says where a 256×256 square at its scale lies in the coordinates the boxes are wanted in.
   */
  async function searchView(pixels: RgbImage, view: View, minScore: number): Promise<Detection[]> {
    const width = inputSide(pixels.width);
    const height = inputSide(pixels.height);
    const key = `${width}x${height}`;
    let anchorXY = anchorCache.get(key);
    if (!anchorXY) anchorCache.set(key, (anchorXY = anchors(width, height)));
    const input = tf.tensor4d(letterboxInput(pixels, width, height), [1, height, width, 3]);
    let outputs: tf.Tensor[] = [];
    try {
      outputs = model.execute(input, [HEADS.scores16, HEADS.scores32, HEADS.boxes16, HEADS.boxes32]) as tf.Tensor[];
      const [s16, s32, r16, r32] = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
      const fine = s16!.length; // stride-16 anchors come first, as in anchorXY
      const total = fine + s32!.length;
      const found: Detection[] = [];
      const k = view.side / INPUT; // input pixels → target pixels
      for (let i = 0; i < total; i++) {
        const logit = i < fine ? s16![i]! : s32![i - fine]!;
        const score = 1 / (1 + Math.exp(-logit));
        if (score < minScore) continue;
        const reg = i < fine ? r16!.subarray(i * 16, i * 16 + 16) : r32!.subarray((i - fine) * 16, (i - fine) * 16 + 16);
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
      found.push(...(await searchView(await tilePixels(resize, image, tile), view, minScore)));
    }
    return found;
  }

  return {
    name: 'blazeface',
    async detect(photo: Photo, options: DetectOptions): Promise<Detection[]> {
      const whole = { x: 0, y: 0, side: Math.max(photo.width, photo.height) };
      const candidates = await searchView(await photo.thumbnail(INPUT), whole, options.minScore);
      if (options.tiles) candidates.push(...(await searchTiles(photo, options.minScore)));
      const faces = weightedNms(candidates, MERGE_IOU);
      // The second check (face-check.ts): landmarks where a face's are, not tiny for the view searched.
      const viewSide = Math.max(photo.width, photo.height) * (options.tiles ? TILE_FRACTION : 1);
      const kept = options.faceCheck === false ? faces : faces.filter((d) => checkFace(d, viewSide) === null);
      return kept.map((d) => ({ ...d, box: clip(d.box, photo) }));
    },
    dispose() {
      model.dispose();
    },
  };
}

/**
 * The network's input: `pixels` at the top-left of a `width`×`height` rectangle, black beyond, scaled
 * to the [-1, 1] range BlazeFace was trained on.
 */
function letterboxInput(pixels: RgbImage, width: number, height: number): Float32Array {
  const values = new Float32Array(width * height * 3).fill(-1);
  const w = Math.min(width, pixels.width);
  const h = Math.min(height, pixels.height);
  for (let y = 0; y < h; y++) {
    const src = y * pixels.width * 3;
    const dst = y * width * 3;
    for (let i = 0; i < w * 3; i++) values[dst + i] = pixels.data[src + i]! / 127.5 - 1;
  }
  return values;
}

/** The pixels of a tile: its square of the image resized to fit 256×256. */
function tilePixels(resize: ResizeRgb, image: RgbImage, view: View): Promise<RgbImage> {
  const left = Math.round(view.x);
  const top = Math.round(view.y);
  const width = Math.min(image.width, Math.round(view.x + view.side)) - left;
  const height = Math.min(image.height, Math.round(view.y + view.side)) - top;
  const scale = INPUT / view.side;
  const w = Math.max(1, Math.min(INPUT, Math.round(width * scale)));
  const h = Math.max(1, Math.min(INPUT, Math.round(height * scale)));
  return resize(image, { left, top, width, height }, w, h);
}

/** Overlapping square tiles, each half the longer side plus a quarter, covering the whole image. */
function tiles(image: RgbImage): View[] {
  const side = Math.round(Math.max(image.width, image.height) * TILE_FRACTION);
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
