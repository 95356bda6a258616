// The detector's second check (src/vision/face-check.ts): a handbag BlazeFace scores above the
// default threshold is dropped, every face of the fixtures is kept, and each geometric rule rejects
// the shape it is for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { initEngine } from '../src/engine/backend.js';
import { loadBlazeFace } from '../src/vision/blazeface.js';
import { checkFace } from '../src/vision/face-check.js';
import type { Detection } from '../src/vision/detector.js';
import { openPhoto } from '../src/vision/image.js';
import { COUPLE, PHOTOS, SINGLE } from './predict-fixtures.js';

/** img46.jpg of the deepface test set as it is (400×500): a woman and, at (116, 332), a handbag BlazeFace scores 0.36. */
const HANDBAG = join(PHOTOS, 'handbag.jpg');
/** Seven people, six faces found (test/fixtures/photos/README.md). */
const SELFIE = join(PHOTOS, 'selfie.jpg');

test('the handbag scored above the default threshold is a face without the check and none with it; the woman is kept', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  try {
    const photo = await openPhoto(HANDBAG);
    const unchecked = await detector.detect(photo, { minScore: 0.35, faceCheck: false });
    assert.equal(unchecked.length, 2, 'the handbag is above 0.35 without the check');
    const checked = await detector.detect(photo, { minScore: 0.35 });
    assert.equal(checked.length, 1);
    assert.ok(checked[0]!.score > 0.9 && checked[0]!.box.width > 100, 'the woman\'s face is what is left');
  } finally {
    detector.dispose();
  }
});

test('every face BlazeFace finds in the photo fixtures passes the check (selfie: 6, couple: 2, single: 1)', async () => {
  await initEngine();
  const detector = await loadBlazeFace();
  try {
    for (const [file, n] of [[SELFIE, 6], [COUPLE, 2], [SINGLE, 1]] as const) {
      const photo = await openPhoto(file);
      assert.equal((await detector.detect(photo, { minScore: 0.35, faceCheck: false })).length, n);
      assert.equal((await detector.detect(photo, { minScore: 0.35 })).length, n, file);
    }
  } finally {
    detector.dispose();
  }
});

/** A frontal face in a 100-px box at (100, 100), landmarks as BlazeFace puts them on a real face. */
function face(change: Partial<Record<'rightEye' | 'leftEye' | 'nose' | 'mouth', [number, number]>> = {}, side = 100): Detection {
  const k = side / 100;
  const p = (x: number, y: number): [number, number] => [100 + x * k, 100 + y * k];
  return {
    box: { x: 100, y: 100, width: side, height: side },
    score: 0.9,
    keypoints: [change.rightEye ?? p(29, 35), change.leftEye ?? p(71, 35), change.nose ?? p(50, 60), change.mouth ?? p(50, 80), p(5, 45), p(95, 45)],
  };
}

test('a frontal face passes, turned by 90° too; eyes too close, a mouth not below the eyes, a nose past the mouth and a tiny box do not', () => {
  assert.equal(checkFace(face(), 1000), null);
  assert.equal(checkFace(face({ rightEye: [140, 135], leftEye: [156, 135] }), 1000), 'eye-distance'); // 0.16 of the box, like blurred patches
  // the same face turned 90° clockwise: (x, y) → (200 − y + 100, x) around the box, as in a photo without its EXIF turn
  assert.equal(checkFace(face({ rightEye: [165, 129], leftEye: [165, 171], nose: [140, 150], mouth: [120, 150] }), 1000), null);
  assert.equal(checkFace(face({ mouth: [150, 140] }), 1000), 'mouth'); // mouth 5 px under the eye line
  assert.equal(checkFace(face({ nose: [150, 178] }), 1000), 'nose'); // nose tip 43 of the mouth's 45 px down
  assert.equal(checkFace(face({}, 60), 1000), 'size'); // 6 % of the photo's longer side
  assert.equal(checkFace(face({}, 60), 600), null); // 10 %: kept
});
