// The recognizer: photo → faces (detector, on a thumbnail) → 48×48 gray crops (from the full
// pixels, decoded meanwhile) → emotions (classifier), one photo or many alike. A photo that cannot
// be read gets an `error` in its result instead of stopping the others.
import type * as tfl from '@tensorflow/tfjs-layers';
import { initEngine } from '../engine/backend.js';
import { EmoscopeError, badArgument } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { loadModelFolder } from '../model/folder.js';
import { resolveModelDir } from '../model/locate.js';
import { predictProbabilities } from '../model/inference.js';
import { inferenceClassifier } from '../model/folded.js';
import type { ModelMeta } from '../model/meta.js';
import { EMOTIONS } from '../types.js';
import type { Box, EmotionScores, FaceResult, PhotoResult } from '../types.js';
import type { Detection, FaceDetector } from '../vision/detector.js';
import { DETECTORS } from '../vision/detectors.js';
import { cropFace } from '../vision/face-crop.js';
import { inputName, openPhoto } from '../vision/image.js';
import type { ImageInput, Photo, RgbImage } from '../vision/image.js';
import { recognizeVideo } from '../video/recognize-video.js';
import type { VideoOptions } from '../video/options.js';
import type { VideoEvent } from '../video/types.js';
import { resolveRecognizerOptions } from './options.js';
import type { RecognizerOptions, ResolvedRecognizerOptions } from './options.js';

/**
 * Photos are decoded to at most this many pixels on the longer side. BlazeFace sees the photo at
 * 256 px, so its faces are at least ~1/20 of this side (≥ 200 px), plenty for a 48-px crop, while
 * a 200-megapixel photo does not take 600 MB.
 */
export const WORKING_MAX_SIDE = 4096;

/** A loaded detector and classifier. */
export interface Recognizer {
  /** what the classifier's model folder says about itself */
  readonly meta: ModelMeta;
  /** the settings in force, defaults filled in */
  readonly options: ResolvedRecognizerOptions;
  /**
   * Finds the faces in a photo and their emotions. One input gives one result, an array an array
   * (in the same order). Inputs that cannot be read give a result with `error` set; nothing throws
   * for a bad photo.
   * @example
   *   await recognizer.recognize('samples/couple.jpg')
   *   // { file: 'samples/couple.jpg', width: 1200, height: 836, faces: [
   *   //   { box: { x: 154, y: 344, width: 351, height: 351 }, score: 0.9577, emotion: 'happy',
   *   //     scores: { angry: 0.0123, disgust: 0.0011, fear: 0.0208, happy: 0.8791, sad: 0.0154, surprise: 0.0187, neutral: 0.0526 } },
   *   //   { box: { x: 711, y: 241, width: 339, height: 339 }, score: 0.9687, emotion: 'neutral', scores: { … } }] }
   *   // (boxes and detector scores as measured; emotion numbers illustrative, they depend on the model)
   */
  recognize(input: ImageInput): Promise<PhotoResult>;
  recognize(inputs: readonly ImageInput[]): Promise<PhotoResult[]>;
  /**
   * The results of `inputs` one by one, as each is done (`file` as in an array: `<buffer N>`), the
   * next file read while a photo is searched: for folders of photos, with output as it comes.
   */
  recognizeEach(inputs: Iterable<ImageInput>): AsyncGenerator<PhotoResult>;
  /**
   * Emotions over time in a video file (decoded by ffmpeg), frame by frame and per person: yields
   * the video's size, each analysed frame's faces with their track ids, then each track's summary.
   * See src/video/recognize-video.ts.
   */
  recognizeVideo(path: string, options?: VideoOptions): AsyncGenerator<VideoEvent>;
  /** Emotions of faces already cropped: `count` faces of size×size gray bytes, one after another. */
  classify(pixels: Uint8Array, count: number): EmotionScores[];
  /** Frees the models' weights. */
  dispose(): void;
}

/**
 * Loads the face detector and the emotion classifier (default: the model shipped in models/default).
 * Everything is read from files; nothing is downloaded.
 * @example
 *   const recognizer = await loadRecognizer({ minFaceScore: 0.5 });
 *   const [a, b] = await recognizer.recognize(['a.jpg', 'b.png']);
 */
export async function loadRecognizer(options: RecognizerOptions = {}): Promise<Recognizer> {
  const o = resolveRecognizerOptions(options);
  await initEngine();
  const { model, meta } = await loadModelFolder(await resolveModelDir(o.model));
  checkModel(model, meta, o.model ?? 'the default model');
  const detector = await DETECTORS[o.detector]();
  const classifier = inferenceClassifier(model); // batch norm folded into the convolutions

  function classify(pixels: Uint8Array, count: number): EmotionScores[] {
    const probs = predictProbabilities(classifier, { pixels, count }, meta.preprocessing, o.batchSize, o.tta);
    const classes = meta.labels.length;
    return Array.from({ length: count }, (_, i) => toScores(probs.subarray(i * classes, (i + 1) * classes), meta));
  }

  /** Reads an input's header; a bad photo becomes its error result instead of a rejection. */
  async function open(input: ImageInput, file: string): Promise<Photo | PhotoResult> {
    try {
      return await openPhoto(input, { maxPixels: o.maxPixels, maxSide: WORKING_MAX_SIDE, name: file });
    } catch (error) {
      return failed(file, error);
    }
  }

  async function analyze(photo: Photo): Promise<PhotoResult> {
    const file = photo.name;
    try {
      // The full decode starts now, on sharp's threads, while the detector searches the thumbnail.
      const pixels = photo.pixels();
      pixels.catch(() => undefined); // its error, if any, is met below or by the thumbnail's
      let found = await detector.detect(photo, { minScore: o.minFaceScore, tiles: o.tiles });
      if (o.largestFace && found.length > 1) found = [largest(found)];
      found.sort((a, b) => a.box.x - b.box.x);
      const faces = found.length === 0 ? [] : await describeFaces(await pixels, found, photo.width);
      return { file, width: photo.width, height: photo.height, faces };
    } catch (error) {
      return failed(file, error);
    }
  }

  async function* recognizeEach(inputs: Iterable<ImageInput>): AsyncGenerator<PhotoResult> {
    const list = [...inputs].map((input, i) => checkInput(input, i));
    // The next file is read and its header checked while this photo is searched.
    let next = list.length > 0 ? open(list[0]!, inputName(list[0]!, 0)) : undefined;
    try {
      for (let i = 0; i < list.length; i++) {
        const opened = await next!;
        next = i + 1 < list.length ? open(list[i + 1]!, inputName(list[i + 1]!, i + 1)) : undefined;
        yield 'thumbnail' in opened ? await analyze(opened) : opened;
      }
    } finally {
      next?.catch(() => undefined); // a caller that stops early leaves no unhandled rejection behind
    }
  }

  /** Crops and classifies the faces; boxes come in photo pixels, `image` may be smaller (WORKING_MAX_SIDE). */
  async function describeFaces(image: RgbImage, found: Detection[], photoWidth: number): Promise<FaceResult[]> {
    const size = meta.preprocessing.size;
    const k = image.width / photoWidth;
    const crops = await Promise.all(found.map((d) => cropFace(image, scaleBox(d.box, k, false), size, o.margin)));
    const pixels = new Uint8Array(crops.length * size * size);
    crops.forEach((c, i) => pixels.set(c, i * size * size));
    const scores = classify(pixels, crops.length);
    return found.map((d, i) => ({
      box: scaleBox(d.box, 1, true),
      score: round(d.score),
      emotion: topEmotion(scores[i]!),
      scores: scores[i]!,
    }));
  }

  async function recognize(input: ImageInput): Promise<PhotoResult>;
  async function recognize(inputs: readonly ImageInput[]): Promise<PhotoResult[]>;
  async function recognize(inputs: ImageInput | readonly ImageInput[]): Promise<PhotoResult | PhotoResult[]> {
    if (!Array.isArray(inputs)) {
      const input = checkInput(inputs as ImageInput);
      const opened = await open(input, inputName(input));
      return 'thumbnail' in opened ? analyze(opened) : opened;
    }
    const results: PhotoResult[] = [];
    for await (const result of recognizeEach(inputs as readonly ImageInput[])) results.push(result);
    return results;
  }

  const recognizer: Recognizer = {
    meta,
    options: o,
    recognize,
    recognizeEach,
    recognizeVideo: (path, options) => recognizeVideo(recognizer, path, options),
    classify,
    dispose() {
      detector.dispose();
      classifier.dispose();
      model.dispose();
    },
  };
  return recognizer;
}

/** The codes that belong to one photo (the others stop the whole call). */
const PHOTO_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['BAD_IMAGE', 'UNSUPPORTED_IMAGE', 'IMAGE_TOO_LARGE', 'NOT_FOUND']);

/** The result of a photo that could not be read; other errors (bugs, a lost backend) propagate. */
function failed(file: string, error: unknown): PhotoResult {
  if (error instanceof EmoscopeError && PHOTO_ERRORS.has(error.code)) {
    return { file, width: 0, height: 0, faces: [], error: error.message, errorCode: error.code };
  }
  throw error;
}

/** Refuses a model whose outputs are not the seven emotions or whose input is not what its meta says. */
function checkModel(model: tfl.LayersModel, meta: ModelMeta, name: string): void {
  const input = model.inputs[0]!.shape;
  const output = model.outputs[0]!.shape;
  const p = meta.preprocessing;
  if (input.length !== 4 || input[1] !== p.size || input[2] !== p.size || input[3] !== 1) {
    throw new EmoscopeError('BAD_MODEL', `${name}: expected a model taking [${p.size}, ${p.size}, 1] gray faces (emoscope.json) but it takes ${JSON.stringify(input.slice(1))}`);
  }
  if (output.length !== 2 || output[1] !== meta.labels.length) {
    throw new EmoscopeError('BAD_MODEL', `${name}: expected ${meta.labels.length} outputs (${meta.labels.join(', ')}) but the model has ${JSON.stringify(output.slice(1))}`);
  }
}

function checkInput(input: ImageInput, index?: number): ImageInput {
  const ok = typeof input === 'string' || input instanceof Uint8Array || (typeof input === 'object' && input !== null && 'data' in input);
  if (!ok) throw badArgument(index === undefined ? 'input' : `input ${index}`, 'a file path, a Buffer or {data, width, height, channels}', input);
  return input;
}

function toScores(probs: Float32Array, meta: ModelMeta): EmotionScores {
  const scores = {} as EmotionScores;
  for (const e of EMOTIONS) scores[e] = round(probs[meta.labels.indexOf(e)]!);
  return scores;
}

function topEmotion(scores: EmotionScores): FaceResult['emotion'] {
  return EMOTIONS.reduce((best, e) => (scores[e] > scores[best] ? e : best), EMOTIONS[0]);
}

function largest(found: Detection[]): Detection {
  return found.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
}

/** `box` times `k`, in whole pixels when `whole` (edges rounded, so that x + width is a rounded edge too). */
function scaleBox(box: Box, k: number, whole: boolean): Box {
  if (!whole) return { x: box.x * k, y: box.y * k, width: box.width * k, height: box.height * k };
  const x = Math.round(box.x * k);
  const y = Math.round(box.y * k);
  return { x, y, width: Math.round((box.x + box.width) * k) - x, height: Math.round((box.y + box.height) * k) - y };
}

/** Four decimals: enough for a probability, short in JSON. */
function round(p: number): number {
  return Math.round(p * 1e4) / 1e4;
}
