// Choosing what the report lists: the most-confused class pairs and the faces to show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mostConfusedPairs } from '../src/report/confused-pairs.js';
import { pickReportFaces, topEmotion } from '../src/evaluate/report-faces.js';
import type { ReportFace } from '../src/evaluate/report-faces.js';
import type { EvaluationLike } from '../src/metrics/records.js';
import { EVALUATION, FACES, pixels, scores } from './report-fixtures.js';

const metrics = { precision: 0, recall: 0, f1: 0, support: 0 };

/** a: 10 faces, b: 20, c: 5. */
const SMALL: EvaluationLike = {
  accuracy: 0.5,
  n: 35,
  labels: ['a', 'b', 'c'],
  confusionMatrix: [
    [4, 3, 3], // a→b and a→c tie at 3 (30% of a)
    [6, 12, 2], // b→a 6 (30% of b)
    [3, 0, 2], // c→a 3 (60% of c), c→b 0
  ],
  perClass: { a: metrics, b: metrics, c: metrics },
};

test('mostConfusedPairs on a 3×3 matrix: by count, then by share of the true class, then label order', () => {
  assert.deepEqual(mostConfusedPairs(SMALL, 4), [
    { trueLabel: 'b', predicted: 'a', count: 6, rate: 0.3 },
    { trueLabel: 'c', predicted: 'a', count: 3, rate: 0.6 },
    { trueLabel: 'a', predicted: 'b', count: 3, rate: 0.3 },
    { trueLabel: 'a', predicted: 'c', count: 3, rate: 0.3 },
  ]);
});

test('mostConfusedPairs never lists the diagonal or empty cells, and k larger than the pairs gives them all', () => {
  const all = mostConfusedPairs(SMALL, 100);
  assert.equal(all.length, 5); // 6 off-diagonal cells, one of them empty
  assert.ok(all.every((p) => p.trueLabel !== p.predicted && p.count > 0));
  assert.deepEqual(mostConfusedPairs(SMALL, 0), []);
  const perfect = { ...SMALL, confusionMatrix: [[10, 0, 0], [0, 20, 0], [0, 0, 5]] };
  assert.deepEqual(mostConfusedPairs(perfect, 3), []);
});

test('mostConfusedPairs on the 7-class fixture: sad→neutral, fear→sad, neutral→sad', () => {
  const top = mostConfusedPairs(EVALUATION, 3).map((p) => `${p.trueLabel}→${p.predicted} ${p.count}`);
  assert.deepEqual(top, ['sad→neutral 28', 'fear→sad 25', 'neutral→sad 21']);
});

test('pickReportFaces: the most confident mistakes first, then correct faces of every class in turn', () => {
  const { mistakes, correct } = pickReportFaces(FACES);
  assert.deepEqual(mistakes.map((f) => [f.trueLabel, topEmotion(f.scores), f.scores[topEmotion(f.scores)]]), [
    ['angry', 'disgust', 0.9],
    ['sad', 'neutral', 0.7],
    ['fear', 'sad', 0.5],
  ]);
  // round-robin over classes in EMOTIONS order: happy (its most confident), surprise, neutral, then happy again
  assert.deepEqual(correct.map((f) => [f.trueLabel, f.scores[f.trueLabel]]), [
    ['happy', 0.99],
    ['surprise', 0.8],
    ['neutral', 0.6],
    ['happy', 0.95],
  ]);
  const few = pickReportFaces(FACES, { mistakes: 1, correct: 2 });
  assert.deepEqual([few.mistakes.length, few.correct.map((f) => f.trueLabel)], [1, ['happy', 'surprise']]);
});

test('pickReportFaces uses a given prediction over the scores', () => {
  const face: ReportFace = { image: pixels(0), trueLabel: 'happy', scores: scores('happy', 0.6), predicted: 'sad' };
  assert.equal(pickReportFaces([face]).mistakes.length, 1);
});
