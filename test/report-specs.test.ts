// The chart specifications: the series and their lengths, axis titles, the best epoch, the numbers in the data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { EMOTIONS } from '../src/types.js';
import { trainingCurvesSpec } from '../src/charts/specs/training-curves.js';
import { epochTimesSpec } from '../src/charts/specs/epoch-times.js';
import { confusionMatrixSpec } from '../src/charts/specs/confusion-matrix.js';
import type { MatrixCell } from '../src/charts/specs/confusion-matrix.js';
import { perClassSpec } from '../src/charts/specs/per-class.js';
import type { MetricBar } from '../src/charts/specs/per-class.js';
import { confidenceBarsSpec } from '../src/charts/specs/confidence-bars.js';
import type { ConfidenceBar } from '../src/charts/specs/confidence-bars.js';
import { classCountsSpec } from '../src/charts/specs/class-counts.js';
import type { CurvePoint } from '../src/charts/specs/training-curves.js';
import { EmoscopeError } from '../src/errors.js';
import { EVALUATION, HISTORY, MATRIX, scores } from './report-fixtures.js';

// Specs are plain JSON; tests walk them as such.
type Json = Record<string, any>; // untyped JSON walked by path: `any` keeps the assertions readable
const asJson = (spec: TopLevelSpec) => JSON.parse(JSON.stringify(spec)) as Json;

/** Compiles with vega-lite and returns its warnings: a spec a web page can use compiles without any. */
function compileWarnings(spec: TopLevelSpec): string[] {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => { throw new Error(m.join(' ')); },
    warn: (...m: unknown[]) => (warnings.push(m.join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  compile(spec, { logger: logger as never });
  return warnings;
}

test('training curves: four series of one point per epoch, accuracy and loss panels', () => {
  const spec = asJson(trainingCurvesSpec(HISTORY));
  const points = spec.data.values as CurvePoint[];
  const series = (metric: string, s: string) => points.filter((p) => p.metric === metric && p.series === s);
  assert.deepEqual(series('accuracy', 'train').map((p) => p.value), [0.3, 0.45, 0.6, 0.7, 0.8]);
  assert.deepEqual(series('accuracy', 'validation').map((p) => p.value), [0.35, 0.5, 0.61, 0.6, 0.58]);
  assert.deepEqual(series('loss', 'train').map((p) => p.epoch), [1, 2, 3, 4, 5]);
  assert.deepEqual(series('loss', 'validation').map((p) => p.value), [1.7, 1.35, 1.2, 1.25, 1.4]);
  assert.equal(points.length, 4 * HISTORY.epochs.length);

  assert.equal(spec.hconcat.length, 2);
  const lines = spec.hconcat.map((panel: Json) => panel.layer[0]);
  assert.deepEqual(lines.map((l: Json) => l.encoding.y.title), ['accuracy', 'loss']);
  assert.deepEqual(lines.map((l: Json) => l.encoding.x.title), ['epoch', 'epoch']);
  assert.deepEqual(lines.map((l: Json) => l.transform[0].filter.equal), ['accuracy', 'loss']);
  assert.deepEqual(lines[0].encoding.color.scale.domain, ['train', 'validation']);
  assert.deepEqual(compileWarnings(trainingCurvesSpec(HISTORY)), []);
});

test('training curves: the best epoch (highest validation accuracy) is marked in both panels', () => {
  const spec = asJson(trainingCurvesSpec(HISTORY));
  const marks = spec.hconcat.map((panel: Json) => panel.layer[1].data.values[0]);
  assert.deepEqual(marks.map((m: Json) => m.epoch), [3, 3]);
  assert.deepEqual(marks.map((m: Json) => m.value), [0.61, 1.2]); // validation accuracy and loss at epoch 3
  assert.match(spec.title.subtitle, /best epoch 3 of 5: validation accuracy 0\.610/);
  const ruleTypes = spec.hconcat.map((panel: Json) => panel.layer[1].layer[0].mark.type);
  assert.deepEqual(ruleTypes, ['rule', 'rule']);
});

test('training curves: a single epoch still gives a spec; no epoch is an error naming "epochs"', () => {
  const one = asJson(trainingCurvesSpec({ epochs: HISTORY.epochs.slice(0, 1) }));
  assert.equal(one.data.values.length, 4);
  assert.deepEqual(one.hconcat[0].layer[0].encoding.x.scale.domain, [0, 2]);
  assert.throws(() => trainingCurvesSpec({ epochs: [] }), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_DATA' && /"epochs"/.test(e.message));
});

test('epoch times: one bar per epoch with its seconds, total and mean in the subtitle', () => {
  const spec = asJson(epochTimesSpec(HISTORY));
  assert.deepEqual(spec.data.values.map((v: Json) => v.seconds), [60, 58, 59, 61, 62]);
  assert.equal(spec.encoding.y.title, 'seconds');
  assert.equal(spec.title.subtitle, 'total 5 min, mean 1 min per epoch');
});

test('confusion matrix: one cell per (true, predicted) with counts and row shares, axes "true" and "predicted"', () => {
  const spec = asJson(confusionMatrixSpec(EVALUATION));
  const cells = spec.data.values as MatrixCell[];
  assert.equal(cells.length, 49);
  const cell = (a: string, p: string) => cells.find((c) => c.actual === a && c.predicted === p)!;
  assert.equal(cell('sad', 'neutral').count, 28);
  assert.equal(cell('sad', 'neutral').fraction, 28 / 120);
  assert.equal(cell('happy', 'happy').fraction, 0.9);
  for (const label of EMOTIONS) {
    const sum = cells.filter((c) => c.actual === label).reduce((a, c) => a + c.fraction!, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `${label} row shares sum to ${sum}`);
  }
  assert.equal(spec.encoding.x.title, 'predicted');
  assert.equal(spec.encoding.y.title, 'true');
  assert.deepEqual(spec.encoding.x.sort, [...EMOTIONS]);
  assert.deepEqual(spec.encoding.y.sort, [...EMOTIONS]);
  assert.equal(spec.layer[0].encoding.color.field, 'count');
  assert.deepEqual(spec.layer[0].encoding.color.scale.domain, [0, 180]);
  assert.equal(spec.layer[0].encoding.color.legend.tickMinStep, 1, 'a count legend ticks whole faces only (no 0, 1, 1, 2, 2, 3 on a small matrix)');
  assert.equal(spec.layer[1].encoding.text.format, 'd');
  assert.deepEqual(compileWarnings(confusionMatrixSpec(EVALUATION)), []);
});

test('confusion matrix normalized: colour and text by the share of the row, on 0–100%', () => {
  const spec = asJson(confusionMatrixSpec(EVALUATION, { normalize: true }));
  assert.equal(spec.layer[0].encoding.color.field, 'fraction');
  assert.deepEqual(spec.layer[0].encoding.color.scale.domain, [0, 1]);
  assert.equal(spec.layer[1].encoding.text.format, '.0%');
  assert.match(spec.title.subtitle, /recall/);
  assert.deepEqual(compileWarnings(confusionMatrixSpec(EVALUATION, { normalize: true })), []);
});

test('confusion matrix: an empty row has no share; a matrix of the wrong shape is an error naming the field', () => {
  const withEmptyRow = { ...EVALUATION, confusionMatrix: MATRIX.map((r, i) => (i === 1 ? r.map(() => 0) : r)) };
  const cells = asJson(confusionMatrixSpec(withEmptyRow, { normalize: true })).data.values as MatrixCell[];
  assert.ok(cells.filter((c) => c.actual === 'disgust').every((c) => c.fraction === null));
  assert.throws(
    () => confusionMatrixSpec({ ...EVALUATION, confusionMatrix: MATRIX.slice(0, 6) }),
    (e: unknown) => e instanceof EmoscopeError && /"confusionMatrix" of 7×7/.test(e.message) && /6×/.test(e.message),
  );
});

test('per class: precision, recall and F1 bars for every class in label order, on a 0–1 axis', () => {
  const spec = asJson(perClassSpec(EVALUATION));
  const bars = spec.data.values as MetricBar[];
  assert.equal(bars.length, 21);
  for (const metric of ['precision', 'recall', 'F1']) {
    assert.deepEqual(bars.filter((b) => b.metric === metric).map((b) => b.label), [...EMOTIONS]);
  }
  const happy = (m: string) => bars.find((b) => b.label === 'happy' && b.metric === m)!.value;
  assert.equal(happy('precision'), 180 / 211);
  assert.equal(happy('recall'), 0.9);
  assert.equal(happy('F1'), EVALUATION.perClass.happy!.f1);
  assert.deepEqual(spec.encoding.y.scale.domain, [0, 1]);
  assert.equal(spec.encoding.y.title, 'score');
  assert.equal(spec.encoding.xOffset.field, 'metric');
  assert.deepEqual(compileWarnings(perClassSpec(EVALUATION)), []);
});

test('confidence bars: seven emotions in label order on a 0–1 axis, the top one coloured by correctness', () => {
  const s = scores('fear', 0.7);
  const spec = asJson(confidenceBarsSpec(s, { title: 'face 1', trueLabel: 'sad' }));
  const bars = spec.data.values as ConfidenceBar[];
  assert.deepEqual(bars.map((b) => b.emotion), [...EMOTIONS]);
  assert.deepEqual(bars.map((b) => b.score), EMOTIONS.map((e) => s[e]));
  assert.deepEqual(bars.filter((b) => b.kind !== 'other').map((b) => [b.emotion, b.kind]), [['fear', 'wrong']]);
  assert.equal(spec.title, 'face 1');
  assert.deepEqual(spec.encoding.y.sort, [...EMOTIONS]);
  assert.deepEqual(spec.layer[0].encoding.x.scale.domain, [0, 1]);
  assert.equal(spec.layer[0].encoding.x.title, 'confidence');
  const right = asJson(confidenceBarsSpec(s, { trueLabel: 'fear' })).data.values as ConfidenceBar[];
  assert.equal(right.find((b) => b.emotion === 'fear')!.kind, 'correct');
  const unknown = asJson(confidenceBarsSpec(s)).data.values as ConfidenceBar[];
  assert.equal(unknown.find((b) => b.emotion === 'fear')!.kind, 'top');
  assert.deepEqual(compileWarnings(confidenceBarsSpec(s, { trueLabel: 'sad' })), []);
});

test('class counts: one bar segment per split and class, missing classes count 0', () => {
  const spec = asJson(classCountsSpec({ counts: { train: { angry: 10, happy: 30 }, test: { angry: 2 } } }));
  const values = spec.data.values as { split: string; label: string; faces: number }[];
  assert.equal(values.length, 14);
  assert.equal(values.find((v) => v.split === 'train' && v.label === 'happy')!.faces, 30);
  assert.equal(values.find((v) => v.split === 'test' && v.label === 'happy')!.faces, 0);
  assert.deepEqual(spec.encoding.color.scale.domain, ['train', 'test']);
});

test('specs are plain JSON with a Vega-Lite $schema, reusable by a web page as they are', () => {
  for (const spec of [trainingCurvesSpec(HISTORY), confusionMatrixSpec(EVALUATION), perClassSpec(EVALUATION), confidenceBarsSpec(scores('happy', 0.9))]) {
    assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
    assert.match(String((spec as Json).$schema), /vega-lite\/v6\.json$/);
  }
});
