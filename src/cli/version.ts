// `emoscope --version`: the package's version, the engine in use (native oneDNN kernels or pure
// wasm, and why not native) and the default model with its measured accuracy, so that a user or a
// bug report can tell at a glance what runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { nativeAddon, nativeLoadError } from '../engine/native.js';
import { META_JSON } from '../model/folder.js';
import { DEFAULT_MODEL_DIR } from '../runs/locate.js';
import { parseModelMeta } from '../model/meta.js';
import { measuredAccuracies } from '../model/describe.js';
import type { RegisterCommand } from './commands.js';

/** package.json, from src/cli/ or dist/src/cli/. */
const PACKAGE_JSON = fileURLToPath(new URL('../../../package.json', import.meta.url));

/** Three lines: `emoscope <version>`, `engine: …`, `model: …`. */
export function versionText(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
  return [`emoscope ${version}`, `engine: ${engineLine()}`, `model: ${modelLine()}`].join('\n');
}

function engineLine(): string {
  const addon = nativeAddon();
  if (addon) return `native oneDNN kernels (${addon.implName()}) on TensorFlow.js wasm`;
  return `TensorFlow.js wasm with emoscope's pure-wasm kernels (native addon: ${nativeLoadError() ?? 'not loaded'})`;
}

/** `<dir> (<architecture>, <n> parameters): accuracy <x> on <test split>, …`; a broken model says so instead of failing. */
function modelLine(): string {
  try {
    const where = join(DEFAULT_MODEL_DIR, META_JSON);
    const meta = parseModelMeta(JSON.parse(readFileSync(where, 'utf8')), where);
    const measured = measuredAccuracies(meta);
    const about = `${meta.architecture}, ${meta.parameters.toLocaleString('en-US')} parameters`;
    return `${DEFAULT_MODEL_DIR} (${about})${measured.length ? `: ${measured.join(', ')}` : ''}`;
  } catch (error) {
    return `${DEFAULT_MODEL_DIR}: unreadable (${(error as Error).message})`;
  }
}

/** `-V, --version` on the program: prints `versionText()` and ends the CLI with exit code 0. */
export const registerVersion: RegisterCommand = (program) => {
  program
    .option('-V, --version', 'print the version, the engine in use (native oneDNN or wasm) and the default model')
    .on('option:version', () => {
      process.stdout.write(`${versionText()}\n`);
      throw new CommanderError(0, 'emoscope.version', 'version printed'); // as commander's own .version() ends
    });
};
