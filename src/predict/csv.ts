// Results as CSV: one row per face (file, face number, box, detector score, emotion, seven
// probabilities), plus one row per photo that failed, so that no input is silently missing.
import { EMOTIONS } from '../types.js';
import type { PhotoResult } from '../types.js';
import { csvLine } from '../util/csv.js';

export const CSV_HEADER = ['file', 'face', 'x', 'y', 'width', 'height', 'score', 'emotion', ...EMOTIONS, 'error'];

/** The CSV text of `results`, header first, RFC 4180 quoting, `\n` line ends. */
export function resultsToCsv(results: readonly PhotoResult[]): string {
  return CSV_HEADER_LINE + results.map(csvRows).join('');
}

/** The header line, for writers that add rows as results come (`batch results`). */
export const CSV_HEADER_LINE = csvLine(CSV_HEADER);

/** The lines of one photo: a row per face, or one row with the error; nothing for a photo without faces. */
export function csvRows(r: PhotoResult): string {
  const rows: unknown[][] = [];
  if (r.error !== undefined) {
    rows.push([r.file, '', '', '', '', '', '', '', ...EMOTIONS.map(() => ''), r.error]);
  } else {
    r.faces.forEach((f, i) => {
      rows.push([r.file, i + 1, f.box.x, f.box.y, f.box.width, f.box.height, f.score, f.emotion, ...EMOTIONS.map((e) => f.scores[e]), '']);
    });
  }
  return rows.map(csvLine).join('');
}
