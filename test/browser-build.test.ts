// `npm run build:web`: a static folder with the page, the browser module, the .wasm files and the
// models, whose bundles contain nothing Node-only; and the check refuses a bundle that would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildWeb, checkBrowserInputs } from '../scripts/build-web.js';
import { tempDir } from './helpers/paths.js';
import { tinyModelFolder } from './helpers/tiny-model.js';

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
    // gzipped copies for the server to send as they are; none of the page's model, which `serve` takes from its own folder
    for (const file of ['emoscope.js', 'app.js', 'index.html', 'wasm/tfjs-backend-wasm-simd.wasm', 'models/detector/blazeface/blazeface.json']) {
      const [plain, packed] = [await readFile(join(dir, file)), await readFile(join(dir, `${file}.gz`))];
      assert.deepEqual(gunzipSync(packed), plain, `${file}.gz holds ${file}`);
      assert.ok(packed.length < 0.9 * plain.length, `${file}: ${packed.length} of ${plain.length} bytes`);
    }
    assert.deepEqual((await readdir(join(dir, 'models', 'default'))).filter((n) => n.endsWith('.gz')), []);
  } finally {
    await rm(join(dir, '..'), { recursive: true, force: true });
  }
});

test('build:web --model puts that model\'s files where the page loads its classifier, instead of the shipped one', async () => {
  const { parent, dir: model } = await tinyModelFolder();
  const dir = join(parent, 'web');
  await buildWeb(dir, { model });
  for (const file of ['model.json', 'weights.bin', 'emoscope.json']) {
    assert.deepEqual(await readFile(join(dir, 'models', 'default', file)), await readFile(join(model, file)), file);
  }
  assert.deepEqual((await readdir(join(dir, 'models', 'default'))).sort(), ['emoscope.json', 'model.json', 'weights.bin']);
  await assert.rejects(buildWeb(join(parent, 'web2'), { model: join(parent, 'nothing') }), /No model at/);
  await rm(parent, { recursive: true, force: true });
});

test('the bundle check refuses sharp and our Node-only files', async () => {
  const metafile = (inputs: string[]) => ({ inputs: Object.fromEntries(inputs.map((i) => [i, { bytes: 1, imports: [] }])), outputs: {} });
  await assert.rejects(checkBrowserInputs(metafile(['src/types.ts', 'src/vision/image.ts'])), /Node-only modules.*src\/vision\/image\.ts/);
  await assert.rejects(checkBrowserInputs(metafile(['node_modules/sharp/lib/index.js'])), /sharp/);
  await checkBrowserInputs(metafile(['src/types.ts', 'src/vision/face-region.ts']));
});
