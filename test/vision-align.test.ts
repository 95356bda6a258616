// Face alignment (the pipeline's `align` option): the eye line's angle from the detector's landmarks,
// the crop turned by it so that a tilted face comes out upright, and the option reaching the crop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzePhoto } from '../src/pipeline/analyze.js';
import { PIPELINE_DEFAULTS } from '../src/pipeline/options.js';
import { resolveRecognizerOptions } from '../src/predict/options.js';
import type { Detection, FaceDetector } from '../src/vision/detector.js';
import { cropFaceWith, graySquare } from '../src/vision/face-region.js';
import { boxGraySquare, eyeAngle, turnStep, turnedGraySquare } from '../src/vision/face-turn.js';
import { openPhoto } from '../src/vision/image.js';
import type { RgbImage } from '../src/vision/pixels.js';
import { EMOTIONS } from '../src/types.js';
import type { EmotionScores } from '../src/types.js';

const deg = (d: number) => (d * Math.PI) / 180;

test('eyeAngle: 0 for level eyes, the eye line\'s clockwise angle otherwise, undefined without two eyes', () => {
  assert.equal(eyeAngle([[40, 50], [60, 50], [50, 60]]), 0);
  assert.ok(Math.abs(eyeAngle([[40, 50], [60, 70]])! - deg(45)) < 1e-9, 'left eye (image right) lower: +45°');
  assert.ok(Math.abs(eyeAngle([[40, 50], [60, 30]])! + deg(45)) < 1e-9);
  assert.equal(eyeAngle([[40, 50]]), undefined);
  assert.equal(eyeAngle([[40, 50], [40, 50]]), undefined);
});

/** A dark 200×200 photo with a bright 5-px line through (100, 100) at `angle` (clockwise). */
function tiltedLine(angle: number): RgbImage {
  const width = 200;
  const height = 200;
  const data = new Uint8Array(width * height * 3);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // distance from the line through the centre along (cos, sin)
      const distance = Math.abs(-sin * (x + 0.5 - 100) + cos * (y + 0.5 - 100));
      if (distance < 2.5) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data, width, height };
}

const rowMean = (gray: Uint8Array, side: number, y: number) => gray.subarray(y * side, (y + 1) * side).reduce((a, v) => a + v, 0) / side;
const REGION = { x: 50, y: 50, width: 100, height: 100 };

test('a crop turned by the eye line\'s angle shows the tilted line level; the straight crop does not', () => {
  const image = tiltedLine(deg(25));
  const turned = turnedGraySquare(image, REGION, deg(25));
  const straight = graySquare(image, REGION);
  assert.ok(rowMean(turned, 100, 50) > 200, `turned: centre row mean ${rowMean(turned, 100, 50)}`);
  assert.ok(rowMean(turned, 100, 40) < 10, 'turned: 10 rows above is dark');
  assert.ok(rowMean(straight, 100, 50) < 60, `straight: centre row mean ${rowMean(straight, 100, 50)}`);
});

test('a large face is box-averaged before it is turned: a quarter of the pixels, the same picture', () => {
  const image = tiltedLine(deg(25));
  const full = turnedGraySquare(image, REGION, deg(25));
  const half = turnedGraySquare(image, REGION, deg(25), 2);
  assert.equal(half.length, 50 * 50);
  let difference = 0;
  for (let y = 0; y < 50; y++) {
    for (let x = 0; x < 50; x++) {
      const i = 2 * y * 100 + 2 * x;
      difference += Math.abs(half[y * 50 + x]! - (full[i]! + full[i + 1]! + full[i + 100]! + full[i + 101]!) / 4);
    }
  }
  assert.ok(difference / 2500 < 12, `mean difference from the full-size turn averaged 2×2: ${difference / 2500}`);
  assert.ok(rowMean(half, 50, 25) > 120, `the line is level: centre row mean ${rowMean(half, 50, 25)}`);
  assert.equal(turnStep(100, 48), 1);
  assert.equal(turnStep(400, 48), 4);
  const box = boxGraySquare({ data: Uint8Array.from([0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255]), width: 2, height: 2 }, { x: 0, y: 0, width: 2, height: 2 }, 2);
  assert.deepEqual([...box], [191], 'the mean of 0, 255, 255, 255');
});

test('without a turn (or one below 0.6°) the crop is exactly the straight crop', async () => {
  const image = tiltedLine(deg(25));
  const keep = async (gray: Uint8Array) => gray; // no resize: the region is the size asked for
  const straight = graySquare(image, { x: 40, y: 40, width: 120, height: 120 });
  const box = { x: 50, y: 50, width: 100, height: 100 };
  assert.deepEqual(await cropFaceWith(keep, image, box, 120, 0.1, 0), straight);
  assert.deepEqual(await cropFaceWith(keep, image, box, 120, 0.1, 0.005), straight);
  assert.notDeepEqual(await cropFaceWith(keep, image, box, 120, 0.1, deg(25)), straight);
});

test('the pipeline\'s align option turns each face by its own eye line', async () => {
  const image = tiltedLine(deg(-20));
  const photo = await openPhoto({ data: image.data, width: 200, height: 200, channels: 3 });
  // eyes along the line: (100 ± 30·cos, 100 ± 30·sin)
  const [c, s] = [Math.cos(deg(-20)), Math.sin(deg(-20))];
  const face: Detection = { box: { x: 50, y: 50, width: 100, height: 100 }, score: 0.9, keypoints: [[100 - 30 * c, 100 - 30 * s], [100 + 30 * c, 100 + 30 * s]] };
  const detector: FaceDetector = { name: 'blazeface', detect: async () => [face], dispose: () => undefined };
  const seen: Uint8Array[] = [];
  const classifier = {
    size: 100,
    classify: (pixels: Uint8Array, count: number): EmotionScores[] => {
      seen.push(pixels.slice());
      return Array.from({ length: count }, () => Object.fromEntries(EMOTIONS.map((e) => [e, 1 / 7])) as EmotionScores);
    },
    dispose: () => undefined,
  };
  const pipeline = { detector, classifier, resizeGray: async (gray: Uint8Array, side: number, size: number) => (side === size ? gray : gray.subarray(0, size * size)) };
  const options = { ...PIPELINE_DEFAULTS, margin: 0 };
  await analyzePhoto(photo, pipeline, { ...options, align: true });
  await analyzePhoto(photo, pipeline, { ...options, align: false });
  assert.ok(rowMean(seen[0]!, 100, 50) > 200, `aligned: centre row mean ${rowMean(seen[0]!, 100, 50)}`);
  assert.ok(rowMean(seen[1]!, 100, 50) < 60, `not aligned: centre row mean ${rowMean(seen[1]!, 100, 50)}`);
});

test('align must be true or false', () => {
  assert.throws(() => resolveRecognizerOptions({ align: 'yes' as unknown as boolean }), /Expected true or false for align but received "yes"/);
});
