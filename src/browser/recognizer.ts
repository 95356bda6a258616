// The recognizer in a browser: the same detector, crop and classifier as Node's (src/pipeline/), the
// models fetched from the page's origin, frames captured with a canvas. One call at a time: a frame's
// canvases are reused by the next call, so calls queue.
import { EmoscopeError, badArgument } from '../errors.js';
import type { ModelMeta } from '../model/meta.js';
import { analyzePhoto } from '../pipeline/analyze.js';
import type { FacePipeline, PhotoTimings } from '../pipeline/analyze.js';
import { checkTimings, disposedError } from '../pipeline/call.js';
import { faceClassifier } from '../pipeline/classify.js';
import { PIPELINE_DEFAULTS, WORKING_MAX_SIDE, checkPipelineOptions, mergeOptions } from '../pipeline/options.js';
import type { PipelineOptions } from '../pipeline/options.js';
import type { PhotoResult } from '../types.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { BROWSER_BACKENDS, setUpBackend } from './backend.js';
import type { BrowserBackend } from './backend.js';
import { Surfaces, capturePhoto, resizeGray, resizeRgb, sourceName } from './frame.js';
import type { FrameSource } from './frame.js';
import { fetchBlazeFace, fetchModelFolder } from './load.js';

/** Where the files are by default: beside this bundle, as `npm run build:web` lays them out in dist/web/. */
const HERE = import.meta.url;

export interface BrowserRecognizerOptions extends Partial<Omit<PipelineOptions, 'batchSize'>> {
  /** URL of a model folder (model.json, weights.bin, emoscope.json); default `models/default/` beside the bundle */
  modelUrl?: string;
  /** URL of BlazeFace's model.json; default `models/detector/blazeface/blazeface.json` beside the bundle */
  detectorUrl?: string;
  /** TF.js backend: 'auto' (WebGL on a GPU, else WebAssembly), 'wasm' or 'webgl' */
  backend?: BrowserBackend | 'auto';
  /** URL of the folder with TF.js's .wasm files; default `wasm/` beside the bundle */
  wasmUrl?: string;
}

type ResolvedBrowserOptions = Required<BrowserRecognizerOptions> & { batchSize: number };

/** The defaults of the browser recognizer: the pipeline's (the same as Node's) and its URLs. */
export const BROWSER_DEFAULTS: ResolvedBrowserOptions = {
  ...PIPELINE_DEFAULTS,
  modelUrl: new URL('./models/default/', HERE).href,
  detectorUrl: new URL('./models/detector/blazeface/blazeface.json', HERE).href,
  backend: 'auto',
  wasmUrl: new URL('./wasm/', HERE).href,
};

/** The names of one call's options in the browser. */
const CALL_OPTION_KEYS = optionKeys<{ file?: string; timings?: PhotoTimings }>({ file: true, timings: true });

/** A loaded detector and classifier in the browser. */
export interface BrowserRecognizer {
  /** the TF.js backend in use */
  readonly backend: BrowserBackend;
  /** what the model folder says about itself */
  readonly meta: ModelMeta;
  /** the settings in force, defaults filled in */
  readonly options: Readonly<ResolvedBrowserOptions>;
  /**
   * The faces in a video frame, image, canvas, bitmap or ImageData and their emotions, in the shape
   * of `emoscope predict --json` for one photo. A video without a frame yet gives a result with
   * `error`; an input of another type throws BAD_ARGUMENT.
   * @example
   *   const recognizer = await loadRecognizer();
   *   const result = await recognizer.recognize(document.querySelector('video'));
   *   // { file: '<video>', width: 640, height: 480, faces: [{ box: { x: 245, y: 130, width: 160, height: 160 },
   *   //   score: 0.93, emotion: 'happy', scores: { angry: 0.01, …, happy: 0.91, … } }] }
   */
  recognize(input: FrameSource, options?: { file?: string; timings?: PhotoTimings }): Promise<PhotoResult>;
  // `timings`, when given, is filled in: decode (taking the frame's pixels), detect, classify, total, in ms
  /** Frees the models' weights. */
  dispose(): void;
}

/**
 * Loads the face detector and the emotion classifier from the page's origin and sets up the backend.
 * @example
 *   import { loadRecognizer } from 'emoscope/browser';
 *   const recognizer = await loadRecognizer({ backend: 'wasm' });
 */
export async function loadRecognizer(options: BrowserRecognizerOptions = {}): Promise<BrowserRecognizer> {
  const o = mergeOptions(BROWSER_DEFAULTS, options as Partial<ResolvedBrowserOptions>);
  checkPipelineOptions(o);
  if (o.backend !== 'auto' && !BROWSER_BACKENDS.includes(o.backend)) {
    throw new EmoscopeError('BAD_ARGUMENT', `Expected one of auto, ${BROWSER_BACKENDS.join(', ')} for backend but received ${JSON.stringify(o.backend)}`);
  }
  const backend = await setUpBackend(o.backend, o.wasmUrl);
  const surfaces = new Surfaces();
  const [{ model, meta }, detector] = await Promise.all([fetchModelFolder(o.modelUrl), fetchBlazeFace(o.detectorUrl, resizeRgb)]);
  let classifier;
  try {
    classifier = faceClassifier(model, meta, o.modelUrl, o.batchSize, o.tta);
  } catch (error) {
    model.dispose();
    detector.dispose();
    throw error;
  }
  const pipeline: FacePipeline = { detector, classifier, resizeGray };
  let queue: Promise<unknown> = Promise.resolve();

  async function analyze(input: FrameSource, file: string, t?: PhotoTimings): Promise<PhotoResult> {
    const start = performance.now();
    if (t) Object.assign(t, { decode: 0, detect: 0, classify: 0, total: 0 });
    let photo;
    try {
      photo = await capturePhoto(input, surfaces, file, WORKING_MAX_SIDE);
    } catch (error) {
      if (error instanceof EmoscopeError && error.code === 'BAD_IMAGE') return { file, width: 0, height: 0, faces: [], error: error.message, errorCode: error.code };
      throw error;
    }
    const captured = performance.now() - start;
    const faces = await analyzePhoto(photo, pipeline, o, t, start);
    // `decode` is the capture here: taking the frame's pixels (analyzePhoto's own mark comes late in a browser)
    if (t) Object.assign(t, { decode: captured, total: performance.now() - start });
    return { file, width: photo.width, height: photo.height, faces };
  }

  let disposed = false;
  return {
    backend,
    meta,
    options: o,
    recognize(input, call = {}) {
      // checked at once, as Node's recognizer checks a call's options: a misspelt one is not ignored
      try {
        if (disposed) throw disposedError();
        checkOptionKeys(call, CALL_OPTION_KEYS, 'the options of one call');
        if (call.file !== undefined && typeof call.file !== 'string') throw badArgument('file', 'a name for the result', call.file);
        checkTimings(call.timings);
      } catch (error) {
        return Promise.reject(error);
      }
      const result = queue.then(() => analyze(input, call.file ?? sourceName(input), call.timings));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose() {
      if (disposed) return; // a second call changes nothing
      disposed = true;
      detector.dispose();
      classifier.dispose();
      model.dispose();
    },
  };
}

