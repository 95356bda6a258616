#!/usr/bin/env node
// `npm run test:quick`: the test files of the edit loop, i.e. all of dist/test/ but the slow ones
// that install the package, run the CLI as a subprocess or train (SLOW below). `npm test` runs all.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** File names of the slow tests: the npm-package install, CLI subprocesses, training, worker threads, the API over sockets. */
const SLOW = /(package-install|cli|train|recipe|workers|serve-load)/;

const dir = fileURLToPath(new URL('../dist/test/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && !SLOW.test(f)).sort();
const result = spawnSync(process.execPath, ['--test', '--test-force-exit', '--test-reporter=spec', ...files.map((f) => join(dir, f))], { stdio: 'inherit' });
process.exit(result.status ?? 1);
