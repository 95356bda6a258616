// Drawing faces on the page's canvases: a box, a label ("happy 87%") in the face's colour, as
// `emoscope predict --out` draws them, and beside each face a small bar chart of the seven scores.
// Sizes are in CSS pixels, so the text reads the same on a phone and on a desktop.
import { EMOTIONS } from '../types.js';
import type { Box, Emotion, EmotionScores } from '../types.js';
import { FACE_COLOURS } from '../vision/palette.js';

/** One face to draw. */
export interface FaceDrawing {
  box: Box;
  emotion: Emotion;
  confidence: number;
  scores: EmotionScores;
  /** picks the colour (a track's id, or the face's index in a photo) */
  colourIndex: number;
  /** text before the label, e.g. the face's number in a photo */
  prefix?: string;
}

/** How source pixels map to the canvas: CSS px per source px, and whether the picture is mirrored. */
export interface View {
  scale: number;
  /** source width, when the picture is shown mirrored (a selfie camera) */
  mirrorWidth?: number;
}

const FONT = '600 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The score panel's sizes in CSS px: full on a desktop, compact on a phone-sized picture. */
interface PanelSize { width: number; height: number; row: number; name: number; font: string }
function panelSize(canvasWidth: number): PanelSize {
  const k = canvasWidth < 520 ? 0.72 : 1;
  const row = Math.round(13 * k);
  return { width: Math.round(132 * k), height: EMOTIONS.length * row + 8, row, name: Math.round(50 * k), font: `${Math.round(11 * k)}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif` };
}

/** The face's colour. */
export function faceColour(index: number): string {
  return FACE_COLOURS[index % FACE_COLOURS.length]!;
}

/**
 * Draws every face on `ctx` (whose transform maps CSS px to device px); `width`×`height` is the
 * canvas in CSS px.
 */
export function drawFaces(ctx: CanvasRenderingContext2D, faces: readonly FaceDrawing[], view: View, width: number, height: number): void {
  const boxes = faces.map(({ box: b }) => {
    const x = (view.mirrorWidth === undefined ? b.x : view.mirrorWidth - b.x - b.width) * view.scale;
    return { x, y: b.y * view.scale, width: b.width * view.scale, height: b.height * view.scale };
  });
  const size = panelSize(width);
  const taken: Box[] = [...boxes];
  faces.forEach((face, i) => {
    const box = boxes[i]!;
    const colour = faceColour(face.colourIndex);
    ctx.lineWidth = 3;
    ctx.strokeStyle = colour;
    ctx.strokeRect(box.x, box.y, box.width, box.height);
    const panel = placePanel(box, taken.filter((t) => t !== box), size, width, height);
    taken.push(panel);
    drawBars(ctx, face, panel, size, colour);
  });
  faces.forEach((face, i) => { // labels last, so that no panel hides one
    drawLabel(ctx, `${face.prefix ?? ''}${face.emotion} ${Math.round(face.confidence * 100)}%`, boxes[i]!, faceColour(face.colourIndex), width, height);
  });
}

/** Where a face's score panel goes: beside its box (right, left, below, above), where it covers no other face or panel. */
function placePanel(box: Box, taken: readonly Box[], size: PanelSize, width: number, height: number): Box {
  const gap = 6;
  const PANEL_W = size.width;
  const PANEL_H = size.height;
  const clampY = (y: number) => Math.max(0, Math.min(height - PANEL_H, y));
  const clampX = (x: number) => Math.max(0, Math.min(width - PANEL_W, x));
  const candidates: Box[] = [
    { x: box.x + box.width + gap, y: clampY(box.y), width: PANEL_W, height: PANEL_H },
    { x: box.x - gap - PANEL_W, y: clampY(box.y), width: PANEL_W, height: PANEL_H },
    { x: clampX(box.x), y: box.y + box.height + gap, width: PANEL_W, height: PANEL_H },
    { x: clampX(box.x), y: box.y - 24 - PANEL_H, width: PANEL_W, height: PANEL_H },
  ];
  const inside = (p: Box) => p.x >= 0 && p.y >= 0 && p.x + p.width <= width && p.y + p.height <= height;
  const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  return candidates.find((p) => inside(p) && !taken.some((t) => overlaps(p, t)))
    // as a last resort inside its own box, at the bottom (over the chin, not over another face)
    ?? { x: clampX(box.x + box.width - PANEL_W - 3), y: clampY(box.y + box.height - PANEL_H - 3), width: PANEL_W, height: PANEL_H };
}

function drawLabel(ctx: CanvasRenderingContext2D, text: string, box: Box, colour: string, width: number, height: number): void {
  ctx.font = FONT;
  const w = ctx.measureText(text).width + 12;
  const h = 20;
  const y = box.y - h >= 0 ? box.y - h : Math.min(height - h, box.y + box.height); // above the box, else below
  const x = Math.max(0, Math.min(box.x - 1.5, width - w));
  ctx.fillStyle = colour;
  ctx.fillRect(x, y, w, h);
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x + 6, y + h / 2 + 0.5);
}

/** The seven scores as bars in `panel`. */
function drawBars(ctx: CanvasRenderingContext2D, face: FaceDrawing, panel: Box, size: PanelSize, colour: string): void {
  const { x, y } = panel;
  const PANEL_W = size.width;
  const PANEL_H = size.height;
  const ROW = size.row;
  const NAME_W = size.name;
  ctx.fillStyle = 'rgba(17, 20, 28, 0.78)';
  roundRect(ctx, x, y, PANEL_W, PANEL_H, 6);
  ctx.font = size.font;
  ctx.textBaseline = 'middle';
  const barX = x + 6 + NAME_W;
  const barW = PANEL_W - NAME_W - Math.round(size.width * 0.3);
  EMOTIONS.forEach((e, i) => {
    const cy = y + 4 + i * ROW + ROW / 2;
    const top = e === face.emotion;
    ctx.fillStyle = top ? '#ffffff' : 'rgba(255, 255, 255, 0.72)';
    ctx.fillText(e, x + 6, cy);
    ctx.fillStyle = 'rgba(255, 255, 255, 0.14)';
    const barH = Math.max(5, ROW - 5);
    ctx.fillRect(barX, cy - barH / 2, barW, barH);
    ctx.fillStyle = top ? colour : 'rgba(255, 255, 255, 0.55)';
    ctx.fillRect(barX, cy - barH / 2, Math.max(1, barW * face.scores[e]), barH);
    ctx.fillStyle = top ? '#ffffff' : 'rgba(255, 255, 255, 0.72)';
    ctx.fillText(`${Math.round(face.scores[e] * 100)}`, barX + barW + 5, cy);
  });
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
  ctx.fill();
}

/**
 * Sizes `canvas` to its displayed CSS size times the device pixel ratio and returns its context,
 * scaled so that drawing is in CSS px.
 */
export function fitCanvas(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(cssWidth * dpr);
  const h = Math.round(cssHeight * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
