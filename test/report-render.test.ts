// Rendering: SVG with the texts a reader needs, PNGs that decode at the expected size, files written
// whole, and chart text drawn with the bundled font when the machine has no other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { renderPng, renderSvg, writeChart } from '../src/charts/render.js';
import { writeEvaluationCharts, writeTrainingCurves } from '../src/runs/charts.js';
import { trainingCurvesSpec } from '../src/charts/specs/training-curves.js';
import { confidenceBarsSpec } from '../src/charts/specs/confidence-bars.js';
import { ensureChartFonts } from '../src/charts/fonts.js';
import { EVALUATION, HISTORY, scores } from './report-fixtures.js';

/** The width and height an SVG document declares (after the mark of a written chart, an XML comment). */
function svgSize(svg: string): { width: number; height: number } {
  const m = /^(?:<!--[^\n]*-->\n)?<svg[^>]*\bwidth="(\d+(?:\.\d+)?)"[^>]*\bheight="(\d+(?:\.\d+)?)"/.exec(svg);
  assert.ok(m, 'svg has width and height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** The texts of an SVG's <text> elements, a multi-line label giving one text per line (<tspan>). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].flatMap((m) => m[1]!.split(/<[^>]+>/).filter((t) => t !== ''));
}

test('renderSvg draws the training curves with titles, axis titles, legend and the best-epoch label', async () => {
  const svg = await renderSvg(trainingCurvesSpec(HISTORY));
  assert.match(svg, /^<svg /);
  const texts = svgTexts(svg);
  for (const t of ['Training curves', 'Accuracy', 'Loss', 'accuracy', 'loss', 'epoch', 'train', 'validation', 'best: epoch 3']) {
    assert.ok(texts.includes(t), `"${t}" among ${JSON.stringify(texts)}`);
  }
  // one line per series and panel: 2 panels × (train, validation)
  assert.equal(svg.match(/aria-roledescription="line mark"/g)?.length, 4);
});

test('renderPng decodes as a PNG of the SVG size times the scale', async () => {
  const spec = confidenceBarsSpec(scores('happy', 0.8), { title: 'face' });
  const { width, height } = svgSize(await renderSvg(spec));
  for (const scale of [1, 2]) {
    const meta = await sharp(await renderPng(spec, { scale })).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, Math.round(width * scale));
    assert.equal(meta.height, Math.round(height * scale));
  }
});

test('writeChart writes .svg and .png whole and leaves no temporary file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'emoscope-chart-'));
  try {
    const files = await writeChart(confidenceBarsSpec(scores('sad', 0.6)), join(dir, 'bars'));
    assert.deepEqual(files, { svg: join(dir, 'bars.svg'), png: join(dir, 'bars.png') });
    assert.deepEqual((await readdir(dir)).sort(), ['bars.png', 'bars.svg']);
    const svg = await readFile(files.svg, 'utf8');
    const meta = await sharp(files.png).metadata();
    assert.equal(meta.width, svgSize(svg).width * 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeTrainingCurves and writeEvaluationCharts write the files the CLI promises', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'emoscope-charts-'));
  try {
    await writeTrainingCurves(dir, HISTORY);
    await writeEvaluationCharts(dir, EVALUATION);
    const names = ['curves', 'confusion-matrix', 'confusion-matrix-normalized', 'per-class'];
    assert.deepEqual((await readdir(dir)).sort(), names.flatMap((n) => [`${n}.png`, `${n}.svg`]).sort());
    for (const n of names) {
      const svg = await readFile(join(dir, `${n}.svg`), 'utf8');
      const meta = await sharp(join(dir, `${n}.png`)).metadata();
      assert.deepEqual([meta.width, meta.height], [svgSize(svg).width * 2, svgSize(svg).height * 2], n);
    }
    const matrix = svgTexts(await readFile(join(dir, 'confusion-matrix.svg'), 'utf8'));
    for (const t of ['true', 'predicted', 'angry (100)', '180', '28']) assert.ok(matrix.includes(t), `"${t}" in the matrix`);
    const normalized = svgTexts(await readFile(join(dir, 'confusion-matrix-normalized.svg'), 'utf8'));
    for (const t of ['90%', '23%']) assert.ok(normalized.includes(t), `"${t}" in the normalized matrix`); // happy recall; sad→neutral 28/120
    const perClass = svgTexts(await readFile(join(dir, 'per-class.svg'), 'utf8'));
    for (const t of ['score', 'precision', 'recall', 'F1', 'disgust', 'n=10']) assert.ok(perClass.includes(t), `"${t}" in per-class`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ensureChartFonts points fontconfig at the bundled fonts', () => {
  const conf = ensureChartFonts();
  if (process.env.FONTCONFIG_FILE && !conf?.endsWith(join('assets', 'fonts', 'fonts.conf'))) return; // the user's own setting wins
  assert.ok(conf?.endsWith(join('assets', 'fonts', 'fonts.conf')), `${conf}`);
  assert.equal(process.env.FONTCONFIG_FILE, conf);
});

// In a child process whose fontconfig sees only assets/fonts (as on a machine without fonts), "iiii"
// must leave much less ink than "HHHH": with no usable font both would be the same empty boxes.
test('the bundled DejaVu Sans alone draws chart text', async () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = await mkdtemp(join(tmpdir(), 'emoscope-fonts-'));
  try {
    const conf = join(dir, 'fonts.conf');
    await writeFile(conf, `<?xml version="1.0"?><fontconfig><dir>${join(root, 'assets', 'fonts')}</dir><cachedir>${join(dir, 'cache')}</cachedir></fontconfig>`);
    const script = `
      const { default: sharp } = await import('sharp');
      const ink = async (text) => {
        const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/>'
          + '<text x="5" y="30" font-family="DejaVu Sans" font-size="24">' + text + '</text></svg>';
        const data = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer();
        return data.reduce((a, v) => a + (255 - v), 0);
      };
      console.log(JSON.stringify({ i: await ink('iiii'), h: await ink('HHHH') }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, FONTCONFIG_FILE: conf },
    });
    const { i, h } = JSON.parse(stdout) as { i: number; h: number };
    assert.ok(h > 0 && i < 0.6 * h, `ink of iiii ${i} vs HHHH ${h}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
