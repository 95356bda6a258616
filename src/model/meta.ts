// `emoscope.json`: what a model folder says about itself beyond TF.js's model.json: the labels,
// how faces must be prepared for it, what it is and how it was trained and measured.
import { EMOTIONS, FACE_SIZE } from '../types.js';
import type { Emotion } from '../types.js';
import { EmoscopeError } from '../errors.js';

/** How a face crop becomes the model's input tensor: `value = pixel * scale + offset` on a gray square. */
export interface Preprocessing {
  color: 'grayscale';
  /** side of the square input in pixels */
  size: number;
  scale: number;
  offset: number;
}

export const DEFAULT_PREPROCESSING: Preprocessing = { color: 'grayscale', size: FACE_SIZE, scale: 1 / 255, offset: 0 };

/** The contents of a model folder's `emoscope.json`. */
export interface ModelMeta {
  format: 'emoscope-model';
  version: 1;
  /** output order of the model's softmax */
  labels: Emotion[];
  inputShape: [number, number, number];
  preprocessing: Preprocessing;
  /** registry name of the architecture, e.g. `seed-tuned` */
  architecture: string;
  parameters: number;
  /** where and how it was trained: data path and format, epochs, seed, … */
  training?: Record<string, unknown>;
  /** measured metrics, e.g. `{ val: { accuracy }, test: { accuracy } }` */
  metrics?: Record<string, unknown>;
  createdAt: string;
}

/** Checks a parsed `emoscope.json` and returns it typed; `where` names the file in errors. */
export function parseModelMeta(value: unknown, where: string): ModelMeta {
  if (typeof value !== 'object' || value === null) {
    throw new EmoscopeError('BAD_MODEL', `${where}: expected a JSON object`);
  }
  const meta = value as Partial<ModelMeta>;
  if (meta.format !== 'emoscope-model') {
    throw new EmoscopeError('BAD_MODEL', `${where}: expected "format": "emoscope-model" but received ${JSON.stringify(meta.format)}`);
  }
  const labels = meta.labels;
  if (!Array.isArray(labels) || labels.length !== EMOTIONS.length || labels.some((l, i) => l !== EMOTIONS[i])) {
    throw new EmoscopeError(
      'BAD_MODEL',
      `${where}: expected labels ${JSON.stringify(EMOTIONS)} but received ${JSON.stringify(labels)}`,
    );
  }
  const p = meta.preprocessing;
  if (!p || p.color !== 'grayscale' || !Number.isInteger(p.size) || typeof p.scale !== 'number' || typeof p.offset !== 'number') {
    throw new EmoscopeError('BAD_MODEL', `${where}: expected "preprocessing" {color: "grayscale", size, scale, offset} but received ${JSON.stringify(p)}`);
  }
  return meta as ModelMeta;
}
