// CSV cells and lines as RFC 4180 has them: a cell with a comma, quote or line break is quoted,
// quotes doubled; lines end with `\n`.

/** One cell's text. */
export function csvCell(value: unknown): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line, `\n` included. */
export function csvLine(row: readonly unknown[]): string {
  return `${row.map(csvCell).join(',')}\n`;
}
