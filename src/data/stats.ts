// What `emoscope data stats` shows: faces per split and class, as numbers (for --json) and as a table
// (pandas' `value_counts` per split, side by side).
import { EMOTIONS, SPLITS, type Emotion, type Split } from '../types.js';
import { classCounts, type BadInput, type DataFormat, type Dataset } from './dataset.js';

/** Faces of one split: the total and the count of each emotion. */
export interface SplitStats {
  total: number;
  classes: Record<Emotion, number>;
}

/** Faces per split and class of a data set, and what was skipped. */
export interface DatasetStats {
  format: DataFormat;
  source: string;
  total: number;
  splits: Record<Split, SplitStats>;
  skipped: BadInput[];
}

/**
 * Counts the faces of a data set per split and class.
 *
 * @example
 * datasetStats(await loadDataset('fer2013')).splits.val;
 * // { total: 3589, classes: { angry: 467, disgust: 56, fear: 496, happy: 895, sad: 653, surprise: 415, neutral: 607 } }
 */
export function datasetStats(ds: Dataset): DatasetStats {
  const splits = Object.fromEntries(
    SPLITS.map((split) => {
      const counts = classCounts(ds.splits[split]);
      const classes = Object.fromEntries(EMOTIONS.map((emotion, label) => [emotion, counts[label]])) as Record<Emotion, number>;
      return [split, { total: ds.splits[split].count, classes }];
    }),
  ) as Record<Split, SplitStats>;
  const total = SPLITS.reduce((sum, split) => sum + splits[split].total, 0);
  return { format: ds.format, source: ds.source, total, splits, skipped: ds.skipped };
}

/**
 * The counts as a text table: one row per split and a total row, one column per emotion and a total.
 *
 * @example
 * split  angry disgust fear happy  sad surprise neutral total
 * train   3995     436 4097  7215 4830     3171    4965 28709
 * …
 */
export function formatStatsTable(stats: DatasetStats): string {
  const header = ['split', ...EMOTIONS, 'total'];
  const rows = SPLITS.map((split) => [split, ...EMOTIONS.map((emotion) => String(stats.splits[split].classes[emotion])), String(stats.splits[split].total)]);
  const totals = EMOTIONS.map((emotion) => String(SPLITS.reduce((sum, split) => sum + stats.splits[split].classes[emotion], 0)));
  rows.push(['total', ...totals, String(stats.total)]);
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column].length)));
  // The split names align left, the numbers right, as pandas prints them.
  return table
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '))
    .join('\n');
}
