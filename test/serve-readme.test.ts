// The README's error table of the HTTP API is the catalogue's: a code or status changed in
// src/errors.ts without the README following fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiErrorTable } from '../src/serve/index.js';
import { REPO_ROOT } from './helpers/paths.js';

test('README.md\'s "Serve it" error table is the one written from ERROR_CATALOGUE', async () => {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  assert.ok(readme.includes(apiErrorTable()), `README.md should contain:\n${apiErrorTable()}`);
});
