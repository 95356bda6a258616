#!/usr/bin/env node
// `npm test`: every test file of dist/test/, several files at a time: as many as the machine has
// cores, at least two (many tests wait on a browser, a server or a subprocess, so even a 2-core
// machine keeps both cores busy with two files) and at most four (each file loads TF.js and a model). `npm run test:quick` (--quick): the files of the edit loop,
// i.e. all but the slow ones that install the package, run the CLI as a subprocess or train (SLOW).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** File names of the slow tests: the npm-package install, CLI subprocesses, training, worker threads, the API over sockets. */
const SLOW = /(package-install|cli|train|recipe|workers|serve-load)/;

const quick = process.argv.includes('--quick');
const dir = fileURLToPath(new URL('../dist/test/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && !(quick && SLOW.test(f))).sort();
const concurrency = Math.min(4, Math.max(2, availableParallelism()));
const result = spawnSync(
  process.execPath,
  ['--test', '--test-force-exit', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map((f) => join(dir, f))],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
