// Assembles the report: renders the charts and the face thumbnails (asynchronous work), then fills the
// template in html.ts, and writes the page.
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../util/atomic.js';
import { mostConfusedPairs } from './confused-pairs.js';
import { faceDataUri, pickReportFaces } from '../evaluate/report-faces.js';
import type { PickOptions, ReportFace } from '../evaluate/report-faces.js';
import { renderReportHtml } from './html.js';
import type { PreparedFace, ReportCharts, ReportInput } from './html.js';
import { renderSvg } from '../charts/render.js';
import { classCountsSpec } from '../charts/specs/class-counts.js';
import { confusionMatrixSpec } from '../charts/specs/confusion-matrix.js';
import { epochTimesSpec } from '../charts/specs/epoch-times.js';
import { perClassSpec } from '../charts/specs/per-class.js';
import { trainingCurvesSpec } from '../charts/specs/training-curves.js';

export interface ReportBuildOptions extends PickOptions {
  /** how many most-confused pairs to list (default 8) */
  pairs?: number;
}

/** Renders every chart the input has data for, each as an SVG whose ids cannot clash with the others'. */
export async function renderReportCharts(input: ReportInput): Promise<ReportCharts> {
  const specs: Partial<Record<keyof ReportCharts, TopLevelSpec>> = {};
  if (input.data && Object.keys(input.data.counts).length > 0) specs.classCounts = classCountsSpec(input.data); // totals alone make an empty chart
  if (input.history && input.history.epochs.length > 0) {
    specs.curves = trainingCurvesSpec(input.history);
    specs.epochTimes = epochTimesSpec(input.history);
  }
  if (input.evaluation) {
    specs.perClass = perClassSpec(input.evaluation);
    specs.confusionMatrix = confusionMatrixSpec(input.evaluation);
    specs.confusionMatrixNormalized = confusionMatrixSpec(input.evaluation, { normalize: true });
  }
  const charts: ReportCharts = {};
  for (const [name, spec] of Object.entries(specs) as [keyof ReportCharts, TopLevelSpec][]) {
    charts[name] = scopeSvgIds(await renderSvg(spec), name);
  }
  return charts;
}

/** The whole report page as a string. */
export async function buildReportHtml(input: ReportInput, options: ReportBuildOptions = {}): Promise<string> {
  const charts = await renderReportCharts(input);
  const picked = pickReportFaces(input.faces ?? [], options);
  const prepare = async (faces: ReportFace[]): Promise<PreparedFace[]> =>
    Promise.all(faces.map(async (f) => ({ ...f, imageUri: await faceDataUri(f.image) })));
  return renderReportHtml(input, {
    charts,
    mistakes: await prepare(picked.mistakes),
    correct: await prepare(picked.correct),
    confusedPairs: input.evaluation ? mostConfusedPairs(input.evaluation, options.pairs ?? 8) : [],
  });
}

/** Writes the report page to `file` (through a temporary file and a rename) and returns its size in bytes. */
export async function writeReportHtml(file: string, input: ReportInput, options: ReportBuildOptions = {}): Promise<number> {
  const html = await buildReportHtml(input, options);
  await writeFileAtomic(file, html);
  return Buffer.byteLength(html);
}

/**
 * Prefixes the ids an SVG defines (clip paths, gradients) and its references to them: several SVGs
 * inlined in one page share one id space, and a clash would clip or colour one chart with another's.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`).replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}
