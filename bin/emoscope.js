#!/usr/bin/env node
// The `emoscope` command: a thin launcher for the compiled CLI.
import { main } from '../dist/src/cli/main.js';

// `emoscope evaluate … | head` (or `2>&1 | head`): a reader that stops early is not an error; the
// command still finishes its other outputs (--json, --out) and exits normally.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`emoscope: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
