#!/usr/bin/env node
// The `emoscope` command: a thin launcher for the compiled CLI.
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`emoscope: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
