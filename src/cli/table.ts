// `emoscope predict` for people: one row per face (photo, face number, emotion, confidence, the
// runner-up emotion, box), one row per photo without a face or that could not be read. Pure
// formatting; predict.ts decides when a terminal gets this instead of JSON.
import { printable } from '../util/printable.js';
import { EMOTIONS } from '../types.js';
import type { PhotoResult } from '../types.js';

/** The column titles, in order. */
export const TABLE_COLUMNS = ['photo', 'face', 'emotion', 'confidence', 'runner-up', 'box'] as const;

/** Columns aligned to the right (numbers). */
const RIGHT = new Set<number>([1, 3]);

/** The results as an aligned text table, header first, `\n` line ends, no trailing spaces. */
export function formatResultsTable(results: readonly PhotoResult[]): string {
  const rows: string[][] = [[...TABLE_COLUMNS]];
  for (const r of results) {
    const photo = printable(r.file);
    if (r.error !== undefined) {
      rows.push([photo, '-', 'unreadable', '', '', '']);
      continue;
    }
    if (r.faces.length === 0) rows.push([photo, '-', 'no face found', '', '', '']);
    r.faces.forEach((f, i) => {
      const [first, second] = [...EMOTIONS].sort((a, b) => f.scores[b] - f.scores[a]);
      const top = f.emotion ?? first!;
      const runnerUp = top === first ? second! : first!;
      const { x, y, width, height } = f.box;
      rows.push([photo, String(i + 1), top, percent(f.scores[top]), `${runnerUp} ${percent(f.scores[runnerUp])}`, `${width}×${height} at ${x},${y}`]);
    });
  }
  const widths = TABLE_COLUMNS.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) => row.map((cell, c) => (RIGHT.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n') + '\n';
}

function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

export { printable };
