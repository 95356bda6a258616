// An evaluation kept in a run folder, so that `emoscope report` can show it later without the data
// set: `evaluation-<split>.json` (the `evaluate --json` report, unchanged) and
// `evaluation-<split>-faces.json` (the few faces the report shows, with their pixels and scores).
import { basename, dirname, join, resolve } from 'node:path';
import { EMOTIONS, FACE_SIZE } from '../types.js';
import type { Emotion, EmotionScores } from '../types.js';
import { EmoscopeError, badArgument } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { FACE_BYTES, facePixels } from '../data/dataset.js';
import type { FaceSet } from '../data/dataset.js';
import type { EvaluationReport } from '../metrics/metrics.js';
import { pickReportFaces } from './report-faces.js';
import type { PickOptions, ReportFace } from './report-faces.js';
import { checkEvaluation } from '../metrics/records.js';
import { writeFileAtomic } from '../util/atomic.js';
import { evaluationFacesFile, evaluationFile, isRunFolder } from '../runs/layout.js';
import { readFolderJsonIfAny } from '../util/folder-files.js';

export { evaluationFile, evaluationFacesFile };

/** One face as `evaluation-<split>-faces.json` keeps it. */
export interface StoredFace {
  /** 48×48 gray values, row-major, base64 */
  pixels: string;
  trueLabel: Emotion;
  /** the model's probabilities, rounded to 4 decimals */
  scores: EmotionScores;
  /** where the face came from: an image path or `fer2013.csv:<line>` */
  origin: string;
}

/** The contents of `evaluation-<split>-faces.json`: the faces and where the evaluation came from. */
export interface StoredFaces {
  format: 'emoscope-evaluation-faces';
  version: 1;
  split: string;
  /** side of the square faces in pixels */
  size: number;
  /** the data set evaluated on, as given */
  data?: string;
  /** `--limit` of the evaluation, when only a sample of the split was evaluated */
  limit?: number;
  /** test-time augmentation of the evaluation, when not none */
  tta?: string;
  /** the model folder evaluated */
  modelDir?: string;
  /** ISO time of the evaluation */
  createdAt: string;
  faces: StoredFace[];
}

/** What `storeRunEvaluation` needs: `evaluate()`'s result, or the same three fields from a training loop. */
export interface RunEvaluationInput {
  report: EvaluationReport;
  /** softmax rows of 7, one per face of `faces` */
  probabilities: Float32Array;
  faces: FaceSet;
}

export interface StoreOptions {
  /** the data set path, recorded so the report can say what the metrics are on */
  data?: string;
  limit?: number;
  /** test-time augmentation used (recorded unless none) */
  tta?: string;
  modelDir?: string;
  /** how many faces to keep (default: `pickReportFaces`'s 24 mistakes and 14 correct) */
  pick?: PickOptions;
}

const STORE_OPTION_KEYS = optionKeys<StoreOptions>({ data: true, limit: true, tta: true, modelDir: true, pick: true });
const PICK_OPTION_KEYS = optionKeys<PickOptions>({ mistakes: true, correct: true });

/** The two files `storeRunEvaluation` wrote. */
export interface StoredEvaluationFiles {
  evaluation: string;
  faces: string;
}

/**
 * Writes `<runDir>/evaluation-<split>.json` (the report as `evaluate --json` writes it) and
 * `<runDir>/evaluation-<split>-faces.json` (the ~40 faces the report shows: the most confident
 * mistakes and correct faces of every class, with pixels and scores; ~130 kB).
 *
 * @example
 * const result = await evaluate({ model: 'runs/tiny', data: 'fer2013', split: 'test' });
 * await storeRunEvaluation('runs/tiny', 'test', result, { data: 'fer2013' });
 * // { evaluation: 'runs/tiny/evaluation-test.json', faces: 'runs/tiny/evaluation-test-faces.json' }
 */
export async function storeRunEvaluation(
  runDir: string,
  split: string,
  result: RunEvaluationInput,
  options: StoreOptions = {},
): Promise<StoredEvaluationFiles> {
  if (typeof runDir !== 'string' || runDir === '') throw badArgument('runDir', 'the path of a run folder', runDir);
  checkOptionKeys(options, STORE_OPTION_KEYS, 'storeRunEvaluation');
  checkOptionKeys(options.pick, PICK_OPTION_KEYS, 'storeRunEvaluation pick');
  const { report, probabilities, faces } = result;
  const k = EMOTIONS.length;
  if (faces.count !== report.n || probabilities.length !== faces.count * k) {
    throw new EmoscopeError(
      'INTERNAL',
      `storeRunEvaluation: expected ${report.n} faces and ${report.n * k} probabilities but received ${faces.count} and ${probabilities.length}`,
    );
  }
  // Pixels are copied only for the faces picked: the map finds each one's place in the packed arrays.
  const indexOf = new Map<ReportFace, number>();
  for (let i = 0; i < faces.count; i++) {
    const scores = Object.fromEntries(EMOTIONS.map((e, c) => [e, probabilities[i * k + c]!])) as EmotionScores;
    indexOf.set({ image: '', trueLabel: EMOTIONS[faces.labels[i]!]!, scores }, i);
  }
  const picked = pickReportFaces([...indexOf.keys()], options.pick);
  const stored: StoredFaces = {
    format: 'emoscope-evaluation-faces',
    version: 1,
    split,
    size: FACE_SIZE,
    ...(options.data !== undefined && { data: options.data }),
    ...(options.limit !== undefined && { limit: options.limit }),
    ...(options.tta !== undefined && options.tta !== 'none' && { tta: options.tta }),
    ...(options.modelDir !== undefined && { modelDir: options.modelDir }),
    createdAt: new Date().toISOString(),
    faces: [...picked.mistakes, ...picked.correct].map((f) => {
      const i = indexOf.get(f)!;
      return {
        pixels: Buffer.from(facePixels(faces, i)).toString('base64'),
        trueLabel: f.trueLabel,
        scores: Object.fromEntries(EMOTIONS.map((e) => [e, Math.round(f.scores[e] * 1e4) / 1e4])) as EmotionScores,
        origin: faces.origins[i] ?? '',
      };
    }),
  };
  const files = { evaluation: join(runDir, evaluationFile(split)), faces: join(runDir, evaluationFacesFile(split)) };
  await writeFileAtomic(files.evaluation, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(files.faces, `${JSON.stringify(stored)}\n`);
  return files;
}

/** An evaluation read back from a run folder. */
export interface StoredEvaluation {
  split: string;
  report: EvaluationReport;
  /** path of `evaluation-<split>.json` */
  file: string;
  /** the stored faces, ready for the report (empty when the faces file is missing) */
  faces: ReportFace[];
  /** the faces file without its faces: data, limit, model, time; undefined when missing */
  details?: Omit<StoredFaces, 'faces'>;
}

/**
 * Reads `<runDir>/evaluation-<split>.json` and its faces file; undefined when the run has no evaluation of
 * that split. A file that is there but malformed is a BAD_DATA error naming it.
 */
export async function readRunEvaluation(runDir: string, split: string): Promise<StoredEvaluation | undefined> {
  if (typeof runDir !== 'string' || runDir === '') throw badArgument('runDir', 'the path of a run folder', runDir);
  const file = join(runDir, evaluationFile(split));
  const report = await readJsonIfAny(file);
  if (report === undefined) return undefined;
  checkEvaluation(report as EvaluationReport, file);
  const facesFile = join(runDir, evaluationFacesFile(split));
  const stored = (await readJsonIfAny(facesFile)) as StoredFaces | undefined;
  if (stored === undefined) return { split, report: report as EvaluationReport, file, faces: [] };
  if (stored.format !== 'emoscope-evaluation-faces' || !Array.isArray(stored.faces)) {
    throw new EmoscopeError('BAD_DATA', `${facesFile}: expected "format": "emoscope-evaluation-faces" and a "faces" list`);
  }
  const faces = stored.faces.map((f, i): ReportFace => {
    const pixels = new Uint8Array(Buffer.from(String(f.pixels), 'base64'));
    if (pixels.length !== FACE_BYTES || !EMOTIONS.includes(f.trueLabel) || EMOTIONS.some((e) => typeof f.scores?.[e] !== 'number')) {
      throw new EmoscopeError(
        'BAD_DATA',
        `${facesFile}: face ${i}: expected ${FACE_BYTES} base64 pixels, a trueLabel among ${EMOTIONS.join(', ')} and a score per emotion`,
      );
    }
    return { image: pixels, trueLabel: f.trueLabel, scores: f.scores };
  });
  const { faces: _faces, ...details } = stored;
  return { split, report: report as EvaluationReport, file, faces, details };
}

/** The run folder a `--model` argument names (a folder with `best/model.json`), or undefined for a model folder. */
export async function runFolderOf(modelArg: string | undefined): Promise<string | undefined> {
  if (modelArg === undefined) return undefined;
  const dir = resolve(modelArg);
  return (await isRunFolder(dir)) ? dir : undefined;
}

/** A JSON file of the run folder (inside it, regular, size-capped), or undefined when it is not there. */
async function readJsonIfAny(path: string): Promise<unknown> {
  return readFolderJsonIfAny(dirname(path), basename(path), { code: 'BAD_DATA' });
}
