// `emoscope report`: gathers everything the report shows about one run (its folder, its data, its
// best model's test metrics, size and speed) into a ReportInput and writes the page.
// With a data set the best model is evaluated now (and the evaluation stored in the run); without
// one the report shows what the run stored.
import { basename, join } from 'node:path';
import { EMOTIONS } from '../types.js';
import type { Emotion, EmotionScores } from '../types.js';
import { EmoscopeError, badArgument } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { initEngine } from '../engine/backend.js';
import { loadDataset } from '../data/load.js';
import { FACE_BYTES, facePixels } from '../data/dataset.js';
import type { FaceSet } from '../data/dataset.js';
import { datasetStats } from '../data/stats.js';
import { loadModelFolder } from '../model/folder.js';
import type { FaceBytes, Tta } from '../model/inference.js';
import { evaluateLoaded } from '../evaluate/evaluate-model.js';
import { evaluationFile, readRunEvaluation, storeRunEvaluation } from '../evaluate/run-evaluation.js';
import type { StoredEvaluation, StoredEvaluationFiles } from '../evaluate/run-evaluation.js';
import { writeReportHtml } from './build.js';
import type { ReportFace } from '../evaluate/report-faces.js';
import { formatCount } from '../util/format.js';
import type { ReportInput } from './html.js';
import type { DataStatsLike } from '../metrics/records.js';
import { measureSpeed } from './model-speed.js';
import { readRunFolder } from '../runs/run-folder.js';
import type { RunFolder } from '../runs/run-folder.js';
import { RUN_FILES } from '../runs/layout.js';

export interface RunReportOptions {
  /** a data set: its faces are counted and the best model is evaluated on its test split now */
  data?: string;
  /** test-time augmentation of the evaluation made with `data` (default none) */
  tta?: Tta;
  /** the page to write; default `<runDir>/report.html` */
  out?: string;
  /** progress of loading the data set (images or bytes done of total) */
  onProgress?: (done: number, total: number) => void;
}

/** What the report was made from, besides the page itself. */
export interface GatheredReport {
  input: ReportInput;
  /** the evaluation files written into the run (with `data` only) */
  stored?: StoredEvaluationFiles;
  /** things a person should know, one sentence each (e.g. that no evaluation is stored) */
  notes: string[];
}

export interface RunReport extends GatheredReport {
  /** the page written */
  file: string;
  bytes: number;
}

const RUN_REPORT_OPTION_KEYS = optionKeys<RunReportOptions>({ data: true, tta: true, out: true, onProgress: true });

/**
 * Writes the report page of a run folder and says what it holds.
 *
 * @example
 * const report = await writeRunReport('runs/tiny', { data: 'datasets/fer2013' });
 * report.file;                         // 'runs/tiny/report.html'
 * report.input.evaluation?.accuracy;   // 0.412
 */
export async function writeRunReport(runDir: string, options: RunReportOptions = {}): Promise<RunReport> {
  const gathered = await gatherRunReport(runDir, options);
  const file = options.out ?? join(gathered.input.runDir ?? runDir, RUN_FILES.report);
  const bytes = await writeReportHtml(file, gathered.input);
  return { ...gathered, file, bytes };
}

/** Collects the report's input for a run folder (see `writeRunReport`). */
export async function gatherRunReport(runDir: string, options: RunReportOptions = {}): Promise<GatheredReport> {
  if (typeof runDir !== 'string' || runDir === '') throw badArgument('runDir', 'the path of a run folder (writeRunReport(runDir, { data, tta, out }))', runDir);
  checkOptionKeys(options, RUN_REPORT_OPTION_KEYS, 'writeRunReport');
  const run = await readRunFolder(runDir);
  await initEngine();
  const loaded = await loadModelFolder(run.modelDir);
  try {
    const part = options.data ? await evaluateNow(run, loaded, options) : await fromStored(run);
    const speed = measureSpeed(loaded, part.speedSample);
    const input: ReportInput = {
      title: `emoscope report: ${basename(run.dir)}`,
      runDir: run.dir,
      generatedAt: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
      data: part.data,
      config: run.config,
      history: run.history,
      evaluation: part.evaluation?.report,
      evaluationSplit: part.evaluation?.split,
      evaluationSource: part.evaluation?.source,
      evaluationMissing: part.evaluation ? undefined : part.missing,
      faces: part.evaluation?.faces,
      model: {
        bytes: run.modelBytes,
        parameters: run.meta.parameters,
        msPerFace: speed.msPerFace,
        architecture: run.meta.architecture,
        speedNote: speed.note,
      },
    };
    return { input, stored: part.stored, notes: part.notes };
  } finally {
    loaded.model.dispose();
  }
}

/** The parts of the report that depend on where the evaluation comes from. */
interface EvaluationPart {
  data?: DataStatsLike;
  evaluation?: { report: StoredEvaluation['report']; split: string; source: string; faces: ReportFace[] };
  /** shown in place of the metrics when there is no evaluation */
  missing?: string;
  stored?: StoredEvaluationFiles;
  speedSample?: FaceBytes;
  notes: string[];
}

/** Loads the data set as the run split it, counts it, evaluates on its test split and stores the evaluation. */
async function evaluateNow(run: RunFolder, loaded: Awaited<ReturnType<typeof loadModelFolder>>, options: RunReportOptions): Promise<EvaluationPart> {
  const data = options.data!;
  const config = run.config ?? {};
  // A user's class folders are split by seeded fractions: the run's own, or the test faces would
  // include faces it was trained on.
  const dataset = await loadDataset(data, {
    seed: numberField(config, 'seed'),
    valFraction: numberField(config, 'valFraction'),
    testFraction: numberField(config, 'testFraction'),
    skipBad: config.skipBad === true,
    onProgress: options.onProgress,
  });
  const test = dataset.splits.test;
  if (test.count === 0) {
    throw new EmoscopeError('BAD_DATA', `${data}: no test faces to evaluate on (FER2013's PrivateTest, or a class-folder data set with a test fraction above 0)`);
  }
  const stats = datasetStats(dataset);
  const tta = options.tta ?? 'none';
  const { report, probabilities } = evaluateLoaded(loaded, test, undefined, tta);
  const stored = await storeRunEvaluation(run.dir, 'test', { report, probabilities, faces: test }, { data, tta, modelDir: run.modelDir });
  const notes = [`Stored the test evaluation in ${stored.evaluation}`];
  return {
    data: {
      source: data,
      counts: Object.fromEntries(Object.entries(stats.splits).map(([split, s]) => [split, s.classes])),
      note: [sampleNote(run, config), stats.skipped.length ? `${formatCount(stats.skipped.length)} bad inputs were skipped.` : '']
        .filter(Boolean).join(' ') || undefined,
    },
    evaluation: {
      report,
      split: 'test',
      source: `Evaluated at report time on ${data}, all ${formatCount(test.count)} faces of the test split${tta === 'none' ? '' : `, with test-time augmentation (${tta})`}; stored in the run as ${evaluationFile('test')}.`,
      faces: reportFaces(test, probabilities),
    },
    stored,
    speedSample: test,
    notes,
  };
}

/** The run's stored evaluation (test, else validation) and what the run recorded about its data. */
async function fromStored(run: RunFolder): Promise<EvaluationPart> {
  const stored = (await readRunEvaluation(run.dir, 'test')) ?? (await readRunEvaluation(run.dir, 'val'));
  const dataPath = typeof run.config?.data === 'string' ? run.config.data : undefined;
  const training = run.meta.training ?? {};
  const totals: Record<string, number> = {};
  if (typeof training.trainFaces === 'number') totals.train = training.trainFaces;
  if (typeof training.valFaces === 'number') totals.val = training.valFaces;
  const counts: Record<string, Record<string, number>> = {};
  if (stored && stored.details?.limit === undefined) {
    // the evaluation's supports are the per-class counts of the split it covered
    counts[stored.split] = Object.fromEntries(stored.report.labels.map((l) => [l, stored.report.perClass[l as Emotion].support]));
    delete totals[stored.split];
  }
  const known = Object.keys(counts).length + Object.keys(totals).length > 0;
  const data: DataStatsLike | undefined = known
    ? {
        ...(dataPath && { source: dataPath }),
        counts,
        totals,
        note: Object.keys(totals).length
          ? `Faces per class of ${Object.keys(totals).join(' and ')} are not stored in the run: make the report with --data ${dataPath ?? '<path>'} to count them.`
          : undefined,
      }
    : undefined;
  const notes: string[] = [];
  if (!stored) {
    const dataArg = dataPath ?? '<path>';
    const missing = `No evaluation is stored in this run. Make the report with \`emoscope report ${run.dir} --data ${dataArg}\` (evaluates the best model on the test split now), or run \`emoscope evaluate --model ${run.dir} --data ${dataArg}\` first.`;
    notes.push(missing);
    return { data, missing, notes };
  }
  const when = stored.details ? ` ${stored.details.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` : '';
  const on = stored.details?.data ? ` on ${stored.details.data}` : '';
  const sample = stored.details?.limit !== undefined ? ` (a sample of at most ${formatCount(stored.details.limit)} faces)` : '';
  const tta = stored.details?.tta ? `, with test-time augmentation (${stored.details.tta})` : '';
  let source = `Stored in the run: ${basename(stored.file)}, evaluated${when}${on}, ${stored.split} split${sample}${tta}.`;
  if (stored.split !== 'test') {
    source += ' No test evaluation is stored, so these are validation metrics (the faces the best epoch was chosen on).';
    notes.push(`No test evaluation is stored in ${run.dir}: the report shows the ${stored.split} split.`);
  }
  if (stored.faces.length === 0) notes.push(`No faces file next to ${stored.file}: the report has no face grid.`);
  return {
    data,
    evaluation: { report: stored.report, split: stored.split, source, faces: stored.faces },
    speedSample: packFaces(stored.faces),
    notes,
  };
}

/** Every face of `set` with its scores, for the report to pick from. */
function reportFaces(set: FaceSet, probabilities: Float32Array): ReportFace[] {
  const k = EMOTIONS.length;
  return Array.from({ length: set.count }, (_, i) => ({
    image: facePixels(set, i),
    trueLabel: EMOTIONS[set.labels[i]!]!,
    scores: Object.fromEntries(EMOTIONS.map((e, c) => [e, probabilities[i * k + c]!])) as EmotionScores,
  }));
}

/** The stored faces' pixels, packed, as a sample for the speed measurement. */
function packFaces(faces: readonly ReportFace[]): FaceBytes | undefined {
  const gray = faces.map((f) => f.image).filter((im): im is Uint8Array => typeof im !== 'string' && im.length === FACE_BYTES);
  if (gray.length === 0) return undefined;
  const pixels = new Uint8Array(gray.length * FACE_BYTES);
  gray.forEach((im, i) => pixels.set(im, i * FACE_BYTES));
  return { pixels, count: gray.length };
}

/** Says how the run's training data differs from the counted data set. */
function sampleNote(run: RunFolder, config: Record<string, unknown>): string {
  const training = run.meta.training ?? {};
  const limit = numberField(config, 'limit');
  const used = typeof training.trainFaces === 'number' && typeof training.valFaces === 'number'
    ? `The run trained on ${formatCount(training.trainFaces)} faces and validated on ${formatCount(training.valFaces)}`
    : '';
  if (limit) return `${used || 'The run used only part of it'} (a sample of at most ${formatCount(limit)} faces per split, its --limit); the table counts the whole data set.`;
  return used ? `${used}.` : '';
}

function numberField(config: Record<string, unknown>, key: string): number | undefined {
  const value = config[key];
  return typeof value === 'number' ? value : undefined;
}
