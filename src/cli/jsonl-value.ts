// `predict --jsonl [file]` takes an optional value, and commander gives it the next word: `predict
// --jsonl photos/` made photos/ the file to write and left no input ("missing required argument").
// A word that cannot be a JSON Lines file to write (an existing folder, a name ending in a slash,
// a name with an image's extension) is read as the input it is, in its place among the inputs, and
// --jsonl streams to stdout; any other word stays the file (`--jsonl faces.jsonl`, as documented),
// and when that leaves no input at all the error names the flag, the word and what to write instead.
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { IMAGE_EXTENSIONS } from '../util/image-files.js';

/** True for a word that names photos to read, never a JSON Lines file to write. */
export function isPhotoArgument(word: string): boolean {
  if (word.endsWith('/')) return true;
  if (IMAGE_EXTENSIONS.has(extname(word).toLowerCase())) return true;
  return statSync(word, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * `args` with `--jsonl <photo word>` written `--jsonl=-` (stdout), the word left where it was as an
 * input; `taken` is the word --jsonl still takes as its file, if any. Stops at `--`.
 */
export function readJsonlValue(args: readonly string[], isPhoto: (word: string) => boolean = isPhotoArgument): { args: string[]; taken?: string } {
  const out = [...args];
  let taken: string | undefined;
  for (let i = 0; i < out.length; i++) {
    const arg = out[i]!;
    if (arg === '--') break;
    // `--jsonl=<word>` is left as written: the user said it is the file
    const next = out[i + 1];
    if (arg !== '--jsonl' || next === undefined || (next.length > 1 && next.startsWith('-'))) continue; // as commander reads an optional value
    if (isPhoto(next)) out[i] = '--jsonl=-';
    else taken = next;
    i++;
  }
  return { args: out, taken };
}

/** The error when --jsonl took the only word given: what happened and what to write instead. */
export function jsonlTookTheInput(word: string): string {
  return `error: no photos to analyse: --jsonl took "${word}" as the file to write the JSON lines to. `
    + `For JSON lines on stdout write \`--jsonl - ${word}\`; to write them to a file, \`--jsonl faces.jsonl ${word}\``;
}

/** Makes `command` (predict) read its --jsonl value as described above. */
export function guardJsonlValue(command: Command): Command {
  // Two of commander's public steps wrapped: parseOptions (argv → options and operands) and error
  // (every usage error), whose 'commander.missingArgument' gets the message that says why.
  const parseOptions = command.parseOptions.bind(command);
  const error = command.error.bind(command);
  let taken: string | undefined;
  command.parseOptions = (argv: string[]) => {
    const read = readJsonlValue(argv);
    taken = read.taken;
    return parseOptions(read.args);
  };
  command.error = (message, options) => error(options?.code === 'commander.missingArgument' && taken !== undefined ? jsonlTookTheInput(taken) : message, options);
  return command;
}
