// `evaluate --out` charts, evaluations stored in run folders, and `emoscope report <run>` on a tiny
// run trained on the committed FER2013 fixtures (98 faces: 8 train, 3 val, 3 test per class).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { train } from '../src/train/train.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { readRunEvaluation, storeRunEvaluation } from '../src/evaluate/run-evaluation.js';
import type { StoredFaces } from '../src/evaluate/run-evaluation.js';
import { writeRunReport } from '../src/report/gather.js';
import { EMOTIONS } from '../src/types.js';
import type { EvaluationReport } from '../src/metrics/metrics.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);

let pristine: string | undefined;

/** A tiny run on the fixtures, trained once; each test gets its own copy so stored evaluations do not leak between tests. */
async function freshRun(): Promise<string> {
  if (!pristine) {
    pristine = join(await tempDir('emoscope-report-'), 'run');
    await train({ data: FER_FOLDERS, model: 'tiny', out: pristine, epochs: 2, callbacks: {} });
  }
  const copy = join(await tempDir('emoscope-report-'), 'run');
  await cp(pristine, copy, { recursive: true });
  return copy;
}

/** The cells of the table with `id`, row by row, tags stripped. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  assert.ok(table, `table #${id}`);
  return [...table[1]!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').trim()),
  );
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const diagonal = (report: EvaluationReport) => report.confusionMatrix.reduce((a, row, i) => a + row[i]!, 0);

test('evaluate --out draws both confusion matrices and the per-class chart as SVG and PNG (2 px per SVG unit)', async () => {
  const dir = await freshRun();
  const out = join(await tempDir(), 'charts');
  const { stdout } = await cli('evaluate', '--model', join(dir, 'best'), '--data', FER_FOLDERS, '--out', out);
  assert.match(stdout, /Charts: .*confusion-matrix\.png/);
  for (const name of ['confusion-matrix', 'confusion-matrix-normalized', 'per-class']) {
    const svg = await readFile(join(out, `${name}.svg`), 'utf8');
    const [, width, height] = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg)!;
    const png = await sharp(join(out, `${name}.png`)).metadata();
    assert.equal(png.format, 'png');
    assert.deepEqual([png.width, png.height], [Math.round(Number(width) * 2), Math.round(Number(height) * 2)], name);
  }
  // The fixtures' test split has 3 faces of every class: the row labels carry the row totals.
  const counts = await readFile(join(out, 'confusion-matrix.svg'), 'utf8');
  for (const emotion of EMOTIONS) assert.ok(counts.includes(`>${emotion} (3)</text>`), `row ${emotion} (3)`);
  assert.ok((await readFile(join(out, 'per-class.svg'), 'utf8')).includes('Precision, recall and F1 per class'));
});

test('evaluating a run folder stores the JSON report and the most telling faces in the run', async () => {
  const dir = await freshRun();
  const json = join(await tempDir(), 'eval.json');
  const { stdout } = await cli('evaluate', '--model', dir, '--data', FER_FOLDERS, '--json', json);
  assert.match(stdout, /Stored in the run: .*evaluation-test\.json/);
  const stored = await readJson<EvaluationReport>(join(dir, 'evaluation-test.json'));
  assert.deepEqual(stored, await readJson<EvaluationReport>(json));
  assert.equal(stored.n, 21);

  const faces = await readJson<StoredFaces>(join(dir, 'evaluation-test-faces.json'));
  assert.equal(faces.split, 'test');
  assert.equal(faces.data, FER_FOLDERS);
  const wrong = stored.n - diagonal(stored);
  // every mistake (up to 24) and two correct faces per class (up to 14)
  assert.equal(faces.faces.length, Math.min(wrong, 24) + Math.min(stored.n - wrong, 14));
  const top = (f: StoredFaces['faces'][number]) => EMOTIONS.reduce((a, b) => (f.scores[b] > f.scores[a] ? b : a));
  const mistakes = faces.faces.slice(0, Math.min(wrong, 24));
  assert.ok(mistakes.every((f) => top(f) !== f.trueLabel));
  const confidence = mistakes.map((f) => f.scores[top(f)]);
  assert.deepEqual(confidence, [...confidence].sort((a, b) => b - a), 'most confident mistakes first');
  for (const f of faces.faces) {
    assert.equal(Buffer.from(f.pixels, 'base64').length, 48 * 48);
    assert.match(f.origin, /PrivateTest_\d+\.jpg$/);
  }
  // read back as the report reads it
  const back = await readRunEvaluation(dir, 'test');
  assert.equal(back?.report.accuracy, stored.accuracy);
  assert.equal(back?.faces.length, faces.faces.length);
  // training stored the best model's validation evaluation; evaluating the test split left it alone
  assert.equal((await readRunEvaluation(dir, 'val'))?.report.n, 21);
});

test('report --data evaluates the best model on the test split and shows its numbers, faces and size in one self-contained page', async () => {
  const dir = await freshRun();
  const { stdout } = await cli('report', dir, '--data', FER_FOLDERS);
  const html = await readFile(join(dir, 'report.html'), 'utf8');
  const evaluation = await readJson<EvaluationReport>(join(dir, 'evaluation-test.json')); // stored by the report
  assert.match(stdout, new RegExp(`Wrote ${dir}/report\\.html .*test accuracy ${(evaluation.accuracy * 100).toFixed(1)}% on 21 faces`));

  assert.match(html, new RegExp(`<strong id="accuracy">${(evaluation.accuracy * 100).toFixed(1)}%</strong> on 21 faces`));
  const perClass = tableRows(html, 'per-class-table');
  for (const emotion of EMOTIONS) {
    const m = evaluation.perClass[emotion];
    assert.deepEqual(perClass.find((r) => r[0] === emotion), [emotion, m.precision.toFixed(3), m.recall.toFixed(3), m.f1.toFixed(3), '3']);
  }
  const data = tableRows(html, 'data-table');
  assert.deepEqual(data.find((r) => r[0] === 'train'), ['train', '8', '8', '8', '8', '8', '8', '8', '56']);
  assert.deepEqual(data.find((r) => r[0] === 'test'), ['test', '3', '3', '3', '3', '3', '3', '3', '21']);

  const cards = [...html.matchAll(/<div class="face (right|wrong)">/g)].map((m) => m[1]);
  const wrong = evaluation.n - diagonal(evaluation);
  assert.equal(cards.filter((c) => c === 'wrong').length, Math.min(wrong, 24));
  assert.equal(cards.filter((c) => c === 'right').length, Math.min(evaluation.n - wrong, 14));

  const meta = await readJson<{ parameters: number }>(join(dir, 'best', 'emoscope.json'));
  const model = tableRows(html, 'model-table');
  assert.deepEqual(model.find((r) => r[0] === 'parameters'), ['parameters', meta.parameters.toLocaleString('en-US')]);
  assert.match(model.find((r) => r[0] === 'prediction time')![1]!, /^[\d.]+ ms per face .*measured on this machine at report time/);
  assert.match(html, /2 epochs in/);
  assert.ok(html.includes('>Training curves</text>'));

  assert.doesNotMatch(html, /<script|<link|@import|@font-face/i);
  const refs = [...html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
  for (const ref of refs) assert.match(ref, /^(#|data:)/, `reference ${ref.slice(0, 60)}`);
});

test('report without --data shows the evaluation stored in the run, and the validation split when no test one is stored', async () => {
  const dir = await freshRun();
  const result = await evaluate({ model: dir, data: FER_FOLDERS, split: 'val' });
  await storeRunEvaluation(dir, 'val', result, { data: FER_FOLDERS });
  const out = join(await tempDir(), 'nested', 'page.html');
  const report = await writeRunReport(dir, { out });
  assert.equal(report.file, out);
  const html = await readFile(out, 'utf8');
  assert.equal(report.input.evaluationSplit, 'val');
  assert.match(html, /<h2>Validation metrics<\/h2>/);
  assert.match(html, /Stored in the run: evaluation-val\.json/);
  assert.match(html, new RegExp(`<strong id="accuracy">${(result.report.accuracy * 100).toFixed(1)}%</strong> on 21 faces`));
  assert.ok(report.notes.some((n) => /No test evaluation is stored/.test(n)));
  // without the data set: per-class counts of the evaluated split, totals of the training split
  const data = tableRows(html, 'data-table');
  assert.deepEqual(data.find((r) => r[0] === 'train'), ['train', '?', '?', '?', '?', '?', '?', '?', '56']);
  assert.deepEqual(data.find((r) => r[0] === 'val'), ['val', '3', '3', '3', '3', '3', '3', '3', '21']);
  // the face grid comes from the stored faces: all of them are shown again
  assert.equal(html.match(/<div class="face (right|wrong)">/g)?.length, report.input.faces?.length);
  assert.ok((report.input.faces?.length ?? 0) > 0);
});

test('report without --data and without a stored evaluation says so and gives the commands that make one', async () => {
  const dir = await freshRun();
  // a run interrupted before its end has no stored evaluation
  await rm(join(dir, 'evaluation-val.json'));
  await rm(join(dir, 'evaluation-val-faces.json'));
  const { stdout, stderr } = await cli('report', dir);
  assert.match(stdout, /Wrote .*report\.html/);
  assert.match(stderr, /No evaluation is stored in this run/);
  assert.ok(stderr.includes(`emoscope report ${dir} --data ${FER_FOLDERS}`));
  const html = await readFile(join(dir, 'report.html'), 'utf8');
  assert.ok(html.includes(`No evaluation is stored in this run. Make the report with <code>emoscope report ${dir} --data ${FER_FOLDERS}</code>`));
  assert.doesNotMatch(html, /id="per-class-table"/);
  assert.doesNotMatch(html, /id="accuracy"/);
  assert.match(html, /No evaluation, so no faces to show/);
  assert.doesNotMatch(html, />Faces per class<\/text>/, 'no chart of unknown per-class counts');
  assert.ok(html.includes('>Training curves</text>'), 'the run itself is still shown');
});

test('report on a missing run folder, or a folder that is no run, exits 1 with a clear message', async () => {
  await assert.rejects(cli('report', '/nonexistent/run'), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /^emoscope: No run at \/nonexistent\/run: no such folder \(expected a run folder as `emoscope train --out` writes it, with best\/model\.json\)/);
    return true;
  });
  const empty = join(await tempDir(), 'not-a-run');
  await mkdir(empty);
  await assert.rejects(cli('report', empty), (error: { code: number; stderr: string }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr, /No run at .*not-a-run: it has no best\/model\.json/);
    return true;
  });
});
