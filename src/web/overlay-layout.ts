// Where the page draws each face's label and score panel, as a pure function of the boxes and the
// canvas size (tested without a browser). With many faces on a small screen there is no room for
// seven bars beside each: every label and panel is placed where it covers no face, no label and no
// panel placed before it; a panel that finds no room shrinks to the face's top three emotions, and
// with no room for that either the face keeps only its label (which names the top emotion).
import { EMOTIONS } from '../types.js';
import type { Box } from '../types.js';

/** The sizes the layout works with, in CSS px. */
export interface OverlaySizes {
  /** a panel's width */
  panelWidth: number;
  /** a panel's height for `rows` rows */
  panelHeight: (rows: number) => number;
  /** a label's height */
  labelHeight: number;
  /** space between a box and its panel */
  gap: number;
}

/** The rows a panel can show, most first: all seven emotions, then the top three. */
export const PANEL_ROWS: readonly number[] = [EMOTIONS.length, 3];

/** One face's placed label and (if there was room) panel with its number of rows. */
export interface FacePlacement {
  label: Box;
  panel?: { box: Box; rows: number };
}

/** What the layout needs of each face: its box and its label's width, in CSS px. */
export interface FaceToPlace {
  box: Box;
  labelWidth: number;
}

/** True when `a` and `b` share some area. */
export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Places every face's label (above its box, else below, else inside its top edge, shifted sideways
 * if that frees it) and then its panel (beside the box: right, left, below, above, slid along that
 * side). No panel overlaps a face, a label or another panel; labels overlap no other label when
 * any place allows it. Faces are placed in the order given.
 */
export function layoutOverlay(faces: readonly FaceToPlace[], width: number, height: number, sizes: OverlaySizes): FacePlacement[] {
  const inside = (p: Box) => p.x >= 0 && p.y >= 0 && p.x + p.width <= width && p.y + p.height <= height;
  const boxes = faces.map((f) => f.box);

  const labels: Box[] = [];
  for (const face of faces) {
    const candidates = labelCandidates(face, width, height, sizes.labelHeight);
    const free = (p: Box) => inside(p) && !labels.some((l) => overlaps(p, l));
    const clearOfFaces = (p: Box) => !boxes.some((b) => b !== face.box && overlaps(p, b));
    labels.push(candidates.find((p) => free(p) && clearOfFaces(p)) ?? candidates.find(free) ?? candidates[0]!);
  }

  const panels: Box[] = [];
  return faces.map((face, i) => {
    const taken = [...boxes, ...labels, ...panels];
    for (const rows of PANEL_ROWS) {
      const size = { width: sizes.panelWidth, height: sizes.panelHeight(rows) };
      const box = panelCandidates(face.box, size, sizes.gap, sizes.labelHeight).find((p) => inside(p) && !taken.some((t) => overlaps(p, t)));
      if (box) {
        panels.push(box);
        return { label: labels[i]!, panel: { box, rows } };
      }
    }
    return { label: labels[i]! };
  });
}

/** A label's places, best first: above the box, below it, inside its top edge; each also shifted sideways. */
function labelCandidates(face: FaceToPlace, width: number, height: number, h: number): Box[] {
  const { box } = face;
  const w = face.labelWidth;
  const clampX = (x: number) => Math.max(0, Math.min(width - w, x));
  const ys = [box.y - h, box.y + box.height, box.y].map((y) => Math.max(0, Math.min(height - h, y)));
  const shifts = [0, -w / 2, w / 2, -w, w];
  return ys.flatMap((y) => shifts.map((dx) => ({ x: clampX(box.x - 1.5 + dx), y, width: w, height: h })));
}

/**
 * A panel's places beside `box`, best first: right, left, below, above (over the label's row), and
 * along each side slid so that it still faces the box, nearest the box's top or left edge first.
 */
function panelCandidates(box: Box, size: { width: number; height: number }, gap: number, labelHeight: number): Box[] {
  const { width: w, height: h } = size;
  const step = 4;
  const slides = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
  };
  const overlapMin = Math.min(16, box.height / 2, box.width / 2); // at least this much of the panel faces the box
  const ys = [box.y, ...slides(box.y + overlapMin - h, box.y + box.height - overlapMin)];
  const xs = [box.x, ...slides(box.x + overlapMin - w, box.x + box.width - overlapMin)];
  // best first: the side's preference plus how far the panel slid from the box's top or left edge
  const candidates = [
    ...ys.map((y) => ({ p: { x: box.x + box.width + gap, y, width: w, height: h }, cost: Math.abs(y - box.y) })),
    ...ys.map((y) => ({ p: { x: box.x - gap - w, y, width: w, height: h }, cost: 12 + Math.abs(y - box.y) })),
    ...xs.map((x) => ({ p: { x, y: box.y + box.height + gap, width: w, height: h }, cost: 24 + Math.abs(x - box.x) })),
    ...xs.map((x) => ({ p: { x, y: box.y - labelHeight - gap - h, width: w, height: h }, cost: 36 + Math.abs(x - box.x) })),
  ];
  return candidates.sort((a, b) => a.cost - b.cost).map(({ p }) => p);
}
