// Weights stored as float16: half the bytes, the same network once loaded. The manifest says so in
// TF.js's own terms, so Node's loader and a browser's (TF.js's HTTP loader) both read the folder as
// it is; values round to the nearest float16; `emoscope float16` writes such a folder and compares
// it with the original on a data set's faces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { toFloat16Weights } from '../src/model/float16-weights.js';
import { countParameters } from '../src/model/inference.js';
import { loadModelFolder } from '../src/model/folder.js';
import { EmoscopeError } from '../src/errors.js';
import { CLI, FER_FOLDERS } from './helpers/paths.js';
import { tinyModelFolder } from './helpers/tiny-model.js';
import { loadOverHttp } from './helpers/http-model.js';

test('toFloat16Weights: float32 weights take 2 bytes a value and round to the nearest float16; int32 weights are kept', () => {
  const floats = new Float32Array([0, 1, -2.5, 0.1, 65504, 1 / 3]);
  const ints = new Int32Array([7, -9]);
  const data = new Uint8Array(floats.byteLength + ints.byteLength);
  data.set(new Uint8Array(floats.buffer), 0);
  data.set(new Uint8Array(ints.buffer), floats.byteLength);
  const { specs, data: out } = toFloat16Weights(
    [{ name: 'k', shape: [2, 3], dtype: 'float32' }, { name: 'steps', shape: [2], dtype: 'int32' }],
    data.buffer,
  );
  assert.deepEqual(specs.map((s) => s.quantization?.dtype), ['float16', undefined]);
  assert.equal(out.byteLength, 6 * 2 + 2 * 4);
  // float16 bit patterns: 0, 1 = 0x3c00, -2.5 = 0xc100, 0.1 → 0x2e66 (0.0999755…), 65504 = 0x7bff, 1/3 → 0x3555
  assert.deepEqual(Array.from(new Uint16Array(out, 0, 6)), [0, 0x3c00, 0xc100, 0x2e66, 0x7bff, 0x3555]);
  assert.deepEqual(Array.from(new Int32Array(out.slice(12))), [7, -9]);
});

test('toFloat16Weights: a value float16 cannot hold is refused naming the weight, not turned into infinity', () => {
  const data = new Float32Array([1, 70000]).buffer;
  assert.throws(() => toFloat16Weights([{ name: 'dense/kernel', shape: [2], dtype: 'float32' }], data), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError && error.code === 'BAD_MODEL');
    assert.match(error.message, /dense\/kernel holds 70000, beyond float16's ±65504/);
    return true;
  });
});

test('a float16 model folder has half the weight bytes and predicts as the float32 one, through Node\'s loader and a browser\'s', async () => {
  const full = await tinyModelFolder({}, 4);
  const half = await tinyModelFolder({ precision: 'float16' }, 4);
  const a = await loadModelFolder(full.dir);
  const b = await loadModelFolder(half.dir);
  const params = countParameters(a.model);
  assert.equal((await stat(join(full.dir, 'weights.bin'))).size, params * 4);
  assert.equal((await stat(join(half.dir, 'weights.bin'))).size, params * 2);
  const manifest = JSON.parse(await readFile(join(half.dir, 'model.json'), 'utf8')).weightsManifest[0].weights;
  assert.ok(manifest.every((w: tf.io.WeightsManifestEntry) => w.dtype === 'float32' && w.quantization?.dtype === 'float16'));
  // Each weight within float16's rounding (half a unit in the 11th significant bit) of the original.
  a.model.weights.forEach((w, i) => {
    const x = w.read().dataSync();
    const y = b.model.weights[i]!.read().dataSync();
    x.forEach((v, j) => assert.ok(Math.abs(v - y[j]!) <= Math.abs(v) * 2 ** -11 + 1e-7, `${w.name}[${j}]: ${v} → ${y[j]}`));
  });
  const browser = await loadOverHttp(half.dir); // as a browser reads the folder
  const x = tf.randomUniform([4, 48, 48, 1], 0, 1, 'float32', 9);
  const p32 = (a.model.predict(x) as tf.Tensor).dataSync();
  const p16 = (b.model.predict(x) as tf.Tensor).dataSync();
  const pBrowser = (browser.predict(x) as tf.Tensor).dataSync();
  p32.forEach((p, i) => assert.ok(Math.abs(p - p16[i]!) < 2e-3, `probability ${i}: ${p} vs ${p16[i]}`));
  assert.deepEqual(Array.from(pBrowser), Array.from(p16));
  tf.dispose(x);
  for (const m of [a.model, b.model, browser]) m.dispose();
});

test('emoscope float16 writes the folder, says the sizes and compares the two models on the data set\'s faces', async () => {
  const { parent, dir } = await tinyModelFolder({}, 5);
  const out = join(parent, 'half');
  const cli = spawnSync(process.execPath, [CLI, 'float16', '--model', dir, '--out', out, '--data', FER_FOLDERS], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /^Weights of .*model: [\d.]+ MB as float32, [\d.]+ MB as float16$/m);
  const check = /^On (\d+) faces of val: accuracy ([\d.]+) before, ([\d.]+) after; (\d+) faces? changes? (?:its|their) top emotion; the largest change of a probability is ([\d.e-]+)$/m.exec(cli.stdout);
  assert.ok(check, cli.stdout);
  assert.ok(Number(check[1]) > 0 && Number(check[5]) < 0.01, cli.stdout);
  const meta = JSON.parse(await readFile(join(out, 'emoscope.json'), 'utf8'));
  assert.match(meta.training.float16From, /emoscope-test-[^/]+\/model$/, 'where it came from (a portable path)');
  assert.deepEqual(meta.metrics, {}, 'figures measured on the float32 model are not carried over');
  assert.equal((await stat(join(out, 'weights.bin'))).size * 2, (await stat(join(dir, 'weights.bin'))).size);
  const evaluated = spawnSync(process.execPath, [CLI, 'evaluate', '--model', out, '--data', FER_FOLDERS, '--split', 'val'], { encoding: 'utf8' });
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const again = spawnSync(process.execPath, [CLI, 'float16', '--model', out, '--out', join(parent, 'again')], { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /^Weights of .*half: [\d.]+ MB, float16 already; written again as float16 \([\d.]+ MB\), nothing gained$/m, 'a float16 model is not called float32');
});
