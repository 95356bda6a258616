// The npm package as a user gets it: `npm pack` (which builds), the tarball installed into a fresh
// project, then the CLI (`npx emoscope --help`, `--version`, `predict`) and the library
// (`import { loadRecognizer } from 'emoscope'`) run there, and a consumer's TypeScript file
// type-checked with moduleResolution node16 and bundler. Slow (an npm install): not in test:quick.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES, REPO_ROOT, tempDir } from './helpers/paths.js';
import type { PhotoResult } from '../src/types.js';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** The install builds the native kernels where oneDNN's headers are (scripts/build-native.mjs). */
const ONEDNN = process.platform === 'linux' && existsSync('/usr/include/dnnl.hpp');

interface PackEntry {
  filename: string;
  files: { path: string }[];
}

let project: string;
let packed: string[];
const version = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')).version as string;

async function inProject(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { cwd: project, maxBuffer: 1 << 24, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

before(async () => {
  const dir = await tempDir('emoscope-package-');
  // `npm pack` runs the build (prepare); its stdout must stay the JSON npm prints.
  const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, maxBuffer: 1 << 24 });
  const [entry] = JSON.parse(stdout) as PackEntry[];
  packed = entry!.files.map((f) => f.path);
  const tarball = join(dir, entry!.filename);

  project = join(dir, 'consumer');
  await run('mkdir', [project]);
  // npm ≥ 11 runs a dependency's install script only when allowed: here, by name and by tarball.
  const allowScripts = { emoscope: true, [`file:${tarball}`]: true };
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', allowScripts }));
  await inProject(NPM, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']);
  await copyFile(join(FIXTURES, 'photos', 'couple.jpg'), join(project, 'couple.jpg'));
});

test('the tarball holds the compiled code, models, fonts and native sources; no tests, benchmarks, CI or TypeScript sources', () => {
  for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'bin/emoscope.js', 'models/default/weights.bin',
    'models/default/emoscope.json', 'models/detector/blazeface/blazeface.bin', 'assets/fonts/fonts.conf',
    'src/engine/native/binding.gyp', 'src/engine/native/emoscope_native.cc', 'scripts/build-native.mjs', 'README.md', 'package.json']) {
    assert.ok(packed.includes(file), `${file} is in the tarball`);
  }
  const unwanted = packed.filter((p) => /^(test|bench|\.ci|dist\/test|dist\/bench)\//.test(p) || /\.map$/.test(p) || (/\.ts$/.test(p) && !p.endsWith('.d.ts')) || p.includes('/build/'));
  assert.deepEqual(unwanted, []);
});

test('npx emoscope --help lists the commands', async () => {
  const { stdout } = await inProject(NPX, ['emoscope', '--help']);
  assert.match(stdout, /Usage: emoscope/);
  for (const command of ['train', 'evaluate', 'predict', 'report']) assert.match(stdout, new RegExp(`\\n  ${command}\\b`));
});

test(`npx emoscope --version names the version, the engine (${ONEDNN ? 'native: oneDNN is here' : 'wasm: no oneDNN'}) and the installed default model`, async () => {
  const { stdout } = await inProject(NPX, ['emoscope', '--version']);
  const [first, engine, model] = stdout.trim().split('\n');
  assert.equal(first, `emoscope ${version}`);
  assert.match(engine!, ONEDNN ? /^engine: native oneDNN kernels/ : /^engine: TensorFlow\.js wasm/);
  assert.ok(model!.startsWith(`model: ${join(project, 'node_modules', 'emoscope', 'models', 'default')} (emo-vgg`), model);
  assert.match(model!, /accuracy 0\.\d{4} on FER2013 PrivateTest/);
});

test('npx emoscope predict finds both faces of the sample with the shipped model', async () => {
  const { stdout } = await inProject(NPX, ['emoscope', 'predict', 'couple.jpg', '--json', '-']);
  const [result] = JSON.parse(stdout) as PhotoResult[];
  assert.equal(result!.file, 'couple.jpg');
  assert.equal(result!.faces.length, 2);
});

test("import { loadRecognizer } from 'emoscope' and recognize() in the consumer project", async () => {
  const script = [
    "import { loadRecognizer } from 'emoscope';",
    'const recognizer = await loadRecognizer();',
    "const result = await recognizer.recognize('couple.jpg');",
    'recognizer.dispose();',
    'console.log(JSON.stringify(result));',
  ].join('\n');
  await writeFile(join(project, 'use.mjs'), script);
  const { stdout } = await inProject(process.execPath, ['use.mjs']);
  const result = JSON.parse(stdout) as PhotoResult;
  assert.deepEqual(result.faces.map((f) => Object.keys(f.scores).length), [7, 7]);
});

for (const resolution of ['node16', 'bundler'] as const) {
  test(`a consumer's TypeScript type-checks against the package's types (moduleResolution ${resolution})`, async () => {
    const source = [
      "import { loadRecognizer, EMOTIONS } from 'emoscope';",
      "import type { PhotoResult, Emotion } from 'emoscope';",
      'const recognizer = await loadRecognizer({ minFaceScore: 0.5 });',
      "const result: PhotoResult = await recognizer.recognize('couple.jpg');",
      'const emotion: Emotion | undefined = result.faces[0]?.emotion;',
      'const first: Emotion = EMOTIONS[0];',
      '// @ts-expect-error: an emotion is not a number (fails if the types resolved to any)',
      'const wrong: number = result.faces[0]!.emotion;',
      'console.log(emotion, first, wrong);',
      'export {};',
    ].join('\n');
    await writeFile(join(project, `consumer-${resolution}.ts`), source);
    const options = resolution === 'node16' ? { module: 'node16', moduleResolution: 'node16' } : { module: 'esnext', moduleResolution: 'bundler' };
    const tsconfig = {
      compilerOptions: {
        ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true,
        types: ['node'], typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
      },
      files: [`consumer-${resolution}.ts`],
    };
    await writeFile(join(project, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig));
    const outcome = await inProject(process.execPath, [TSC, '-p', `tsconfig.${resolution}.json`]).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    assert.ok(!('failed' in outcome), `tsc reported:\n${outcome.stdout}`);
  });
}
