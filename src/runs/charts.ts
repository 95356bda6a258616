// The pictures the CLI writes next to a run and an evaluation, under fixed names.
import { join } from 'node:path';
import type { EvaluationLike, HistoryLike } from '../metrics/records.js';
import { writeChart } from '../charts/render.js';
import type { ChartFiles } from '../charts/render.js';
import { confusionMatrixSpec } from '../charts/specs/confusion-matrix.js';
import { perClassSpec } from '../charts/specs/per-class.js';
import { reliabilitySpec } from '../charts/specs/reliability.js';
import { trainingCurvesSpec } from '../charts/specs/training-curves.js';
import { CURVES_BASENAME } from './layout.js';

/** Writes `<runDir>/curves.svg` and `curves.png`; `emoscope train` calls it after every epoch. */
export async function writeTrainingCurves(runDir: string, history: HistoryLike): Promise<ChartFiles> {
  return writeChart(trainingCurvesSpec(history), join(runDir, CURVES_BASENAME));
}

/** The pictures of one evaluation. */
export interface EvaluationChartFiles {
  confusionMatrix: ChartFiles;
  confusionMatrixNormalized: ChartFiles;
  perClass: ChartFiles;
  /** only for evaluations that measured probabilities */
  reliability?: ChartFiles;
}

/** The charts of an evaluation, by base name (`.svg` and `.png` each). */
export const EVALUATION_CHART_NAMES = ['confusion-matrix', 'confusion-matrix-normalized', 'per-class', 'reliability'] as const;

/** Writes `confusion-matrix`, `confusion-matrix-normalized`, `per-class` and `reliability` (`.svg` and `.png` each) into `outDir`. */
export async function writeEvaluationCharts(outDir: string, evaluation: EvaluationLike): Promise<EvaluationChartFiles> {
  return {
    confusionMatrix: await writeChart(confusionMatrixSpec(evaluation), join(outDir, 'confusion-matrix')),
    confusionMatrixNormalized: await writeChart(confusionMatrixSpec(evaluation, { normalize: true }), join(outDir, 'confusion-matrix-normalized')),
    perClass: await writeChart(perClassSpec(evaluation), join(outDir, 'per-class')),
    ...(evaluation.reliability?.length ? { reliability: await writeChart(reliabilitySpec(evaluation), join(outDir, 'reliability')) } : {}),
  };
}
