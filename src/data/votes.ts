// Annotators' votes per face, such as FER+ (ten people relabelled every FER2013 face): a CSV with
// one row per face, a column naming the face and one count column per emotion. Votes give two things:
// soft training targets (the share of votes per emotion) and a relabelled test set (the majority),
// both with the FER+ authors' rules (Barsoum et al. 2016): a single vote is an outlier and dropped;
// a majority is more than half of the remaining votes.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { EmoscopeError } from '../errors.js';
import { printable } from '../util/printable.js';
import { EMOTIONS } from '../types.js';
import type { FaceSet } from './dataset.js';
import { labelOfName } from './labels.js';

/** Columns that may name the face, in the order they are looked for: its image file, or its row of fer2013.csv. */
export const VOTE_KEY_COLUMNS = ['file', 'msambare_file', 'path', 'image'] as const;
export const VOTE_ROW_COLUMN = 'row';
/** Vote columns that are not an emotion of ours: counted as votes, never as a label. */
export const NON_EMOTION_VOTES = ['contempt', 'unknown', 'nf'] as const;

/** Per face, the votes for each of EMOTIONS and the votes for anything else (contempt, unknown, not a face). */
export interface FaceVotes {
  emotions: Float32Array;
  /** votes per non-emotion column (NON_EMOTION_VOTES present in the file), by lower-case name */
  others: Map<string, number>;
}

/** A votes file read: faces by file name (without extension) and by fer2013.csv row. */
export interface VoteTable {
  file: string;
  byName: Map<string, FaceVotes>;
  byRow: Map<number, FaceVotes>;
  rows: number;
}

/**
 * Reads a votes CSV. Faces are named by a file column, a `row` column (of fer2013.csv), or — in FER+'s
 * own fer2013new.csv, which has a Usage column and no name — by the line order, which is fer2013.csv's.
 * Every problem is a BAD_DATA error naming the file, line and column.
 */
export async function readVotes(file: string): Promise<VoteTable> {
  let records: string[][];
  try {
    records = parse(await readFile(file, 'utf8'), { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') throw new EmoscopeError('NOT_FOUND', `Votes file ${printable(file)} does not exist`);
    if (error instanceof Error && 'code' in error && error.code === 'EISDIR') throw new EmoscopeError('BAD_DATA', `Votes file ${printable(file)} is a folder; expected a CSV file of votes (FER+'s fer2013new.csv, or one with a face column and a count per emotion)`);
    throw new EmoscopeError('BAD_DATA', `Votes file ${printable(file)}: ${printable(error instanceof Error ? error.message : String(error))}`);
  }
  const where = printable(file);
  const header = records[0];
  if (!header) throw new EmoscopeError('BAD_DATA', `Votes file ${where} is empty: expected a header naming a face column and emotion columns`);
  const lower = header.map((h) => h.toLowerCase());
  const keyColumn = VOTE_KEY_COLUMNS.map((name) => lower.indexOf(name)).find((i) => i >= 0);
  const rowColumn = lower.indexOf(VOTE_ROW_COLUMN);
  // FER+'s own fer2013new.csv names no face: its rows follow fer2013.csv's, with the same Usage column.
  const rowsInOrder = keyColumn === undefined && rowColumn < 0 && lower.includes('usage');
  if (keyColumn === undefined && rowColumn < 0 && !rowsInOrder) {
    throw new EmoscopeError('BAD_DATA', `Votes file ${where} line 1: expected a column naming the face (${[...VOTE_KEY_COLUMNS, VOTE_ROW_COLUMN].join(', ')}) but found ${printable(header.join(','))}`);
  }
  const emotionColumns = lower.map((name, i) => [i, labelOfName(name)] as const).filter((c): c is readonly [number, number] => c[1] !== undefined);
  const otherColumns = lower.map((name, i) => [i, name] as const).filter(([, name]) => (NON_EMOTION_VOTES as readonly string[]).includes(name));
  const missing = EMOTIONS.filter((_, label) => !emotionColumns.some(([, l]) => l === label));
  if (missing.length > 0) throw new EmoscopeError('BAD_DATA', `Votes file ${where} line 1: expected a vote column for every emotion but ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} none`);

  const table: VoteTable = { file, byName: new Map(), byRow: new Map(), rows: records.length - 1 };
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const count = (i: number): number => {
      const value = Number(record[i]);
      if (record[i] === '' || !Number.isFinite(value) || value < 0) {
        throw new EmoscopeError('BAD_DATA', `Votes file ${where} line ${r + 1}, column ${printable(header[i]!)}: expected a vote count of at least 0 but found "${printable(record[i] ?? '')}"`);
      }
      return value;
    };
    const emotions = new Float32Array(EMOTIONS.length);
    for (const [i, label] of emotionColumns) emotions[label] = emotions[label]! + count(i);
    const others = new Map(otherColumns.map(([i, name]) => [name, count(i)] as const));
    const votes: FaceVotes = { emotions, others };
    if (keyColumn !== undefined && record[keyColumn]) table.byName.set(faceName(record[keyColumn]!), votes);
    if (rowsInOrder) table.byRow.set(r - 1, votes);
    if (rowColumn >= 0) {
      const row = Number(record[rowColumn]);
      if (!Number.isInteger(row) || row < 0) throw new EmoscopeError('BAD_DATA', `Votes file ${where} line ${r + 1}, column ${printable(header[rowColumn]!)}: expected a row number of at least 0 but found "${printable(record[rowColumn] ?? '')}"`);
      table.byRow.set(row, votes);
    }
  }
  return table;
}

/** The key a face is found by: its file name without folder and extension. */
export function faceName(path: string): string {
  const name = basename(path.replaceAll('\\', '/'));
  return name.slice(0, name.length - extname(name).length);
}

/** The votes of the face that came from `origin` (an image path, or `<file>.csv:<line>` with line 2 = row 0). */
export function votesOf(table: VoteTable, origin: string): FaceVotes | undefined {
  const csvLine = /\.csv:(\d+)$/i.exec(origin);
  if (csvLine) return table.byRow.get(Number(csvLine[1]) - 2);
  return table.byName.get(faceName(origin));
}

/** FER+'s outlier rule: a count of one vote is dropped. */
function withoutSingles(votes: number): number {
  return votes <= 1 ? 0 : votes;
}

/**
 * The share of votes per emotion (single votes dropped, the non-emotion votes left out), or undefined
 * when no emotion keeps a vote.
 */
export function voteShares(votes: FaceVotes): Float32Array | undefined {
  const kept = votes.emotions.map(withoutSingles);
  const total = kept.reduce((a, v) => a + v, 0);
  return total > 0 ? kept.map((v) => v / total) : undefined;
}

/** Why a face has no majority label. */
export type NoMajority = 'no votes' | 'no majority' | 'contempt' | 'unknown' | 'nf';

/**
 * The majority label (index into EMOTIONS), FER+'s rule: single votes dropped, then the top count must
 * be more than half of all remaining votes, the non-emotion ones included; when a non-emotion column
 * wins, its name says why there is no label.
 */
export function majorityLabel(votes: FaceVotes): number | NoMajority {
  const kept = votes.emotions.map(withoutSingles);
  const others = [...votes.others].map(([name, count]) => [name, withoutSingles(count)] as const);
  const total = kept.reduce((a, v) => a + v, 0) + others.reduce((a, [, v]) => a + v, 0);
  if (total === 0) return 'no votes';
  let top = 0;
  for (let c = 1; c < kept.length; c++) if (kept[c]! > kept[top]!) top = c;
  if (kept[top]! > total / 2) return top;
  const other = others.find(([, v]) => v > total / 2);
  return other ? (other[0] as NoMajority) : 'no majority';
}

/** Soft targets for training: per face the vote shares, or its own label (one-hot) when it has none. Also how many faces had votes. */
export function voteTargets(table: VoteTable, faces: FaceSet): { targets: Float32Array; matched: number } {
  const classes = EMOTIONS.length;
  const targets = new Float32Array(faces.count * classes);
  let matched = 0;
  for (let i = 0; i < faces.count; i++) {
    const votes = votesOf(table, faces.origins[i]!);
    const shares = votes && voteShares(votes);
    if (shares) {
      targets.set(shares, i * classes);
      matched++;
    } else {
      targets[i * classes + faces.labels[i]!] = 1;
    }
  }
  return { targets, matched };
}

/** What relabelling a set of faces by majority did: the faces kept (with their new labels) and those left out, by reason. */
export interface Relabelled {
  faces: FaceSet;
  kept: number;
  changed: number;
  leftOut: Record<NoMajority, number>;
}

/** `faces` with each label replaced by its votes' majority; faces without one are left out. */
export function relabelByMajority(table: VoteTable, faces: FaceSet): Relabelled {
  const leftOut: Record<NoMajority, number> = { 'no votes': 0, 'no majority': 0, contempt: 0, unknown: 0, nf: 0 };
  const keep: number[] = [];
  const labels: number[] = [];
  let changed = 0;
  for (let i = 0; i < faces.count; i++) {
    const votes = votesOf(table, faces.origins[i]!);
    const label = votes ? majorityLabel(votes) : 'no votes';
    if (typeof label === 'number') {
      keep.push(i);
      labels.push(label);
      if (label !== faces.labels[i]) changed++;
    } else {
      leftOut[label]++;
    }
  }
  const size = faces.pixels.length / Math.max(1, faces.count);
  const pixels = new Uint8Array(keep.length * size);
  keep.forEach((from, to) => pixels.set(faces.pixels.subarray(from * size, (from + 1) * size), to * size));
  return {
    faces: { pixels, labels: Uint8Array.from(labels), count: keep.length, origins: keep.map((i) => faces.origins[i]!) },
    kept: keep.length,
    changed,
    leftOut,
  };
}
