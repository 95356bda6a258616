// The CLI as a user runs it: `node bin/emoscope.js <args>` in a child process, its exit code and both
// streams whatever the outcome (a failing command is a result to assert on, not a rejection).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI } from './paths.js';

const run = promisify(execFile);

/** What a CLI run ended with. */
export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI (in `cwd`, default this process's); `timeout` (ms) makes a hang fail instead of blocking the suite. */
export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number; cwd?: string } = {}): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 1 << 26, env: options.env ?? process.env, timeout: options.timeout ?? 0, cwd: options.cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as CliOutcome;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
