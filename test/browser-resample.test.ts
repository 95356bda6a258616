// The browser's resizer (src/vision/resample.ts) gives the bytes sharp gives, so that a face gets
// the same thumbnail and the same 48-px crop in the browser as in `emoscope predict`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { resizeBytes } from '../src/vision/resample.js';
import { openPhoto } from '../src/vision/image.js';
import { cropRegion, graySquare } from '../src/vision/face-region.js';
import { sharpResizeGray } from '../src/vision/face-crop.js';
import { COUPLE } from './predict-fixtures.js';

function differences(a: Uint8Array, b: Uint8Array): { mean: number; max: number } {
  assert.equal(a.length, b.length);
  let total = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    total += d;
    max = Math.max(max, d);
  }
  return { mean: total / a.length, max };
}

test('the detector thumbnail of couple.jpg (640×446 → 256×178 RGB) is byte for byte sharp\'s', async () => {
  const image = await (await openPhoto(COUPLE)).pixels();
  const want = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(256, 178, { fit: 'fill' }).raw().toBuffer();
  assert.deepEqual(differences(resizeBytes(image.data, image.width, image.height, 3, 256, 178), new Uint8Array(want)), { mean: 0, max: 0 });
});

test('gray face squares of 100 to 230 px reduced to 48×48 are sharp\'s within one grey level', async () => {
  const image = await (await openPhoto(COUPLE)).pixels();
  for (const side of [100, 150, 187, 200, 217, 226, 230]) {
    const gray = graySquare(image, cropRegion({ x: 60, y: 150, width: side / 1.2, height: side / 1.2 }, 0.1));
    const real = Math.sqrt(gray.length);
    const got = differences(resizeBytes(gray, real, real, 1, 48, 48), await sharpResizeGray(gray, real, 48));
    assert.ok(got.max <= 1 && got.mean < 0.05, `side ${real}: mean ${got.mean}, max ${got.max}`);
  }
});

test('resizeBytes keeps a flat image flat, reducing or enlarging', () => {
  const flat = new Uint8Array(90 * 70 * 3).fill(77);
  assert.ok(resizeBytes(flat, 90, 70, 3, 31, 17).every((v) => v === 77));
  assert.ok(resizeBytes(flat, 90, 70, 3, 200, 91).every((v) => v === 77));
});

test('faces smaller than 48 px and photos smaller than the detector\'s input are enlarged as sharp enlarges them, within a few grey levels', async () => {
  const image = await (await openPhoto(COUPLE)).pixels();
  for (const side of [20, 31, 40, 47]) {
    const gray = graySquare(image, cropRegion({ x: 200, y: 170, width: side / 1.2, height: side / 1.2 }, 0.1));
    const real = Math.sqrt(gray.length);
    const got = differences(resizeBytes(gray, real, real, 1, 48, 48), await sharpResizeGray(gray, real, 48));
    assert.ok(got.mean < 2.5 && got.max <= 40, `side ${real}: mean ${got.mean}, max ${got.max}`);
  }
  const small = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(120, 84, { fit: 'fill' }).raw().toBuffer();
  const want = await sharp(small, { raw: { width: 120, height: 84, channels: 3 } }).resize(256, 179, { fit: 'fill' }).raw().toBuffer();
  const got = differences(resizeBytes(new Uint8Array(small), 120, 84, 3, 256, 179), new Uint8Array(want));
  assert.ok(got.mean < 5, `thumbnail of a 120×84 photo: mean ${got.mean}, max ${got.max}`); // sharp interpolates bicubically here: 3.9 levels apart on average
});
