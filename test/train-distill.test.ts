// Knowledge distillation (`train --teacher`): the targets blend the smoothed label with the
// teacher's probabilities, and a student trained towards a teacher learns the teacher's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { batchTargets } from '../src/engine/loss.js';
import { addClassOffsets } from '../src/model/class-offsets.js';
import { loadModelFolder, saveModelFolder } from '../src/model/folder.js';
import { resolveTrainConfig } from '../src/train/config.js';
import { teacherProbabilities } from '../src/train/teacher.js';
import { loadDataset } from '../src/data/load.js';
import { runCli } from './helpers/cli.js';
import { getArchitecture } from '../src/model/registry.js';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { EMOTIONS } from '../src/types.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';

test('targets are (1-α)·(smoothed one-hot) + α·teacher, face weights still from the labels', () => {
  const onehot = [1, 0, 0, 0, 1, 0];
  const soft = [0.2, 0.3, 0.5, 0.6, 0.3, 0.1];
  const { targets, faceWeights } = batchTargets(onehot, 3, { labelSmoothing: 0.3, soft, softWeight: 0.25, classWeights: [1, 3, 1] });
  const smoothed = onehot.map((v) => v * 0.7 + 0.1);
  targets.forEach((t, i) => assert.ok(Math.abs(t - (0.75 * smoothed[i]! + 0.25 * soft[i]!)) < 1e-6, `target ${i}: ${t}`));
  assert.deepEqual([...faceWeights], [0.25, 0.75]);
  assert.throws(() => batchTargets(onehot, 3, { soft: [0.5, 0.5] }), /expected 6 values \(2 faces × 3\) but received 2/);
  assert.throws(() => batchTargets(onehot, 3, { soft }), /softWeight .* is missing/);
  assert.throws(() => resolveTrainConfig(getArchitecture('tiny'), { data: 'x', model: 'tiny', out: 'y', distill: 1.5 }), /distill/);
});

test('a student distilled from a teacher that answers disgust learns to answer disgust; without the teacher it does not', async () => {
  const dir = await tempDir();
  await train({ data: FER_FOLDERS, model: 'tiny', out: join(dir, 'base'), epochs: 1, callbacks: {} });
  const teacher = await loadModelFolder(join(dir, 'base', 'best'));
  addClassOffsets(teacher.model, EMOTIONS.map((e) => (e === 'disgust' ? 40 : 0)));
  await saveModelFolder(join(dir, 'teacher'), teacher.model, teacher.meta);
  teacher.model.dispose();
  const disgustShare = async (run: string) => {
    const { report } = await evaluate({ model: run, data: FER_FOLDERS, split: 'train' });
    const predicted = report.confusionMatrix.reduce((a, row) => a + row[EMOTIONS.indexOf('disgust')]!, 0);
    return predicted / report.confusionMatrix.flat().reduce((a, b) => a + b, 0);
  };
  const common = { data: FER_FOLDERS, model: 'tiny', epochs: 4, patience: 0, seed: 5, callbacks: {} };
  const status: string[] = [];
  await train({ ...common, out: join(dir, 'student'), teacher: join(dir, 'teacher'), teacherTta: 'none', distill: 1, callbacks: { onStatus: (m) => status.push(m) } });
  assert.match(status.join('\n'), /teacher.*scoring \d+ training faces/i, 'the slow scoring is announced');
  await train({ ...common, out: join(dir, 'plain') });
  const [student, plain] = [await disgustShare(join(dir, 'student', 'last')), await disgustShare(join(dir, 'plain', 'last'))];
  assert.ok(student > 0.8, `the student answers disgust for ${student} of the faces`);
  assert.ok(plain < 0.5, `without the teacher: ${plain}`);
});

/** A copy of `base` whose final layer adds `offset` to one emotion's logit: a teacher that answers it. */
async function biasedTeacher(base: string, out: string, emotion: string, offset: number): Promise<string> {
  const teacher = await loadModelFolder(base);
  addClassOffsets(teacher.model, EMOTIONS.map((e) => (e === emotion ? offset : 0)));
  await saveModelFolder(out, teacher.model, teacher.meta);
  teacher.model.dispose();
  return out;
}

test('several teachers: their probabilities are averaged, on the CLI too (--teacher a b), and a resume must name the same ones', async () => {
  const dir = await tempDir();
  await train({ data: FER_FOLDERS, model: 'tiny', out: join(dir, 'base'), epochs: 1, callbacks: {} });
  const disgust = await biasedTeacher(join(dir, 'base', 'best'), join(dir, 'disgust'), 'disgust', 40);
  const happy = await biasedTeacher(join(dir, 'base', 'best'), join(dir, 'happy'), 'happy', 40);
  const faces = (await loadDataset(FER_FOLDERS, { splits: ['train'] })).splits.train;
  const both = await teacherProbabilities([disgust, happy], faces, 'none', 64);
  const [d, h] = [EMOTIONS.indexOf('disgust'), EMOTIONS.indexOf('happy')];
  assert.equal(both.length, faces.count * EMOTIONS.length);
  for (let i = 0; i < faces.count; i++) {
    const row = both.subarray(i * EMOTIONS.length, (i + 1) * EMOTIONS.length);
    assert.ok(Math.abs(row[d]! - 0.5) < 0.01 && Math.abs(row[h]! - 0.5) < 0.01, `face ${i}: disgust ${row[d]}, happy ${row[h]}`);
  }
  const [alone, again] = [await teacherProbabilities([disgust], faces, 'none', 64), await teacherProbabilities([disgust, disgust], faces, 'none', 64)];
  alone.forEach((v, i) => assert.ok(Math.abs(v - again[i]!) < 1e-6, 'one teacher twice is that teacher'));

  const out = join(dir, 'student');
  const run = await runCli(['train', '--data', FER_FOLDERS, '--model', 'tiny', '--out', out, '--epochs', '1', '--teacher', disgust, happy, '--teacher-tta', 'none', '--distill', '1']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Teachers .*disgust, .*happy \(probabilities averaged\)/);
  const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as { teacher: string[] };
  assert.deepEqual(config.teacher.map((t) => resolve(t)), [disgust, happy].map((t) => resolve(t)), 'the run records both teachers');
  const other = await runCli(['train', '--out', out, '--resume', '--epochs', '2', '--teacher', disgust]);
  assert.notEqual(other.code, 0);
  assert.match(other.stderr, /--teacher .*disgust \(the run's: \[.*disgust.*happy.*\]\)/);
  const same = await runCli(['train', '--out', out, '--resume', '--epochs', '2', '--teacher', disgust, '--teacher', happy, '--teacher-tta', 'none']);
  assert.equal(same.code, 0, same.stderr);

  // A missing teacher is named before the data loads and before any other teacher scores a face.
  const status: string[] = [];
  const missing = join(dir, 'no-such-teacher');
  await assert.rejects(train({ data: FER_FOLDERS, model: 'tiny', out: join(dir, 'missing'), epochs: 1, teacher: [disgust, missing], callbacks: { onStatus: (m) => status.push(m) } }), /No model at .*no-such-teacher/);
  assert.deepEqual(status, []);
  await assert.rejects(readFile(join(dir, 'missing', 'config.json')), { code: 'ENOENT' });
});

test('a run folder written when a run had at most one teacher (teacher: "" or a path) still resolves', () => {
  const tiny = getArchitecture('tiny');
  assert.deepEqual(resolveTrainConfig(tiny, { data: 'x', model: 'tiny', out: 'y', teacher: '' }).teacher, []);
  assert.deepEqual(resolveTrainConfig(tiny, { data: 'x', model: 'tiny', out: 'y', teacher: 'runs/a' }).teacher, ['runs/a']);
  assert.throws(() => resolveTrainConfig(tiny, { data: 'x', model: 'tiny', out: 'y', teacher: [3] as unknown as string[] }), /model folders \(a list of paths\) for teacher/);
});
