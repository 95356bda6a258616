// The report page: one self-contained HTML file (inline CSS, charts as inline SVG, faces as data: URIs,
// no script, no web font, no link to anything) built from typed data by plain template literals.
// `buildReportHtml` in build.ts renders the charts and thumbnails and calls `renderReportHtml`.
import { EMOTIONS } from '../types.js';
import type { ConfusedPair } from './confused-pairs.js';
import type { ReportFace } from '../evaluate/report-faces.js';
import { prediction } from '../evaluate/report-faces.js';
import { formatBytes, formatCount, formatDuration, formatMetric, formatPercent } from '../util/format.js';
import { bestEpoch, majorityBaseline } from '../metrics/records.js';
import type { DataStatsLike, EvaluationLike, HistoryLike } from '../metrics/records.js';

/** Size and speed of the model the report is about. */
export interface ModelInfo {
  /** bytes on disk of the model folder (weights and topology) */
  bytes: number;
  parameters: number;
  /** mean milliseconds to classify one face crop */
  msPerFace: number;
  /** registry name of the architecture, e.g. `seed-tuned` */
  architecture?: string;
  /** how the speed was measured, e.g. "wasm backend, 2 threads, batches of 64" */
  speedNote?: string;
}

/** Everything the report can show; every section is optional and says so when its data is missing. */
export interface ReportInput {
  /** page heading; default "emoscope report" */
  title?: string;
  /** the run folder the report is about */
  runDir?: string;
  /** ISO time the report was made; shown as is */
  generatedAt?: string;
  data?: DataStatsLike;
  /** the run's resolved training config (any JSON object) */
  config?: Readonly<Record<string, unknown>>;
  history?: HistoryLike;
  evaluation?: EvaluationLike;
  /** where the test metrics come from, e.g. "evaluated now on ~/fer2013, test split" */
  evaluationSource?: string;
  /** the split the evaluation is on (default test); the headings name it */
  evaluationSplit?: string;
  /** shown instead of the metrics when there is no evaluation, e.g. the command that makes one */
  evaluationMissing?: string;
  /** test faces with their scores; the report picks which to show (see `pickReportFaces`) */
  faces?: readonly ReportFace[];
  model?: ModelInfo;
}

/** The charts as SVG documents, rendered beforehand (rendering is asynchronous, the template is not). */
export interface ReportCharts {
  classCounts?: string;
  curves?: string;
  epochTimes?: string;
  confusionMatrix?: string;
  confusionMatrixNormalized?: string;
  perClass?: string;
}

/** A face ready for the page: its thumbnail as a data: URI. */
export interface PreparedFace extends ReportFace {
  imageUri: string;
}

/** What `renderReportHtml` needs besides the input: rendered charts, chosen faces and the most-confused pairs. */
export interface ReportAssets {
  charts: ReportCharts;
  mistakes: readonly PreparedFace[];
  correct: readonly PreparedFace[];
  confusedPairs: readonly ConfusedPair[];
}

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The whole page. */
export function renderReportHtml(input: ReportInput, assets: ReportAssets): string {
  const title = input.title ?? 'emoscope report';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <p class="meta">${[input.runDir && `run <code>${escapeHtml(input.runDir)}</code>`, input.generatedAt && `made ${escapeHtml(input.generatedAt)}`].filter(Boolean).join(' · ')}</p>
  <nav><a href="#data">Data</a> <a href="#run">Training</a> <a href="#test">${escapeHtml(metricsHeading(input))}</a> <a href="#faces">Faces</a> <a href="#model">Model</a></nav>
</header>
${summarySection(input)}
${dataSection(input.data, assets.charts)}
${runSection(input, assets.charts)}
${testSection(input, assets)}
${facesSection(input, assets)}
${modelSection(input.model)}
</body>
</html>
`;
}

/** " Always answering happy (the most frequent class) would score 24.9 %." — the floor beside the accuracy. */
function baselineSentence(evaluation: EvaluationLike): string {
  const baseline = majorityBaseline(evaluation);
  if (!baseline) return '';
  return ` Always answering <span id="baseline-label">${escapeHtml(baseline.label)}</span> (the most frequent class) would score <strong id="baseline">${formatPercent(baseline.accuracy)}</strong>.`;
}

function summarySection(input: ReportInput): string {
  const best = input.history ? bestEpoch(input.history) : undefined;
  const cards = [
    input.evaluation && card(`${input.evaluationSplit ?? 'test'} accuracy`, formatPercent(input.evaluation.accuracy), `${formatCount(input.evaluation.n)} faces · majority class ${formatPercent(majorityBaseline(input.evaluation)?.accuracy ?? 0)}`),
    best && card('best epoch', String(best.epoch), `validation accuracy ${formatPercent(best.valAcc)}`),
    input.model && card('parameters', formatCount(input.model.parameters), formatBytes(input.model.bytes)),
    input.model && card('speed', `${input.model.msPerFace.toFixed(2)} ms`, 'per face'),
  ].filter(Boolean);
  return cards.length ? `<section class="cards">${cards.join('')}</section>` : '';
}

function card(label: string, value: string, note: string): string {
  return `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`;
}

function dataSection(data: DataStatsLike | undefined, charts: ReportCharts): string {
  if (!data) return section('data', 'Data', missing('No data statistics: make the report with <code>--data &lt;path&gt;</code>.'));
  const splits = Object.keys(data.counts);
  const unknown = Object.keys(data.totals ?? {}).filter((s) => !splits.includes(s)); // totals only: per-class counts not known
  const order = (s: string) => { const i = ['train', 'val', 'test'].indexOf(s); return i < 0 ? 3 : i; };
  const extra = [...new Set(splits.flatMap((s) => Object.keys(data.counts[s]!)))].filter((l) => !(EMOTIONS as readonly string[]).includes(l));
  const labels = [...EMOTIONS, ...extra];
  const count = (split: string, label: string) => data.counts[split]![label] ?? 0;
  // rows in train, val, test order whichever of them are known per class
  const rows = [...splits, ...unknown].sort((a, b) => order(a) - order(b)).map((s) => {
    if (unknown.includes(s)) return `<tr><th>${escapeHtml(s)}</th>${labels.map(() => num('?')).join('')}${num(formatCount(data.totals![s]!), 'total')}</tr>`;
    const total = labels.reduce((a, l) => a + count(s, l), 0);
    return `<tr><th>${escapeHtml(s)}</th>${labels.map((l) => num(formatCount(count(s, l)))).join('')}${num(formatCount(total), 'total')}</tr>`;
  });
  if (unknown.length === 0 && splits.length > 1) {
    const classTotals = labels.map((l) => splits.reduce((a, s) => a + count(s, l), 0));
    const all = classTotals.reduce((a, b) => a + b, 0);
    rows.push(`<tr class="total"><th>all</th>${classTotals.map((t) => num(formatCount(t))).join('')}${num(formatCount(all), 'total')}</tr>`);
  }
  return section(
    'data',
    'Data',
    `${data.source ? `<p>Faces from <code>${escapeHtml(data.source)}</code>.</p>` : ''}
<table class="numbers" id="data-table"><thead><tr><th>split</th>${labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}<th>total</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${data.note ? `<p class="meta">${escapeHtml(data.note)}</p>` : ''}
${figure(charts.classCounts)}`,
  );
}

function runSection(input: ReportInput, charts: ReportCharts): string {
  const parts: string[] = [];
  const history = input.history;
  const best = history ? bestEpoch(history) : undefined;
  if (history && best) {
    const total = history.epochs.reduce((a, e) => a + e.seconds, 0);
    parts.push(`<p>${history.epochs.length} epochs in ${escapeHtml(formatDuration(total))} (${escapeHtml(formatDuration(total / history.epochs.length))} per epoch).
The best epoch, by validation accuracy, is <strong>${best.epoch}</strong>: validation accuracy ${formatMetric(best.valAcc)}, validation loss ${formatMetric(best.valLoss)}
(train accuracy ${formatMetric(best.acc)}, train loss ${formatMetric(best.loss)}).</p>`);
    parts.push(`<div class="row">${figure(charts.curves)}${figure(charts.epochTimes)}</div>`);
  } else {
    parts.push(missing('No training history (history.json) in this run.'));
  }
  parts.push(
    input.config
      ? `<details open><summary>Resolved configuration</summary>${configTable(input.config)}</details>`
      : missing('No resolved configuration in this run.'),
  );
  return section('run', 'Training run', parts.join('\n'));
}

/** The config as key → value rows, nested objects flattened to dotted keys. */
function configTable(config: Readonly<Record<string, unknown>>): string {
  const rows: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k);
    } else {
      rows.push(`<tr><th><code>${escapeHtml(key)}</code></th><td><code>${escapeHtml(typeof value === 'string' ? value : JSON.stringify(value))}</code></td></tr>`);
    }
  };
  walk(config, '');
  return `<table class="config columns" id="config-table"><tbody>${rows.join('\n')}</tbody></table>`;
}

function testSection(input: ReportInput, assets: ReportAssets): string {
  const evaluation = input.evaluation;
  if (!evaluation) {
    const text = input.evaluationMissing
      ? escapeHtml(input.evaluationMissing).replace(/`([^`]+)`/g, '<code>$1</code>') // `command` → <code>
      : 'No evaluation: make the report with <code>--data &lt;path&gt;</code>, or run <code>emoscope evaluate</code> on this run first.';
    return section('test', metricsHeading(input), missing(text));
  }
  const rows = evaluation.labels.map((l) => {
    const m = evaluation.perClass[l]!;
    return `<tr><th>${escapeHtml(l)}</th>${num(formatMetric(m.precision))}${num(formatMetric(m.recall))}${num(formatMetric(m.f1))}${num(formatCount(m.support))}</tr>`;
  });
  const k = evaluation.labels.length;
  const mean = (f: (m: EvaluationLike['perClass'][string]) => number) => evaluation.labels.reduce((a, l) => a + f(evaluation.perClass[l]!), 0) / k;
  rows.push(
    `<tr class="total"><th>macro average</th>${num(formatMetric(mean((m) => m.precision)))}${num(formatMetric(mean((m) => m.recall)))}${num(formatMetric(mean((m) => m.f1)))}${num(formatCount(evaluation.n))}</tr>`,
  );
  const pairs = assets.confusedPairs.map(
    (p) => `<tr><th>${escapeHtml(p.trueLabel)}</th><td>${escapeHtml(p.predicted)}</td>${num(formatCount(p.count))}${num(formatPercent(p.rate))}</tr>`,
  );
  return section(
    'test',
    metricsHeading(input),
    `${input.evaluationSource ? `<p class="meta">${escapeHtml(input.evaluationSource)}</p>` : ''}
<p class="headline">Accuracy <strong id="accuracy">${formatPercent(evaluation.accuracy)}</strong> on ${formatCount(evaluation.n)} faces.${baselineSentence(evaluation)}</p>
<div class="row">
<table class="numbers" id="per-class-table"><thead><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>faces</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${figure(assets.charts.perClass)}
</div>
<div class="row">${figure(assets.charts.confusionMatrix)}${figure(assets.charts.confusionMatrixNormalized)}</div>
<h3>Most confused pairs</h3>
${
  pairs.length
    ? `<table class="numbers" id="confused-table"><thead><tr><th>true</th><th class="text">predicted as</th><th>faces</th><th>share of true class</th></tr></thead>
<tbody>${pairs.join('\n')}</tbody></table>`
    : missing('No mistakes at all.')
}`,
  );
}

/** "Test metrics", or "Validation metrics" when the evaluation is on another split. */
function metricsHeading(input: ReportInput): string {
  const split = input.evaluationSplit ?? 'test';
  const name = { test: 'Test', val: 'Validation', train: 'Training', all: 'All-splits' }[split] ?? split;
  return `${name} metrics`;
}

function facesSection(input: ReportInput, assets: ReportAssets): string {
  const heading = metricsHeading(input).replace(/metrics$/, 'faces');
  // classes the model never gets right have no face among the correct ones; say so rather than leave a silent gap
  const neverRight = (input.evaluation?.labels ?? []).filter((l, i) => input.evaluation!.confusionMatrix[i]![i] === 0 && !assets.correct.some((f) => f.trueLabel === l));
  if (assets.mistakes.length === 0 && assets.correct.length === 0) {
    return section('faces', heading, missing(input.evaluation || !input.evaluationMissing ? 'No test faces were given to the report.' : 'No evaluation, so no faces to show: see above how to make one.'));
  }
  return section(
    'faces',
    heading,
    `<p>Each face with the model's confidence per emotion. The predicted emotion's bar is green when right and red when wrong; the true emotion is in bold.</p>
<h3>Most confident mistakes</h3>
${assets.mistakes.length ? `<div class="faces" id="mistakes">${assets.mistakes.map(faceCard).join('\n')}</div>` : missing('None.')}
<h3>Correct, every class</h3>
${assets.correct.length ? `<div class="faces" id="correct">${assets.correct.map(faceCard).join('\n')}</div>` : missing('None.')}
${neverRight.length && assets.correct.length ? missing(`No face of ${neverRight.map(escapeHtml).join(', ')} was classified correctly.`) : ''}`,
  );
}

function faceCard(face: PreparedFace): string {
  const { predicted, confidence } = prediction(face);
  const right = predicted === face.trueLabel;
  const bars = EMOTIONS.map((e) => {
    const classes = [e === predicted ? (right ? 'right' : 'wrong') : '', e === face.trueLabel ? 'true' : ''].filter(Boolean).join(' ');
    const score = face.scores[e];
    return `<div class="bar ${classes}"><span class="name">${e}</span><span class="track"><span class="fill" style="width:${(Math.min(1, Math.max(0, score)) * 100).toFixed(1)}%"></span></span><span class="score">${score.toFixed(2)}</span></div>`;
  }).join('');
  return `<div class="face ${right ? 'right' : 'wrong'}"><img src="${escapeHtml(face.imageUri)}" width="96" height="96" alt="a test face, true ${face.trueLabel}">
<div><p class="caption">true <strong>${face.trueLabel}</strong><br>predicted <strong>${predicted}</strong> ${confidence.toFixed(2)}</p>${bars}</div></div>`;
}

function modelSection(model: ModelInfo | undefined): string {
  if (!model) return section('model', 'Model', missing('No model information.'));
  const rows = [
    model.architecture && ['architecture', model.architecture],
    ['parameters', formatCount(model.parameters)],
    ['size on disk', `${formatBytes(model.bytes)} (${formatCount(model.bytes)} bytes)`],
    ['prediction time', `${model.msPerFace.toFixed(2)} ms per face (${formatCount(1000 / model.msPerFace)} faces per second)${model.speedNote ? `, ${model.speedNote}` : ''}`],
  ].filter((r): r is string[] => Array.isArray(r));
  return section('model', 'Model', `<table class="config" id="model-table"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}</tbody></table>`);
}

function section(id: string, heading: string, body: string): string {
  return `<section id="${id}">\n<h2>${escapeHtml(heading)}</h2>\n${body}\n</section>`;
}

function figure(svg: string | undefined): string {
  return svg ? `<figure>${svg}</figure>` : '';
}

function missing(html: string): string {
  return `<p class="missing">${html}</p>`;
}

function num(text: string, cls = ''): string {
  return `<td class="num${cls ? ` ${cls}` : ''}">${escapeHtml(text)}</td>`;
}

// System fonts only: the page must open offline, so no web fonts.
const STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa; --right: #2e8540; --wrong: #c0392b; --bar: #b8c4d0; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 24px 32px 64px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); }
h1 { margin: 0 0 4px; font-size: 28px; }
h2 { margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); font-size: 22px; }
h3 { margin: 28px 0 10px; font-size: 17px; }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; }
.meta { color: var(--muted); margin: 0 0 8px; }
nav a { margin-right: 14px; color: #0969da; text-decoration: none; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 20px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 170px; background: var(--bg-soft); }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 26px; font-weight: 600; }
.card .note { color: var(--muted); font-size: 13px; }
.headline { font-size: 18px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--line); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.numbers thead th:not(:first-child) { text-align: right; } /* over right-aligned numbers */
table.numbers thead th.text { text-align: left; }
tr.total th, tr.total td, td.total { font-weight: 600; }
table.config th { font-weight: normal; color: var(--muted); white-space: nowrap; }
/* a long config flows into columns instead of one tall narrow list */
table.config.columns { display: block; }
table.config.columns tbody { display: block; column-width: 420px; column-gap: 32px; }
table.config.columns tr { display: flex; break-inside: avoid; border-bottom: 1px solid var(--line); }
table.config.columns th, table.config.columns td { border-bottom: none; }
table.config.columns th { flex: 0 0 150px; overflow: hidden; text-overflow: ellipsis; }
table.config.columns td { overflow-wrap: anywhere; }
details summary { cursor: pointer; font-weight: 600; margin: 16px 0 8px; }
figure { margin: 8px 16px 16px 0; }
figure svg { max-width: 100%; height: auto; }
.row { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 16px; }
.missing { color: var(--muted); font-style: italic; }
.faces { display: grid; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); gap: 12px; }
.face { display: flex; gap: 10px; padding: 8px; border: 1px solid var(--line); border-left: 4px solid var(--right); border-radius: 6px; }
.face.wrong { border-left-color: var(--wrong); }
.face img { width: 96px; height: 96px; flex: none; border-radius: 3px; }
.face > div { flex: 1; min-width: 0; }
.caption { margin: 0 0 4px; font-size: 13px; line-height: 1.35; }
.bar { display: flex; align-items: center; gap: 6px; font-size: 12px; line-height: 16px; }
.bar .name { width: 58px; color: var(--muted); }
.bar.true .name { color: var(--fg); font-weight: 700; }
.bar .track { flex: 1; height: 10px; background: var(--bg-soft); border-radius: 2px; overflow: hidden; }
.bar .fill { display: block; height: 100%; background: var(--bar); }
.bar.right .fill { background: var(--right); }
.bar.wrong .fill { background: var(--wrong); }
.bar .score { width: 30px; text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
`;
