// Where the page puts each face's label and score panel (src/web/overlay-layout.ts), without a
// browser: on a phone-sized picture of six faces no panel covers another panel, a label or a face,
// panels shrink to three rows or give way to the label alone when there is no room, and a lone face
// on a desktop keeps its full panel right of its box, as before. Crowds from a seeded generator
// check the same rules on many layouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../src/types.js';
import { overlaySizes } from '../src/web/draw.js';
import { layoutOverlay, overlaps } from '../src/web/overlay-layout.js';
import type { FacePlacement, FaceToPlace, OverlaySizes } from '../src/web/overlay-layout.js';

/** The page's sizes on a phone (a picture 370 px wide: compact panels) and on a desktop. */
const PHONE: OverlaySizes = overlaySizes(370);
const DESKTOP: OverlaySizes = overlaySizes(900);

/**
 * The six faces the shipped detector finds in a 600×604 group selfie (deepface's test image
 * selfie-many-people.jpg; only the boxes are kept here), shown 370 px wide as on a 390×844 phone.
 */
const SELFIE = { width: 600, height: 604, boxes: [
  { x: 0, y: 268, width: 73, height: 80 }, { x: 85, y: 322, width: 118, height: 118 }, { x: 207, y: 145, width: 102, height: 101 },
  { x: 355, y: 144, width: 146, height: 146 }, { x: 466, y: 360, width: 134, height: 218 }, { x: 518, y: 116, width: 82, height: 99 },
] };

function scaled(boxes: readonly Box[], k: number): FaceToPlace[] {
  return boxes.map((b) => ({ box: { x: b.x * k, y: b.y * k, width: b.width * k, height: b.height * k }, labelWidth: 100 }));
}

/** The rules every layout keeps; `where` names the case in a failure. */
function assertNoOverlap(faces: readonly FaceToPlace[], placed: readonly FacePlacement[], width: number, height: number, where: string): void {
  assert.equal(placed.length, faces.length);
  const panels = placed.flatMap((p, i) => (p.panel ? [{ i, box: p.panel.box }] : []));
  const within = (b: Box) => b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 1e-9 && b.y + b.height <= height + 1e-9;
  for (const { i, box } of panels) {
    assert.ok(within(box), `${where}: panel ${i} ${JSON.stringify(box)} inside the ${width}×${height} picture`);
    faces.forEach((f, j) => assert.ok(!overlaps(box, f.box), `${where}: panel ${i} covers face ${j}`));
    placed.forEach((p, j) => assert.ok(!overlaps(box, p.label), `${where}: panel ${i} covers label ${j}`));
    for (const other of panels) if (other.i !== i) assert.ok(!overlaps(box, other.box), `${where}: panels ${i} and ${other.i} overlap`);
  }
  placed.forEach((p, i) => assert.ok(within(p.label), `${where}: label ${i} inside the picture`));
}

test('six faces on a 390×844 phone (picture 370 px wide): no panel covers a panel, a label or a face; each panel has 7 or 3 rows', () => {
  const k = 370 / SELFIE.width;
  const [width, height] = [370, Math.round(SELFIE.height * k)];
  const faces = scaled(SELFIE.boxes, k);
  const placed = layoutOverlay(faces, width, height, PHONE);
  assertNoOverlap(faces, placed, width, height, 'phone');
  const rows = placed.map((p) => p.panel?.rows ?? 0);
  assert.ok(rows.every((r) => r === 7 || r === 3 || r === 0), rows.join());
  assert.ok(rows.filter((r) => r > 0).length >= 4, `most faces keep a panel: ${rows.join()}`);
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) assert.ok(!overlaps(placed[i]!.label, placed[j]!.label), `labels ${i} and ${j} overlap`);
  }
});

test('the same photo on a desktop (picture 644 px wide): the same rules, most faces with all seven rows', () => {
  const k = 644 / SELFIE.width;
  const [width, height] = [644, Math.round(SELFIE.height * k)];
  const faces = scaled(SELFIE.boxes, k);
  const placed = layoutOverlay(faces, width, height, overlaySizes(width));
  assertNoOverlap(faces, placed, width, height, 'desktop');
  assert.ok(placed.filter((p) => p.panel?.rows === 7).length >= 4, placed.map((p) => p.panel?.rows ?? 0).join());
});

test('one face with room around it: the label just above the box, the full panel right of it at the box\'s top', () => {
  const box = { x: 200, y: 150, width: 120, height: 120 };
  const [placed] = layoutOverlay([{ box, labelWidth: 90 }], 900, 600, DESKTOP);
  assert.deepEqual(placed!.label, { x: 198.5, y: 130, width: 90, height: 20 });
  assert.deepEqual(placed!.panel, { rows: 7, side: 'right', box: { x: 326, y: 150, width: 132, height: 99 } });
});

test('a face at the right edge gets its panel on the left; a face filling the picture keeps only its label', () => {
  const [right] = layoutOverlay([{ box: { x: 780, y: 100, width: 110, height: 110 }, labelWidth: 90 }], 900, 600, DESKTOP);
  assert.deepEqual(right!.panel, { rows: 7, side: 'left', box: { x: 780 - 6 - 132, y: 100, width: 132, height: 99 } });
  const [full] = layoutOverlay([{ box: { x: 0, y: 0, width: 390, height: 390 }, labelWidth: 90 }], 390, 390, PHONE);
  assert.equal(full!.panel, undefined);
  assert.deepEqual(full!.label, { x: 0, y: 0, width: 90, height: 20 }, 'inside the top edge of the box');
});

test('200 seeded crowds of 5 to 12 faces on phone-sized pictures keep the rules', () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < 200; n++) {
    const [width, height] = [330 + Math.floor(random() * 60), 250 + Math.floor(random() * 250)];
    const faces: FaceToPlace[] = Array.from({ length: 5 + Math.floor(random() * 8) }, () => {
      const side = 24 + random() * 90;
      return { box: { x: random() * (width - side), y: random() * (height - side), width: side, height: side * (1 + random() * 0.3) }, labelWidth: 70 + random() * 40 };
    });
    assertNoOverlap(faces, layoutOverlay(faces, width, height, PHONE), width, height, `crowd ${n} (${faces.length} faces, ${width}×${height})`);
  }
});

/** Frames of a live picture: each laid out with (or without) the previous frame's placements. */
function frames(sequence: ReadonlyArray<readonly Box[]>, width: number, height: number, remember: boolean): FacePlacement[][] {
  let previous: FacePlacement[] | undefined;
  return sequence.map((boxes) => {
    const placed = layoutOverlay(boxes.map((box, i) => ({ box, labelWidth: 90, previous: remember ? previous?.[i] : undefined })), width, height, DESKTOP);
    assertNoOverlap(boxes.map((box) => ({ box, labelWidth: 90 })), placed, width, height, 'frame');
    previous = placed;
    return placed;
  });
}

test('on a live picture a panel keeps its side while a neighbour jitters by a few pixels, instead of jumping from side to side', () => {
  // the right neighbour moves 4 px back and forth across the edge of the first face's right-hand panel
  const a = { x: 200, y: 150, width: 120, height: 120 };
  const sequence = [462, 454, 462, 454, 700].map((x) => [a, { x, y: 160, width: 100, height: 100 }]);
  const side = (placed: FacePlacement[][]) => placed.map((p) => p[0]!.panel?.side).join();
  assert.equal(side(frames(sequence, 1000, 600, false)), 'right,left,right,left,right', 'without memory it flickers');
  assert.equal(side(frames(sequence, 1000, 600, true)), 'right,left,left,left,left');
});

test('on a live picture a panel shrinks at once but grows back only with room to spare', () => {
  // the first face fills the left of a 140-px-high picture: its panel can only go right, where a
  // second face's label comes up to the full panel's bottom edge (99 px) give or take 3 px
  const a = { x: 0, y: 0, width: 120, height: 120 };
  const below = (top: number) => [a, { x: 140, y: top + 20, width: 60, height: 10 }];
  const sequence = [102, 96, 102, 96, 102, 118].map(below);
  const rows = (placed: FacePlacement[][]) => placed.map((p) => p[0]!.panel?.rows ?? 0).join();
  assert.equal(rows(frames(sequence, 900, 140, false)), '7,3,7,3,7,7', 'without memory it flickers');
  assert.equal(rows(frames(sequence, 900, 140, true)), '7,3,3,3,3,7');
});
