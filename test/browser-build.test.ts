// `npm run build:web`: a static folder with the page, the browser module, the .wasm files and the
// models, whose bundles contain nothing Node-only; and the check refuses a bundle that would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { buildWeb, checkBrowserInputs } from '../scripts/build-web.js';
import { tempDir } from './helpers/paths.js';

test('build:web lays out index.html, app.js, emoscope.js, the .wasm files and both models', async () => {
  const dir = join(await tempDir('emoscope-web-'), 'web');
  try {
    const { metafiles } = await buildWeb(dir);
    for (const file of ['index.html', 'style.css', 'app.js', 'emoscope.js', 'models/default/model.json', 'models/default/weights.bin', 'models/default/emoscope.json', 'models/detector/blazeface/blazeface.json']) {
      assert.ok((await stat(join(dir, file))).size > 0, file);
    }
    assert.ok((await readdir(join(dir, 'wasm'))).includes('tfjs-backend-wasm-simd.wasm'));
    assert.ok((await readdir(join(dir, 'wasm'))).includes('tfjs-backend-wasm-threaded-simd.wasm'), 'the multi-threaded build');
    const headers = await readFile(join(dir, '_headers'), 'utf8');
    assert.match(headers, /^\/\*\n {2}Cross-Origin-Opener-Policy: same-origin\n {2}Cross-Origin-Embedder-Policy: require-corp\n$/, 'the host is told to isolate the page');
    const inputs = metafiles.flatMap((m) => Object.keys(m.inputs));
    assert.ok(inputs.includes('src/pipeline/analyze.ts'), 'the page runs the shared pipeline');
    assert.ok(inputs.includes('src/vision/blazeface-core.ts'));
    for (const nodeOnly of ['src/vision/image.ts', 'src/vision/face-crop.ts', 'src/vision/blazeface.ts', 'src/predict/recognizer.ts']) {
      assert.ok(!inputs.includes(nodeOnly), `${nodeOnly} is not in the bundle`);
    }
    assert.ok(!inputs.some((i) => i.includes('node_modules/sharp/')), 'no sharp');
    assert.match(await readFile(join(dir, 'app.js'), 'utf8'), /from"\.\/emoscope\.js"|from "\.\/emoscope\.js"/, 'the page imports the module, not a copy');
  } finally {
    await rm(join(dir, '..'), { recursive: true, force: true });
  }
});

test('the bundle check refuses sharp and our Node-only files', async () => {
  const metafile = (inputs: string[]) => ({ inputs: Object.fromEntries(inputs.map((i) => [i, { bytes: 1, imports: [] }])), outputs: {} });
  await assert.rejects(checkBrowserInputs(metafile(['src/types.ts', 'src/vision/image.ts'])), /Node-only modules.*src\/vision\/image\.ts/);
  await assert.rejects(checkBrowserInputs(metafile(['node_modules/sharp/lib/index.js'])), /sharp/);
  await checkBrowserInputs(metafile(['src/types.ts', 'src/vision/face-region.ts']));
});
