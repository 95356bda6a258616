// The CLI: a thin shell over the library. Each command lives in its own file and registers itself
// on the program; this file only wires them together, runs the one asked for and maps errors to
// a message and exit code 1.
import { Command, CommanderError } from 'commander';
import { EmoscopeError } from '../errors.js';
import { printableLines } from '../util/printable.js';
import { COMMANDS } from './commands.js';

/** Runs the CLI on `argv` (without node and script) and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('emoscope')
    .description('Facial emotion recognition: train on FER2013 or your own faces, evaluate, recognize emotions in photos.')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  let exitCode = 0;
  for (const register of COMMANDS) {
    register(program, (code) => { exitCode = code; });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0; usage errors were already printed.
      return error.exitCode;
    }
    if (error instanceof EmoscopeError) {
      process.stderr.write(`emoscope: ${printableLines(error.message)}\n`); // names in it cannot drive the terminal
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
      // `emoscope video … | head`: the reader stopped before the results were complete
      process.stderr.write('emoscope: stdout was closed by its reader before the results were complete (EPIPE)\n');
      return 1;
    }
    throw error;
  }
}
