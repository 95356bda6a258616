// Paths the tests share: the committed fixtures and the CLI launcher, from the compiled dist/test/.
import { fileURLToPath } from 'node:url';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
/** About a hundred real FER2013 faces in the image-folder layout (see test/fixtures/README.md). */
export const FER_FOLDERS = join(FIXTURES, 'fer2013');
export const CLI = join(REPO_ROOT, 'bin', 'emoscope.js');

export function tempDir(prefix = 'emoscope-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
