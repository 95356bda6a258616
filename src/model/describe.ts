// What a model folder says about itself, in words for people: the accuracy it was measured at and
// the data it learned from. Shared by `emoscope --version` and the web page's "Please read" footer,
// which must not call a user's own model a FER2013 model.
import type { ModelMeta } from './meta.js';

/** One accuracy a model's `metrics` hold: the split, its name for people when given (`FER2013 PrivateTest`), the figure. */
export interface Measurement {
  split: 'test' | 'val';
  name?: string;
  accuracy: number;
}

/** The accuracies measured on the test and validation splits (test first), from `metrics`. */
export function measurements(meta: ModelMeta): Measurement[] {
  const metrics = meta.metrics ?? {};
  const names = (metrics['splits'] ?? {}) as Record<string, string>;
  return (['test', 'val'] as const).flatMap((split) => {
    const accuracy = (metrics[split] as { accuracy?: unknown } | undefined)?.accuracy;
    const name = names[split];
    return typeof accuracy === 'number' ? [{ split, accuracy, ...(name !== undefined && { name }) }] : [];
  });
}

/** `accuracy 0.7077 on FER2013 PrivateTest`, … for each split measured (test first). */
export function measuredAccuracies(meta: ModelMeta): string[] {
  return measurements(meta).map((m) => `accuracy ${m.accuracy.toFixed(4)} on ${m.name ?? `the ${m.split} split`}`);
}

/** Where a model's training faces came from, as far as its emoscope.json tells. */
export type TrainingSource =
  | { kind: 'fer2013' }
  | { kind: 'own'; name: string; faces?: number; from?: string }
  | { kind: 'unknown' };

/**
 * FER2013 when the model was trained on FER2013's CSV or measured on FER2013's test splits (as the
 * shipped model is); otherwise the folder it was trained on (its last path part), or unknown.
 */
export function trainingSource(meta: ModelMeta): TrainingSource {
  const training = meta.training ?? {};
  const splits = Object.values((meta.metrics?.['splits'] ?? {}) as Record<string, unknown>);
  if (training['format'] === 'fer2013-csv' || splits.some((s) => typeof s === 'string' && s.startsWith('FER2013'))) return { kind: 'fer2013' };
  const data = training['data'];
  if (typeof data !== 'string' || data === '') return { kind: 'unknown' };
  const faces = training['trainFaces'];
  const init = (training['config'] as Record<string, unknown> | undefined)?.['init'];
  return {
    kind: 'own',
    name: lastPart(data),
    ...(typeof faces === 'number' && { faces }),
    ...(typeof init === 'string' && init !== '' && { from: lastPart(init) }),
  };
}

/** `runs/faces/` → `faces`. */
function lastPart(path: string): string {
  return path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || path;
}
