// Knowledge distillation: a trained model (the teacher, e.g. the shipped one with 10-crop test-time
// augmentation), or several whose probabilities are averaged (an ensemble taught to one model),
// scores every training face once at the start of a run; its probabilities are then
// blended into each step's targets (engine/loss.ts), so that one forward pass of the student can
// learn what the teacher's several passes know. Annotators' votes (FER+) can stand in for the teacher:
// the same blend, with people's shares of votes as the soft targets.
import type { FaceSet } from '../data/dataset.js';
import { loadModelFolder } from '../model/folder.js';
import { predictProbabilities } from '../model/inference.js';
import type { Tta } from '../model/inference.js';
import { resolveModelDir } from '../runs/locate.js';
import { readVotes, voteTargets } from '../data/votes.js';
import { EmoscopeError } from '../errors.js';
import { printable } from '../util/printable.js';

/**
 * The teachers' probabilities for every face of `faces` ([count × classes], row-major), averaged over
 * the teachers; each is loaded, run and freed in turn.
 */
export async function teacherProbabilities(teachers: readonly string[], faces: FaceSet, tta: Tta, batchSize: number): Promise<Float32Array> {
  if (teachers.length === 0) throw new Error('teacherProbabilities: no teacher');
  let sum: Float32Array | undefined;
  for (const teacher of teachers) {
    const loaded = await loadModelFolder(await resolveModelDir(teacher));
    try {
      const probabilities = predictProbabilities(loaded.model, faces, loaded.meta.preprocessing, batchSize, tta);
      if (!sum) sum = probabilities;
      else for (let i = 0; i < sum.length; i++) sum[i]! += probabilities[i]!;
    } finally {
      loaded.model.dispose();
    }
  }
  return sum!.map((v) => v / teachers.length);
}

/**
 * Soft labels in place of a teacher: each training face's share of annotators' votes (`data/votes.ts`),
 * its own label where the file has no votes for it. A file that matches no training face is an error:
 * it is the wrong file.
 */
export async function softLabelTargets(file: string, faces: FaceSet, onStatus?: (message: string) => void): Promise<Float32Array> {
  const { targets, matched } = voteTargets(await readVotes(file), faces);
  if (matched === 0) {
    throw new EmoscopeError('BAD_DATA', `Soft labels ${printable(file)}: none of its rows names one of the ${faces.count} training faces (faces are matched by file name without extension, or by fer2013.csv row)`);
  }
  onStatus?.(`Soft labels from ${printable(file)}: votes for ${matched} of ${faces.count} training faces (the others keep their label)`);
  return targets;
}

/** The rows of `values` ([n × classes]) at `indices`, in that order. */
export function gatherRows(values: Float32Array, indices: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(indices.length * classes);
  for (let i = 0; i < indices.length; i++) out.set(values.subarray(indices[i]! * classes, (indices[i]! + 1) * classes), i * classes);
  return out;
}
