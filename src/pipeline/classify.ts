// From a loaded classifier to emotion scores, the same in Node and in the browser: the model checked
// against its emoscope.json, batch norm folded, probabilities → the seven named scores, rounded.
import type * as tfl from '@tensorflow/tfjs-layers';
import { EmoscopeError, badArgument } from '../errors.js';
import { inferenceClassifier } from '../model/folded.js';
import type { Classifier } from '../model/folded.js';
import { predictProbabilities } from '../model/inference.js';
import type { Tta } from '../model/inference.js';
import type { ModelMeta } from '../model/meta.js';
import { EMOTIONS } from '../types.js';
import type { Emotion, EmotionScores } from '../types.js';

/** Emotions of faces already cropped: `count` faces of size×size gray bytes, one after another. */
export type ClassifyFaces = (pixels: Uint8Array, count: number, tta?: Tta) => EmotionScores[];

/** A classifier ready for faces: its scoring function, and dispose() to free the folded weights. */
export interface FaceClassifier {
  classify: ClassifyFaces;
  /** side of the square gray faces it takes */
  size: number;
  dispose(): void;
}

/**
 * Checks `model` against `meta` (`name` names it in errors), folds its batch norm into the
 * convolutions and returns the scoring function.
 */
export function faceClassifier(model: tfl.LayersModel, meta: ModelMeta, name: string, batchSize: number, tta: Tta): FaceClassifier {
  checkModel(model, meta, name);
  const classifier: Classifier = inferenceClassifier(model); // batch norm folded into the convolutions
  const classes = meta.labels.length;
  return {
    size: meta.preprocessing.size,
    classify(pixels, count, callTta = tta) {
      const side = meta.preprocessing.size;
      if (!Number.isSafeInteger(count) || count < 0) throw badArgument('count', 'a whole number of faces', count);
      if (!(pixels instanceof Uint8Array) || pixels.length !== count * side * side) {
        throw badArgument('pixels', `${count} × ${side} × ${side} = ${count * side * side} bytes`, pixels instanceof Uint8Array ? `${pixels.length} bytes` : typeof pixels);
      }
      const probs = predictProbabilities(classifier, { pixels, count }, meta.preprocessing, batchSize, callTta);
      return Array.from({ length: count }, (_, i) => toScores(probs.subarray(i * classes, (i + 1) * classes), meta));
    },
    dispose: () => classifier.dispose(),
  };
}

/** Refuses a model whose outputs are not the seven emotions or whose input is not what its meta says. */
export function checkModel(model: tfl.LayersModel, meta: ModelMeta, name: string): void {
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

/** A row of probabilities in the model's label order → scores by emotion name, four decimals. */
export function toScores(probs: Float32Array, meta: ModelMeta): EmotionScores {
  const scores = {} as EmotionScores;
  for (const e of EMOTIONS) scores[e] = round4(probs[meta.labels.indexOf(e)]!);
  return scores;
}

/** The emotion with the highest score (the first in EMOTIONS' order on a tie). */
export function topEmotion(scores: EmotionScores): Emotion {
  return EMOTIONS.reduce((best, e) => (scores[e] > scores[best] ? e : best), EMOTIONS[0]);
}

/** Four decimals: enough for a probability, short in JSON. */
export function round4(p: number): number {
  return Math.round(p * 1e4) / 1e4;
}
