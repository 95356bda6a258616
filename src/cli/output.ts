// Where a command's results go: a file (written atomically when it is a regular file), or stdout
// when the path is `-`; JSON Lines written line by line as results come; and what `predict` prints
// on stdout when no flag says (a table on a terminal, JSON elsewhere, as scripts expect).
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';

/** The path that means standard output. */
export const STDOUT = '-';

/** Writes `text` to `path`, or to stdout for `-`. */
export async function writeOutput(path: string, text: string): Promise<void> {
  if (path === STDOUT) process.stdout.write(text);
  else await writeFileAtomic(path, text);
}

/** Lines written as they come (not atomic: a run cut short keeps the lines it wrote). */
export interface LineSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens `path` (or stdout for `-`) for JSON Lines; the file is truncated first. */
export async function openLineSink(path: string): Promise<LineSink> {
  if (path === STDOUT) {
    return {
      write: (line) => new Promise((done) => (process.stdout.write(line) ? done() : process.stdout.once('drain', done))),
      close: async () => {},
    };
  }
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'w');
  return {
    write: async (line) => void (await file.write(line)),
    close: () => file.close(),
  };
}

/** What stdout carries: one output given as `-`, else a table on a terminal, else JSON unless a file takes it. */
export type StdoutUse = 'table' | 'json' | 'csv' | 'jsonl' | 'none';

/**
 * Chooses what `predict` prints on stdout. At most one output may be `-`. Without one, a
 * terminal gets a table for people, and a pipe or file gets the JSON array (as before `--jsonl`
 * existed) unless `--json` or `--jsonl` already writes the results to a file.
 */
export function stdoutUse(outputs: { json?: string; csv?: string; jsonl?: string }, isTTY: boolean): StdoutUse {
  const toStdout = (['json', 'csv', 'jsonl'] as const).filter((k) => outputs[k] === STDOUT);
  if (toStdout.length > 1) {
    throw new EmoscopeError('BAD_ARGUMENT', `Expected at most one output on stdout (-) but received ${toStdout.map((k) => `--${k} -`).join(', ')}`);
  }
  if (toStdout.length === 1) return toStdout[0]!;
  if (isTTY) return 'table';
  return outputs.json === undefined && outputs.jsonl === undefined ? 'json' : 'none';
}

/** The JSON and CSV outputs of a command whose JSON goes to stdout unless `--json` names a file. */
export interface JsonCsvTargets {
  /** the JSON file, or undefined for stdout */
  json?: string;
  /** the CSV file, `-` for stdout, or undefined for none */
  csv?: string;
}

/**
 * `--json` and `--csv` of `video` and `batch results`, `-` meaning stdout as in `predict`: `--json -`
 * is the default, `--csv -` puts the CSV on stdout and needs a `--json` file (one output on stdout).
 */
export function jsonCsvTargets(json: string | undefined, csv: string | undefined): JsonCsvTargets {
  if (csv === STDOUT && (json === undefined || json === STDOUT)) {
    throw new EmoscopeError('BAD_ARGUMENT', 'Expected at most one output on stdout (-) but received --csv - while the JSON goes to stdout too: name a file with --json');
  }
  return { json: json === STDOUT ? undefined : json, csv };
}
