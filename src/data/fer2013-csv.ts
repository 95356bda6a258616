// The reader of the original `fer2013.csv` (`emotion,pixels,Usage`, 2,304 space-separated gray values
// per row). The real file is 287 MB, so it is streamed in chunks and parsed byte by byte straight
// into typed arrays: no line, and never the whole file, becomes a JS string.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { printable } from '../util/printable.js';
import { EMOTIONS, SPLITS, type Split } from '../types.js';
import { FACE_BYTES, FaceSetBuilder, emptyFaceSet, type BadInput, type FaceSet } from './dataset.js';
import { USAGE_LIST, splitOfUsage } from './fer2013.js';

/** Options of `readFer2013Csv`. */
export interface CsvReadOptions {
  /** Splits to keep; rows of the others are not parsed further than their Usage. */
  splits: readonly Split[];
  skipBad: boolean;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What `readFer2013Csv` found: the faces per split and the rows skipped as bad. */
export interface CsvReadResult {
  splits: Record<Split, FaceSet>;
  skipped: BadInput[];
}

/** Where the three columns are in a row, from the header. */
interface Columns {
  emotion: number;
  pixels: number;
  usage: number;
  count: number;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const COMMA = 44;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
/** A row of 2,304 values takes about 8 KB; used to size the arrays before the count is known. */
const TYPICAL_ROW_BYTES = 8000;

/**
 * Reads a FER2013 CSV file. Rows are origin-named `<file name>:<line>`; a bad row throws a BAD_DATA
 * error naming its line and what was wrong, or with `skipBad` is listed in `skipped`.
 *
 * @example
 * const { splits } = await readFer2013Csv('fer2013.csv', { splits: ['train', 'val', 'test'], skipBad: false });
 * splits.train.count; // 28709
 */
export async function readFer2013Csv(path: string, options: CsvReadOptions): Promise<CsvReadResult> {
  const name = basename(path);
  const totalBytes = (await stat(path)).size;
  const expectedRows = totalBytes / TYPICAL_ROW_BYTES;
  const builders = new Map<Split, FaceSetBuilder>(
    options.splits.map((split) => [split, new FaceSetBuilder(split === 'train' ? expectedRows * 0.8 : expectedRows * 0.1)]),
  );
  const skipped: BadInput[] = [];
  let columns: Columns | undefined;
  let lineNumber = 0;

  const reject = (problem: string): void => {
    if (!options.skipBad) throw new EmoscopeError('BAD_DATA', `${printable(name)} line ${lineNumber}: ${printable(problem)}`);
    skipped.push({ where: `${printable(name)}:${lineNumber}`, problem: printable(problem) });
  };

  const handleLine = (line: Buffer, start: number, end: number): void => {
    lineNumber++;
    if (end > start && line[end - 1] === CARRIAGE_RETURN) end--;
    if (isBlank(line, start, end)) return; // a trailing newline or an empty line carries no row
    if (columns === undefined) {
      if (lineNumber === 1 && line[start] === 0xef && line[start + 1] === 0xbb && line[start + 2] === 0xbf) start += 3; // UTF-8 byte-order mark (Excel writes one)
      columns = readHeader(line.toString('latin1', start, end), name);
      return;
    }
    const fields = splitFields(line, start, end);
    if (fields.length / 2 !== columns.count) {
      reject(`expected ${columns.count} columns (emotion,pixels,Usage) but found ${fields.length / 2}`);
      return;
    }
    const usage = fieldText(line, fields, columns.usage);
    const split = splitOfUsage(usage);
    if (split === undefined) {
      reject(`expected Usage ${USAGE_LIST} but found "${usage}"`);
      return;
    }
    const labelText = fieldText(line, fields, columns.emotion);
    const label = /^\d+$/.test(labelText) ? Number(labelText) : -1;
    if (label < 0 || label >= EMOTIONS.length) {
      reject(`expected an emotion label 0–${EMOTIONS.length - 1} but found "${labelText}"`);
      return;
    }
    const builder = builders.get(split);
    if (builder === undefined) return; // a split not asked for
    const problem = parsePixels(line, fields[2 * columns.pixels], fields[2 * columns.pixels + 1], builder.next());
    if (problem !== undefined) {
      reject(problem);
      return;
    }
    builder.commit(label, `${name}:${lineNumber}`);
  };

  let bytesRead = 0;
  let carry: Buffer | undefined; // the unfinished last line of the previous chunk
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (bytesRead === 0 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
      throw new EmoscopeError('BAD_DATA', `${printable(name)} is gzip-compressed: expected a plain CSV file (decompress it first, e.g. gunzip -k)`);
    }
    bytesRead += chunk.length;
    const buffer = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    let start = 0;
    for (let newline = buffer.indexOf(NEWLINE, start); newline >= 0; newline = buffer.indexOf(NEWLINE, start)) {
      handleLine(buffer, start, newline);
      start = newline + 1;
    }
    carry = start < buffer.length ? buffer.subarray(start) : undefined;
    options.onProgress?.(bytesRead, totalBytes);
  }
  if (carry !== undefined) handleLine(carry, 0, carry.length);
  if (columns === undefined) {
    throw new EmoscopeError('BAD_DATA', `${printable(name)} is empty: expected a header emotion,pixels,Usage and one row per face`);
  }

  const splits = Object.fromEntries(
    SPLITS.map((split) => [split, builders.get(split)?.build() ?? emptyFaceSet()]),
  ) as Record<Split, FaceSet>;
  return { splits, skipped };
}

/** Finds the three columns by name, so that files written with another column order still read. */
function readHeader(text: string, name: string): Columns {
  const names = text.split(',').map((field) => unquote(field.trim()).trim().toLowerCase());
  const columns = {
    emotion: names.indexOf('emotion'),
    pixels: names.indexOf('pixels'),
    usage: names.indexOf('usage'),
    count: names.length,
  };
  if (columns.emotion < 0 || columns.pixels < 0 || columns.usage < 0) {
    const shown = printable(text.length > 60 ? `${text.slice(0, 60)}…` : text);
    throw new EmoscopeError('BAD_DATA', `${printable(name)} line 1: expected the header emotion,pixels,Usage but found "${shown}"`);
  }
  return columns;
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/** Start and end of each comma-separated field, trimmed of blanks and quotes: [start0, end0, start1, end1, …]. */
function splitFields(line: Buffer, start: number, end: number): number[] {
  const bounds: number[] = [];
  let fieldStart = start;
  while (fieldStart <= end) {
    const comma = line.indexOf(COMMA, fieldStart); // native search: the pixels field is 8 KB long
    const fieldEnd = comma < 0 || comma > end ? end : comma;
    let s = fieldStart;
    let e = fieldEnd;
    while (s < e && isBlankByte(line[s])) s++;
    while (e > s && isBlankByte(line[e - 1])) e--;
    if (e - s >= 2 && line[s] === QUOTE && line[e - 1] === QUOTE) {
      s++;
      e--;
    }
    bounds.push(s, e);
    fieldStart = fieldEnd + 1;
  }
  return bounds;
}

function fieldText(line: Buffer, fields: number[], column: number): string {
  return line.toString('latin1', fields[2 * column], fields[2 * column + 1]);
}

/**
 * Parses space-separated gray values into `out` (2,304 bytes). Returns what was wrong, or undefined
 * when the row held exactly 2,304 values in 0..255.
 */
function parsePixels(line: Buffer, start: number, end: number, out: Uint8Array): string | undefined {
  let count = 0;
  let value = -1; // -1 while between numbers
  for (let i = start; i <= end; i++) {
    const byte = i < end ? line[i] : SPACE; // a virtual blank at the end flushes the last number
    if (byte >= DIGIT_0 && byte <= DIGIT_9) {
      value = value < 0 ? byte - DIGIT_0 : value * 10 + byte - DIGIT_0;
      if (value > 255) return `expected pixel values 0–255 but pixel ${count + 1} is "${tokenAt(line, i, start, end)}"`;
    } else if (byte === SPACE || byte === TAB) {
      if (value >= 0) {
        if (count < FACE_BYTES) out[count] = value;
        count++;
        value = -1;
      }
    } else {
      return `expected pixel values 0–255 but pixel ${count + 1} is "${tokenAt(line, i, start, end)}"`;
    }
  }
  return count === FACE_BYTES ? undefined : `expected ${FACE_BYTES} pixel values but found ${count}`;
}

/** The blank-delimited token around position `at`, for messages. */
function tokenAt(line: Buffer, at: number, start: number, end: number): string {
  let s = at;
  let e = at;
  while (s > start && !isBlankByte(line[s - 1])) s--;
  while (e < end && !isBlankByte(line[e])) e++;
  const token = line.toString('latin1', s, Math.min(e, s + 20));
  return e - s > 20 ? `${token}…` : token;
}

function isBlankByte(byte: number): boolean {
  return byte === SPACE || byte === TAB;
}

function isBlank(line: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isBlankByte(line[i])) return false;
  return true;
}
