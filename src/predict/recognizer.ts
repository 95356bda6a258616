// The recognizer: photo → faces (detector, on a thumbnail) → 48×48 gray crops (from the full
// pixels, decoded meanwhile) → emotions (classifier), one photo or many alike. A photo that cannot
// be read gets an `error` in its result instead of stopping the others.
import { initEngine } from '../engine/backend.js';
import { nativeAddon } from '../engine/native.js';
import { EmoscopeError, badArgument } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { loadModelFolder } from '../model/folder.js';
import { resolveModelDir } from '../runs/locate.js';
import type { ModelMeta } from '../model/meta.js';
import { analyzePhoto } from '../pipeline/analyze.js';
import type { FacePipeline, PhotoTimings } from '../pipeline/analyze.js';
import { checkTimings, disposedError } from '../pipeline/call.js';
import { faceClassifier } from '../pipeline/classify.js';
import { WORKING_MAX_SIDE } from '../pipeline/options.js';
import type { EmotionScores, PhotoResult } from '../types.js';
import { DETECTORS } from '../vision/detectors.js';
import { sharpResizeGray } from '../vision/face-crop.js';
import { inputName, openPhoto } from '../vision/image.js';
import type { ImageInput, Photo } from '../vision/image.js';
import { recognizeVideo } from '../video/recognize-video.js';
import type { VideoOptions } from '../video/options.js';
import type { VideoEvent } from '../video/types.js';
import { resolveRecognizerOptions } from './options.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { RecognizerOptions, ResolvedRecognizerOptions } from './options.js';

export { WORKING_MAX_SIDE };
export type { PhotoTimings };

/** Settings one `recognize` call may change without reloading anything (e.g. per HTTP request). */
export type CallOptions = Pick<RecognizerOptions, 'minFaceScore' | 'largestFace' | 'tta'>;

/** The names of `CallOptions`; the other settings belong to `loadRecognizer`. */
const CALL_OPTION_KEYS = optionKeys<CallOptions>({ minFaceScore: true, largestFace: true, tta: true });
/** recognize(photo, …) also takes a record to fill with the steps' times. */
const ONE_PHOTO_OPTION_KEYS = optionKeys<CallOptions & { timings?: PhotoTimings }>({ minFaceScore: true, largestFace: true, tta: true, timings: true });

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
  recognize(input: ImageInput, call?: CallOptions & { timings?: PhotoTimings }): Promise<PhotoResult>;
  recognize(inputs: readonly ImageInput[], call?: CallOptions): Promise<PhotoResult[]>;
  /**
   * The results of `inputs` one by one, as each is done (`file` as in an array: `<buffer N>`), the
   * next file read while a photo is searched: for folders of photos, with output as it comes.
   */
  recognizeEach(inputs: Iterable<ImageInput>, call?: CallOptions): AsyncGenerator<PhotoResult>;
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
  if (o.threads > 0) nativeAddon()?.setThreads(o.threads);
  const { model, meta } = await loadModelFolder(await resolveModelDir(o.model));
  const classifier = faceClassifier(model, meta, o.model ?? 'the default model', o.batchSize, o.tta);
  const detector = await DETECTORS[o.detector]();
  const pipeline: FacePipeline = { detector, classifier, resizeGray: sharpResizeGray };
  let disposed = false;
  const classify = (pixels: Uint8Array, count: number): EmotionScores[] => {
    optionsFor(undefined); // refused once disposed
    return classifier.classify(pixels, count);
  };

  /** Reads an input's header; a bad photo becomes its error result instead of a rejection. */
  async function open(input: ImageInput, file: string): Promise<Photo | PhotoResult> {
    try {
      return await openPhoto(input, { maxPixels: o.maxPixels, maxSide: WORKING_MAX_SIDE, name: file });
    } catch (error) {
      return failed(file, error);
    }
  }

  async function analyze(photo: Photo, c: ResolvedRecognizerOptions = o, t?: PhotoTimings, start?: number): Promise<PhotoResult> {
    const file = photo.name;
    try {
      const faces = await analyzePhoto(photo, pipeline, c, t, start);
      return { file, width: photo.width, height: photo.height, faces };
    } catch (error) {
      return failed(file, error);
    }
  }

  /**
   * The recognizer's options with one call's overrides (checked as loadRecognizer checks them).
   * `onePhoto`: the call is recognize(photo), whose options may also hold `timings` (left out here).
   */
  function optionsFor(call: unknown, onePhoto = false): ResolvedRecognizerOptions {
    if (disposed) throw disposedError();
    const known = onePhoto ? ONE_PHOTO_OPTION_KEYS : CALL_OPTION_KEYS;
    if (call === undefined) return o;
    if (typeof call !== 'object' || call === null || Array.isArray(call)) throw badArgument('the options of one call', `an options object (${known.join(', ')})`, call);
    for (const key of Object.keys(call)) {
      if (Object.hasOwn(o, key) && !CALL_OPTION_KEYS.includes(key)) throw badArgument('the options of one call', `only ${CALL_OPTION_KEYS.join(', ')} (${key} is set once, by loadRecognizer)`, key);
      if (key === 'timings' && !onePhoto) throw badArgument('the options of one call', `only ${CALL_OPTION_KEYS.join(', ')} (timings are measured for one photo: recognize(photo, { timings }))`, key);
    }
    checkOptionKeys(call, known, 'the options of one call');
    const { timings: _timings, ...overrides } = call as CallOptions & { timings?: unknown };
    return resolveRecognizerOptions({ ...o, ...overrides });
  }

  async function* recognizeEach(inputs: Iterable<ImageInput>, call?: CallOptions): AsyncGenerator<PhotoResult> {
    // A path or a buffer is iterable too (by characters, by bytes): one photo is recognize()'s, not a list
    if (typeof inputs === 'string' || ArrayBuffer.isView(inputs) || typeof (inputs as Iterable<ImageInput> | undefined)?.[Symbol.iterator] !== 'function') {
      throw badArgument('inputs', 'a list of photos (an array of paths or buffers); for one photo call recognize(photo)', typeof inputs === 'string' ? inputs : Object.prototype.toString.call(inputs));
    }
    const c = optionsFor(call);
    const list = [...inputs].map((input, i) => checkInput(input, i));
    // The next file is read and its header checked while this photo is searched.
    let next = list.length > 0 ? open(list[0]!, inputName(list[0]!, 0)) : undefined;
    try {
      for (let i = 0; i < list.length; i++) {
        const opened = await next!;
        next = i + 1 < list.length ? open(list[i + 1]!, inputName(list[i + 1]!, i + 1)) : undefined;
        yield 'thumbnail' in opened ? await analyze(opened, c) : opened;
      }
    } finally {
      next?.catch(() => undefined); // a caller that stops early leaves no unhandled rejection behind
    }
  }

  async function recognize(input: ImageInput, call?: CallOptions & { timings?: PhotoTimings }): Promise<PhotoResult>;
  async function recognize(inputs: readonly ImageInput[], call?: CallOptions): Promise<PhotoResult[]>;
  async function recognize(inputs: ImageInput | readonly ImageInput[], call?: CallOptions & { timings?: PhotoTimings }): Promise<PhotoResult | PhotoResult[]> {
    if (!Array.isArray(inputs)) {
      const start = performance.now();
      const c = optionsFor(call, true);
      const timings = checkTimings(call?.timings);
      const input = checkInput(inputs as ImageInput);
      const opened = await open(input, inputName(input));
      // the header's time; the full decode's end is filled in when it comes
      if (timings) Object.assign(timings, { decode: performance.now() - start, detect: 0, classify: 0, total: 0 });
      return 'thumbnail' in opened ? analyze(opened, c, timings, start) : opened;
    }
    const results: PhotoResult[] = [];
    for await (const result of recognizeEach(inputs as readonly ImageInput[], call)) results.push(result);
    return results;
  }

  /** Video: refused at once by a disposed recognizer, before any event (recognizeVideo's own checks follow). */
  async function* video(path: string, options?: VideoOptions): AsyncGenerator<VideoEvent> {
    optionsFor(undefined);
    yield* recognizeVideo(recognizer, path, options);
  }

  const recognizer: Recognizer = {
    meta,
    options: o,
    recognize,
    recognizeEach,
    recognizeVideo: video,
    classify,
    dispose() {
      if (disposed) return; // a second call changes nothing
      disposed = true;
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

function checkInput(input: ImageInput, index?: number): ImageInput {
  const ok = typeof input === 'string' || input instanceof Uint8Array || (typeof input === 'object' && input !== null && 'data' in input);
  if (!ok) throw badArgument(index === undefined ? 'input' : `input ${index}`, 'a file path, a Buffer or {data, width, height, channels}', input);
  return input;
}
