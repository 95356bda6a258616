// The report page: the numbers in its tables, its sections, its faces, and that it needs nothing outside itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildReportHtml, scopeSvgIds, writeReportHtml } from '../src/report/build.js';
import { escapeHtml } from '../src/report/html.js';
import type { ReportInput } from '../src/report/html.js';
import { EVALUATION, FACES, HISTORY } from './report-fixtures.js';

const INPUT: ReportInput = {
  title: 'emoscope report: runs/test',
  runDir: 'runs/test',
  data: {
    source: 'fixtures/faces.csv',
    counts: {
      train: { angry: 30, disgust: 3, fear: 31, happy: 55, sad: 37, surprise: 24, neutral: 38 },
      val: { angry: 4, disgust: 1, fear: 4, happy: 7, sad: 5, surprise: 3, neutral: 5 },
      test: { angry: 100, disgust: 10, fear: 100, happy: 200, sad: 120, surprise: 100, neutral: 150 },
    },
  },
  config: { model: 'seed-tuned', epochs: 5, optimizer: { name: 'sgd', learningRate: 0.05 }, note: '<b>"bold"</b> & co' },
  history: HISTORY,
  evaluation: EVALUATION,
  evaluationSource: 'stored in the run (evaluation.json)',
  faces: FACES,
  model: { bytes: 1_234_567, parameters: 456_789, msPerFace: 2.5, architecture: 'seed-tuned' },
};

let cached: string | undefined;
async function page(): Promise<string> {
  return (cached ??= await buildReportHtml(INPUT));
}

/** The cells of the table with `id`, row by row, tags stripped. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  assert.ok(table, `table #${id}`);
  return [...table[1]!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').trim()),
  );
}

test('the per-class table shows precision, recall, F1 and faces of every class, and the macro average', async () => {
  const rows = tableRows(await page(), 'per-class-table');
  assert.deepEqual(rows[0], ['class', 'precision', 'recall', 'F1', 'faces']);
  assert.deepEqual(rows.find((r) => r[0] === 'happy'), ['happy', '0.853', '0.900', '0.876', '200']);
  assert.deepEqual(rows.find((r) => r[0] === 'disgust'), ['disgust', '0.600', '0.300', '0.400', '10']);
  assert.equal(rows.length, 1 + 7 + 1);
  assert.equal(rows.at(-1)![0], 'macro average');
  assert.equal(rows.at(-1)![4], '780');
});

test('the headline accuracy and the summary cards carry the evaluation, the best epoch and the model', async () => {
  const html = await page();
  assert.match(html, /<strong id="accuracy">67\.1%<\/strong> on 780 faces/);
  assert.match(html, /best epoch<\/div><div class="value">3</);
  assert.match(html, /456,789/);
  assert.match(html, /2\.50 ms/);
});

test('beside the accuracy, the page shows the always-the-majority-class baseline it must beat', async () => {
  const html = await page();
  // 200 happy faces of 780: always answering happy scores 25.6 %
  assert.match(html, /Always answering <span id="baseline-label">happy<\/span> \(the most frequent class\) would score <strong id="baseline">25\.6%<\/strong>/);
  assert.match(html, /780 faces · majority class 25\.6%/);
});

test('the data table counts faces per split and class, with totals', async () => {
  const rows = tableRows(await page(), 'data-table');
  assert.deepEqual(rows[0], ['split', 'angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral', 'total']);
  assert.deepEqual(rows[3], ['test', '100', '10', '100', '200', '120', '100', '150', '780']);
  assert.deepEqual(rows[4], ['all', '134', '14', '135', '262', '162', '127', '193', '1,027']);
});

test('the most-confused table lists the largest off-diagonal cells with their share of the true class', async () => {
  const rows = tableRows(await page(), 'confused-table');
  assert.deepEqual(rows.slice(1, 4), [
    ['sad', 'neutral', '28', '23.3%'],
    ['fear', 'sad', '25', '25.0%'],
    ['neutral', 'sad', '21', '14.0%'],
  ]);
});

test('the run section shows the config flattened and escaped, the curves and the time per epoch', async () => {
  const html = await page();
  const config = tableRows(html, 'config-table');
  assert.deepEqual(config.find((r) => r[0] === 'optimizer.learningRate'), ['optimizer.learningRate', '0.05']);
  assert.ok(html.includes('&lt;b&gt;&quot;bold&quot;&lt;/b&gt; &amp; co'));
  assert.ok(!html.includes('<b>"bold"</b>'));
  assert.match(html, /5 epochs in 5 min/);
  for (const title of ['Training curves', 'Time per epoch', 'Confusion matrix, counts', 'Confusion matrix, share of each true class', 'Precision, recall and F1 per class', 'Faces per class']) {
    assert.ok(html.includes(`>${title}</text>`), `chart "${title}" inlined`);
  }
});

test('the faces: mistakes most confident first, then correct ones, each a 48×48 PNG data: URI', async () => {
  const html = await page();
  const between = (from: string, to: string) => html.slice(html.indexOf(from), html.indexOf(to));
  const captions = (part: string) => [...part.matchAll(/true <strong>(\w+)<\/strong><br>predicted <strong>(\w+)<\/strong> ([\d.]+)/g)].map((m) => m.slice(1).join(' '));
  assert.deepEqual(captions(between('id="mistakes"', 'id="correct"')), ['angry disgust 0.90', 'sad neutral 0.70', 'fear sad 0.50']);
  assert.deepEqual(captions(between('id="correct"', 'id="model"')), ['happy happy 0.99', 'surprise surprise 0.80', 'neutral neutral 0.60', 'happy happy 0.95']);
  const uris = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(uris.length, FACES.length);
  const meta = await sharp(Buffer.from(uris[0]!, 'base64')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 48, 48, 1]);
});

test('the page references nothing outside itself: no script, link, web font, or src/href/url() leaving it', async () => {
  const html = await page();
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link/i);
  assert.doesNotMatch(html, /@import|@font-face/i);
  assert.doesNotMatch(html, /<iframe|<object|<embed/i);
  const refs = [...html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
  assert.ok(refs.length > 0);
  for (const ref of refs) assert.match(ref, /^(#|data:)/, `reference ${ref.slice(0, 60)}`);
  for (const m of html.matchAll(/url\(([^)]*)\)/g)) assert.match(m[1]!, /^['"]?(#|data:)/, `url(${m[1]})`);
});

test('ids in the page are unique, so the inlined charts cannot borrow each other’s clip paths and gradients', async () => {
  const ids = [...(await page()).matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(scopeSvgIds('<clipPath id="clip1"></clipPath><g clip-path="url(#clip1)"/>', 'curves'), '<clipPath id="curves-clip1"></clipPath><g clip-path="url(#curves-clip1)"/>');
});

test('a report with only a history says which sections are missing', async () => {
  const html = await buildReportHtml({ history: HISTORY });
  assert.match(html, /No evaluation/);
  assert.match(html, /No data statistics/);
  assert.match(html, /No test faces/);
  assert.match(html, /No model information/);
  assert.ok(html.includes('>Training curves</text>'));
  assert.doesNotMatch(html, /id="per-class-table"/);
});

test('writeReportHtml writes the page whole and returns its size', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'emoscope-report-'));
  try {
    const bytes = await writeReportHtml(join(dir, 'report.html'), { history: HISTORY, evaluation: EVALUATION });
    assert.deepEqual(await readdir(dir), ['report.html']);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    assert.equal(Buffer.byteLength(html), bytes);
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<\/html>\n$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('escapeHtml escapes the five special characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
