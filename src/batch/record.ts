// A photo's result as stored in Redis: compact JSON, bounded in size, and turned back into exactly
// the PhotoResult that `predict` prints. The first character says which kind it is, so that the
// write script can keep the done/failed counters without parsing JSON:
//   d["/photos/a.jpg",640,446,[[x,y,w,h,score,emotionIndex,angry,…,neutral],…]]
//   f["/photos/b.jpg","BAD_IMAGE","/photos/b.jpg: …"]
//   p   (the result of a photo submitted again after it changed, dropped until its new job writes one)
import { EmoscopeError, ERROR_CATALOGUE } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { EMOTIONS } from '../types.js';
import type { EmotionScores, FaceResult, PhotoResult } from '../types.js';
import { MAX_STORED_ERROR, MAX_STORED_FACES } from './defaults.js';

/** The marks of the two kinds of record. */
export const DONE_MARK = 'd';
export const FAILED_MARK = 'f';
/** The whole value of a results field whose result was dropped (store.ts's dropResults) until the photo's new job writes one: no result, not listed. */
export const PENDING_MARK = 'p';

type StoredFace = [number, number, number, number, number, number, ...number[]];

/** The stored form of `result`; at most MAX_STORED_FACES faces (the highest detector scores, left-to-right order kept). */
export function encodeResult(result: PhotoResult): string {
  if (result.error !== undefined) {
    return FAILED_MARK + JSON.stringify([result.file, result.errorCode ?? 'INTERNAL', result.error.slice(0, MAX_STORED_ERROR)]);
  }
  let faces = result.faces;
  if (faces.length > MAX_STORED_FACES) {
    const kept = new Set([...faces].sort((a, b) => b.score - a.score).slice(0, MAX_STORED_FACES));
    faces = faces.filter((f) => kept.has(f));
  }
  const stored = faces.map((f): StoredFace => [f.box.x, f.box.y, f.box.width, f.box.height, f.score, EMOTIONS.indexOf(f.emotion), ...EMOTIONS.map((e) => f.scores[e])]);
  return DONE_MARK + JSON.stringify([result.file, result.width, result.height, stored]);
}

/** A failure recorded for `file` without a PhotoResult from the recognizer (a job given up). */
export function encodeFailure(file: string, code: ErrorCode, message: string): string {
  return encodeResult({ file, width: 0, height: 0, faces: [], error: message, errorCode: code });
}

/** The PhotoResult stored as `value`. Throws INTERNAL for a value this version did not write. */
export function decodeResult(value: string): PhotoResult {
  try {
    const body: unknown = JSON.parse(value.slice(1));
    if (value[0] === FAILED_MARK && Array.isArray(body) && body.length === 3) {
      const [file, code, error] = body as [string, string, string];
      const errorCode = (typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code) ? code : 'INTERNAL') as ErrorCode;
      return { file, width: 0, height: 0, faces: [], error, errorCode };
    }
    if (value[0] === DONE_MARK && Array.isArray(body) && body.length === 4) {
      const [file, width, height, faces] = body as [string, number, number, StoredFace[]];
      return { file, width, height, faces: faces.map(decodeFace) };
    }
  } catch {
    // reported below
  }
  throw new EmoscopeError('INTERNAL', `A stored batch result is not in the expected form: ${JSON.stringify(value.slice(0, 80))}`);
}

function decodeFace(f: StoredFace): FaceResult {
  const [x, y, width, height, score, emotion] = f;
  const scores = {} as EmotionScores;
  EMOTIONS.forEach((e, i) => { scores[e] = f[6 + i]!; });
  return { box: { x, y, width, height }, score, emotion: EMOTIONS[emotion]!, scores };
}
