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

/** The longest files (over 20 s each on 2 cores), started first so that no long file runs alone at the end. */
const LONG = ['browser-page', 'recipe-script', 'package-install', 'batch-workers', 'video-cli', 'batch-cli'];

const quick = process.argv.includes('--quick');
const dir = fileURLToPath(new URL('../dist/test/', import.meta.url));
const rank = (f) => { const i = LONG.indexOf(f.replace(/\.test\.js$/, '')); return i < 0 ? LONG.length : i; };
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && !(quick && SLOW.test(f))).sort().sort((a, b) => rank(a) - rank(b));
const concurrency = Math.min(4, Math.max(2, availableParallelism()));
// Each file's native kernels on one OpenMP thread unless the caller says otherwise: with several files
// at once, kernel threads of different files would spin against each other for the same cores.
const env = { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' };
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map((f) => join(dir, f))],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
