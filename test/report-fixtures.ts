// Hand-made inputs for the report tests: a short history, a 7-class evaluation whose numbers are easy to
// check by eye, and faces with known scores. Pure data, no side effects.
import { EMOTIONS } from '../src/types.js';
import type { Emotion, EmotionScores } from '../src/types.js';
import type { EvaluationLike, HistoryLike } from '../src/metrics/records.js';
import type { ReportFace } from '../src/evaluate/report-faces.js';

/** Five epochs; validation accuracy peaks at epoch 3 (0.61) and then falls: over-fitting. */
export const HISTORY: HistoryLike = {
  epochs: [
    { epoch: 1, loss: 1.8, acc: 0.3, valLoss: 1.7, valAcc: 0.35, seconds: 60 },
    { epoch: 2, loss: 1.4, acc: 0.45, valLoss: 1.35, valAcc: 0.5, seconds: 58 },
    { epoch: 3, loss: 1.1, acc: 0.6, valLoss: 1.2, valAcc: 0.61, seconds: 59 },
    { epoch: 4, loss: 0.9, acc: 0.7, valLoss: 1.25, valAcc: 0.6, seconds: 61 },
    { epoch: 5, loss: 0.7, acc: 0.8, valLoss: 1.4, valAcc: 0.58, seconds: 62 },
  ],
};

/** Rows are true classes: angry, disgust, fear, happy, sad, surprise, neutral. */
export const MATRIX = [
  [50, 2, 8, 5, 20, 0, 15], // angry: 100
  [6, 3, 0, 0, 1, 0, 0], //     disgust: 10
  [10, 0, 40, 5, 25, 10, 10], // fear: 100
  [2, 0, 2, 180, 4, 4, 8], //   happy: 200
  [12, 0, 14, 6, 60, 0, 28], // sad: 120
  [1, 0, 9, 5, 1, 80, 4], //    surprise: 100
  [5, 0, 4, 10, 21, 0, 110], // neutral: 150
];

function evaluationOf(matrix: number[][]): EvaluationLike {
  const k = matrix.length;
  const rows = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = Array.from({ length: k }, (_, j) => matrix.reduce((a, r) => a + r[j]!, 0));
  const n = rows.reduce((a, b) => a + b, 0);
  const perClass = Object.fromEntries(
    EMOTIONS.map((label, i) => {
      const tp = matrix[i]![i]!;
      const precision = cols[i] ? tp / cols[i]! : 0;
      const recall = rows[i] ? tp / rows[i]! : 0;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      return [label, { precision, recall, f1, support: rows[i]! }];
    }),
  );
  return { accuracy: matrix.reduce((a, r, i) => a + r[i]!, 0) / n, n, labels: [...EMOTIONS], confusionMatrix: matrix, perClass };
}

/** 780 faces, 523 right: accuracy 0.6705…; happy's precision 180/211. */
export const EVALUATION: EvaluationLike = evaluationOf(MATRIX);

/** Scores with `confidence` on `top` and the rest spread evenly. */
export function scores(top: Emotion, confidence: number): EmotionScores {
  const rest = (1 - confidence) / (EMOTIONS.length - 1);
  return Object.fromEntries(EMOTIONS.map((e) => [e, e === top ? confidence : rest])) as EmotionScores;
}

/** A 48×48 gray face (a diagonal gradient) tinted by `shade`. */
export function pixels(shade: number): Uint8Array {
  return new Uint8Array(48 * 48).map((_, i) => (shade + (i % 48) + Math.floor(i / 48)) % 256);
}

/** Three mistakes with confidences 0.5, 0.9, 0.7 and four correct faces. */
export const FACES: ReportFace[] = [
  { image: pixels(10), trueLabel: 'fear', scores: scores('sad', 0.5) },
  { image: pixels(20), trueLabel: 'angry', scores: scores('disgust', 0.9) },
  { image: pixels(30), trueLabel: 'sad', scores: scores('neutral', 0.7) },
  { image: pixels(40), trueLabel: 'happy', scores: scores('happy', 0.95) },
  { image: pixels(50), trueLabel: 'happy', scores: scores('happy', 0.99) },
  { image: pixels(60), trueLabel: 'surprise', scores: scores('surprise', 0.8) },
  { image: pixels(70), trueLabel: 'neutral', scores: scores('neutral', 0.6) },
];
