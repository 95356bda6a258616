// Turns a Vega-Lite spec into pictures without a browser: vega-lite compiles it to Vega, a headless
// Vega view draws SVG, and sharp (librsvg) rasterizes that to PNG with the bundled fonts.
import sharp from 'sharp';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../util/atomic.js';
import { lstat } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import { OUTPUT_EXIF, SVG_OUTPUT_MARK, hasOutputMark, svgHasOutputMark } from '../util/output-mark.js';
import { ensureChartFonts } from './fonts.js';
import { useDejaVuTextMetrics } from './text-metrics.js';

export interface PngOptions {
  /** pixels per SVG unit: 2 (the default) gives sharp text on high-density screens and in documents */
  scale?: number;
}

/** Renders a Vega-Lite spec to an SVG document (a string starting with `<svg`). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  useDejaVuTextMetrics();
  const { spec: vegaSpec } = compile(spec);
  const view = new View(parse(vegaSpec), { renderer: 'none' }); // no DOM, no canvas: scenegraph only
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes an SVG document to PNG at `scale` pixels per SVG unit, marked as emoscope's (util/output-mark.ts). */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 2;
  ensureChartFonts();
  return sharp(Buffer.from(svg), { density: 72 * scale }).withExif(OUTPUT_EXIF).png().toBuffer(); // librsvg's 72 dpi = 1 px per SVG unit
}

/** Renders a Vega-Lite spec to PNG; the picture is the SVG's size times `scale`. */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Buffer> {
  return svgToPng(await renderSvg(spec), options);
}

/** The two files `writeChart` wrote. */
export interface ChartFiles {
  svg: string;
  png: string;
}

/**
 * Fails unless each `<base>.svg` and `<base>.png` is missing or one of emoscope's own pictures (its
 * mark: util/output-mark.ts): a chart never replaces a user's file that happens to have its name.
 * Commands call it before their work, and `writeChart` again before writing.
 * @throws EmoscopeError BAD_OUTPUT naming the file
 */
export async function checkChartsReplaceable(bases: readonly string[]): Promise<void> {
  for (const base of bases) {
    for (const [file, ours] of [[`${base}.svg`, svgHasOutputMark], [`${base}.png`, hasOutputMark]] as const) {
      const info = await lstat(file).catch(() => undefined);
      if (info === undefined || (info.isFile() && await ours(file))) continue;
      throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${file}: a file of that name is there and emoscope did not write it; charts replace only emoscope's own (move it, or choose another folder)`);
    }
  }
}

/**
 * Writes `<base>.svg` and `<base>.png`, each through a temporary file and a rename, so that a viewer
 * refreshing the picture during training never sees half a file.
 */
export async function writeChart(spec: TopLevelSpec, base: string, options: PngOptions = {}): Promise<ChartFiles> {
  await checkChartsReplaceable([base]);
  const svg = await renderSvg(spec);
  const png = await svgToPng(svg, options);
  const files = { svg: `${base}.svg`, png: `${base}.png` };
  await writeFileAtomic(files.svg, `${SVG_OUTPUT_MARK}${svg}`);
  await writeFileAtomic(files.png, png);
  return files;
}
