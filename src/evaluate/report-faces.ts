// The faces the report shows: which ones (the most confident mistakes first, then correct faces of
// every class) and their thumbnails as PNG data: URIs, so the page needs no other file.
import sharp from 'sharp';
import { EMOTIONS, FACE_SIZE } from '../types.js';
import type { Emotion, EmotionScores } from '../types.js';
import { badArgument } from '../errors.js';

/** A test face with the model's scores. */
export interface ReportFace {
  /** gray pixels, row-major, of a square face (48×48 for FER2013), or a `data:image/png;base64,…` URI */
  image: Uint8Array | string;
  trueLabel: Emotion;
  scores: EmotionScores;
  /** defaults to the emotion with the highest score */
  predicted?: Emotion;
}

/** The emotion with the highest score (the first of equals, in EMOTIONS order). */
export function topEmotion(scores: EmotionScores): Emotion {
  return EMOTIONS.reduce((a, b) => (scores[b] > scores[a] ? b : a));
}

/** What the model predicted for `face`, and with which confidence. */
export function prediction(face: ReportFace): { predicted: Emotion; confidence: number } {
  const predicted = face.predicted ?? topEmotion(face.scores);
  return { predicted, confidence: face.scores[predicted] };
}

export interface PickOptions {
  /** how many wrong faces to show, most confident first (default 24) */
  mistakes?: number;
  /** how many correct faces to show, taken in turn from every true class (default 14: two per class) */
  correct?: number;
}

/**
 * Chooses the faces to show: the most confident mistakes (the ones that tell most about what the model
 * has learnt wrong), and correct faces taken round-robin over the true classes, the most confident of
 * each class first, so that every emotion appears.
 */
export function pickReportFaces(faces: readonly ReportFace[], options: PickOptions = {}): { mistakes: ReportFace[]; correct: ReportFace[] } {
  const byConfidence = (a: ReportFace, b: ReportFace) => prediction(b).confidence - prediction(a).confidence;
  const wrong = faces.filter((f) => prediction(f).predicted !== f.trueLabel).sort(byConfidence);
  const right = faces.filter((f) => prediction(f).predicted === f.trueLabel).sort(byConfidence);
  const queues = EMOTIONS.map((e) => right.filter((f) => f.trueLabel === e));
  const correct: ReportFace[] = [];
  const want = options.correct ?? 14;
  for (let round = 0; correct.length < want && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (q[round] && correct.length < want) correct.push(q[round]!);
  }
  return { mistakes: wrong.slice(0, options.mistakes ?? 24), correct };
}

/** A face's thumbnail as a PNG data: URI (data URIs pass through unchanged). */
export async function faceDataUri(image: Uint8Array | string): Promise<string> {
  if (typeof image === 'string') {
    if (!image.startsWith('data:image/')) throw badArgument('face image', 'a data:image/… URI or gray pixels', `${image.slice(0, 40)}…`);
    return image;
  }
  const side = Math.round(Math.sqrt(image.length));
  if (side * side !== image.length || side === 0) {
    throw badArgument('face pixels', `a square of gray pixels (${FACE_SIZE}×${FACE_SIZE} = ${FACE_SIZE * FACE_SIZE} values)`, `${image.length} values`);
  }
  const png = await sharp(Buffer.from(image.buffer, image.byteOffset, image.byteLength), { raw: { width: side, height: side, channels: 1 } })
    .toColourspace('b-w') // a gray PNG: a third of the bytes of the RGB one sharp writes by default
    .png()
    .toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
