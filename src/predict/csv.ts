// Results as CSV: one row per face (file, face number, box, detector score, emotion, seven
// probabilities), plus one row per photo that failed, so that no input is silently missing.
import { EMOTIONS } from '../types.js';
import type { PhotoResult } from '../types.js';
import { csvLine } from '../util/csv.js';

export const CSV_HEADER = ['file', 'face', 'x', 'y', 'width', 'height', 'score', 'emotion', ...EMOTIONS, 'error'];

/** The CSV text of `results`, header first, RFC 4180 quoting, `\n` line ends. */
export function resultsToCsv(results: readonly PhotoResult[]): string {
  const rows: unknown[][] = [CSV_HEADER];
  for (const r of results) {
    if (r.error !== undefined) {
      rows.push([r.file, '', '', '', '', '', '', '', ...EMOTIONS.map(() => ''), r.error]);
      continue;
    }
    r.faces.forEach((f, i) => {
      rows.push([r.file, i + 1, f.box.x, f.box.y, f.box.width, f.box.height, f.score, f.emotion, ...EMOTIONS.map((e) => f.scores[e]), '']);
    });
  }
  return rows.map(csvLine).join('');
}
