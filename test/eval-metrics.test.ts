// Metrics against a confusion matrix computed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedAccuracy, classMetrics, confusionMatrix, evaluatePredictions } from '../src/metrics/metrics.js';
import { formatEvaluation } from '../src/metrics/format.js';

// 10 faces; truth and predictions as EMOTIONS indices (0 angry, 1 disgust, 3 happy, 6 neutral).
const truth = [0, 0, 0, 1, 3, 3, 3, 3, 6, 6];
const predicted = [0, 0, 3, 0, 3, 3, 3, 6, 6, 3];

test('confusion matrix counts (true, predicted) pairs, rows true and columns predicted', () => {
  const m = confusionMatrix(truth, predicted, 7);
  assert.deepEqual(m[0], [2, 0, 0, 1, 0, 0, 0]); // angry: 2 right, 1 called happy
  assert.deepEqual(m[1], [1, 0, 0, 0, 0, 0, 0]); // disgust: called angry
  assert.deepEqual(m[3], [0, 0, 0, 3, 0, 0, 1]);
  assert.deepEqual(m[6], [0, 0, 0, 1, 0, 0, 1]);
  assert.deepEqual(m[2], [0, 0, 0, 0, 0, 0, 0]);
  assert.equal(m.flat().reduce((a, b) => a + b, 0), 10);
});

test('per-class precision, recall, F1 and support match the hand computation', () => {
  const report = evaluatePredictions(truth, predicted);
  assert.equal(report.accuracy, 6 / 10);
  assert.equal(report.n, 10);
  // angry: TP 2, predicted angry 3 (2 + the disgust face), support 3
  assert.deepEqual(report.perClass.angry, { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
  // happy: TP 3, predicted happy 5 (3 + angry + neutral), support 4
  const happy = report.perClass.happy;
  assert.equal(happy.precision, 3 / 5);
  assert.equal(happy.recall, 3 / 4);
  assert.ok(Math.abs(happy.f1 - (2 * 0.6 * 0.75) / 1.35) < 1e-12);
  // disgust: never predicted, never right: 0 everywhere but support
  assert.deepEqual(report.perClass.disgust, { precision: 0, recall: 0, f1: 0, support: 1 });
  // fear: absent from truth and predictions
  assert.deepEqual(report.perClass.fear, { precision: 0, recall: 0, f1: 0, support: 0 });
  // balanced accuracy: mean recall of the 4 classes present
  assert.ok(Math.abs(balancedAccuracy(report) - (2 / 3 + 0 + 3 / 4 + 1 / 2) / 4) < 1e-12);
});

test('the report names labels in FER2013 order and the matrix is 7×7', () => {
  const report = evaluatePredictions(truth, predicted);
  assert.deepEqual(report.labels, ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
  assert.equal(report.confusionMatrix.length, 7);
  assert.ok(report.confusionMatrix.every((row) => row.length === 7));
});

test('classMetrics of a class never predicted has precision 0, not NaN', () => {
  const m = confusionMatrix([1, 1], [0, 0], 7);
  assert.equal(classMetrics(m, 1).precision, 0);
});

test('mismatched lengths and out-of-range labels are errors that say what was received', () => {
  assert.throws(() => confusionMatrix([0, 1], [0], 7), /expected as many predictions as labels but received 1 and 2/);
  assert.throws(() => confusionMatrix([0, 9], [0, 0], 7), /expected labels in 0..6 but received 9/);
});

test('the printed evaluation shows accuracy, the per-class table and the matrix', () => {
  const text = formatEvaluation(evaluatePredictions(truth, predicted));
  assert.match(text, /accuracy 0\.600 on 10 faces/);
  assert.match(text, /angry\s+0\.667\s+0\.667\s+0\.667\s+3/);
  assert.match(text, /true \\ predicted\s+angry\s+disgust/);
  assert.match(text, /happy\s+0\s+0\s+0\s+3\s+0\s+0\s+1/);
});
