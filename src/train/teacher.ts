// Knowledge distillation: a trained model (the teacher, e.g. the shipped one with 10-crop test-time
// augmentation) scores every training face once at the start of a run; its probabilities are then
// blended into each step's targets (engine/loss.ts), so that one forward pass of the student can
// learn what the teacher's several passes know.
import type { FaceSet } from '../data/dataset.js';
import { loadModelFolder } from '../model/folder.js';
import { predictProbabilities } from '../model/inference.js';
import type { Tta } from '../model/inference.js';
import { resolveModelDir } from '../runs/locate.js';

/** The teacher's probabilities for every face of `faces` ([count × classes], row-major). */
export async function teacherProbabilities(teacher: string, faces: FaceSet, tta: Tta, batchSize: number): Promise<Float32Array> {
  const loaded = await loadModelFolder(await resolveModelDir(teacher));
  try {
    return predictProbabilities(loaded.model, faces, loaded.meta.preprocessing, batchSize, tta);
  } finally {
    loaded.model.dispose();
  }
}

/** The rows of `values` ([n × classes]) at `indices`, in that order. */
export function gatherRows(values: Float32Array, indices: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(indices.length * classes);
  for (let i = 0; i < indices.length; i++) out.set(values.subarray(indices[i]! * classes, (indices[i]! + 1) * classes), i * classes);
  return out;
}
