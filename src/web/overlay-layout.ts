// Where the page draws each face's label and score panel, as a pure function of the boxes and the
// canvas size (tested without a browser). With many faces on a small screen there is no room for
// seven bars beside each: every label and panel is placed where it covers no face, no label and no
// panel placed before it; a panel that finds no room shrinks to the face's top three emotions, and
// with no room for that either the face keeps only its label (which names the top emotion).
// On a live picture faces move a few pixels every frame; given the last frame's placements, a panel
// keeps its side while that side has room, and grows (none → three rows → seven) only with HYSTERESIS
// px to spare from the other faces, labels and panels, so that it does not flicker between sizes and
// sides.
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

/** Spare room, in CSS px on every side, a panel needs to grow or to appear on a live picture. */
export const HYSTERESIS = 12;

/** The side of its face a panel is on. */
export type PanelSide = 'right' | 'left' | 'below' | 'above';

/** One face's placed label and (if there was room) panel with its number of rows. */
export interface FacePlacement {
  label: Box;
  panel?: { box: Box; rows: number; side: PanelSide };
}

/** What the layout needs of each face: its box and its label's width, in CSS px. */
export interface FaceToPlace {
  box: Box;
  labelWidth: number;
  /** the face's placement in the previous frame (a tracked face on a live picture) */
  previous?: FacePlacement;
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
    const before = face.previous === undefined ? undefined : face.previous.panel?.rows ?? 0;
    for (const rows of PANEL_ROWS) {
      const size = { width: sizes.panelWidth, height: sizes.panelHeight(rows) };
      // growing on a live picture needs room to spare from the other faces, labels and panels
      const spare = before !== undefined && rows > before ? HYSTERESIS : 0;
      const fits = (p: Box) => {
        const room = { x: p.x - spare, y: p.y - spare, width: p.width + 2 * spare, height: p.height + 2 * spare };
        return inside(p) && !taken.some((t) => (t === face.box || t === labels[i] ? overlaps(p, t) : overlaps(room, t)));
      };
      const found = panelCandidates(face.box, size, sizes.gap, sizes.labelHeight, face.previous?.panel?.side).find(({ box }) => fits(box));
      if (found) {
        panels.push(found.box);
        return { label: labels[i]!, panel: { ...found, rows } };
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
 * along each side slid so that it still faces the box, nearest the box's top or left edge first;
 * the side `keep` before all others.
 */
function panelCandidates(box: Box, size: { width: number; height: number }, gap: number, labelHeight: number, keep?: PanelSide): Array<{ box: Box; side: PanelSide }> {
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
  const sides: Array<{ side: PanelSide; cost: number; at: Array<{ p: Box; slid: number }> }> = [
    { side: 'right', cost: 0, at: ys.map((y) => ({ p: { x: box.x + box.width + gap, y, width: w, height: h }, slid: Math.abs(y - box.y) })) },
    { side: 'left', cost: 12, at: ys.map((y) => ({ p: { x: box.x - gap - w, y, width: w, height: h }, slid: Math.abs(y - box.y) })) },
    { side: 'below', cost: 24, at: xs.map((x) => ({ p: { x, y: box.y + box.height + gap, width: w, height: h }, slid: Math.abs(x - box.x) })) },
    { side: 'above', cost: 36, at: xs.map((x) => ({ p: { x, y: box.y - labelHeight - gap - h, width: w, height: h }, slid: Math.abs(x - box.x) })) },
  ];
  // the kept side's places come first, in their own order
  const candidates = sides.flatMap(({ side, cost, at }) => at.map(({ p, slid }) => ({ box: p, side, cost: (side === keep ? -1e9 : cost) + slid })));
  return candidates.sort((a, b) => a.cost - b.cost).map(({ box: p, side }) => ({ box: p, side }));
}
