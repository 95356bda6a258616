// Drawing faces on the page's canvases: a box, a label ("happy 87%") in the face's colour, as
// `emoscope predict --out` draws them, and beside each face a small bar chart of the seven scores
// (the top three, or none, where many faces leave no room: overlay-layout.ts places them all).
// Sizes are in CSS pixels, so the text reads the same on a phone and on a desktop.
import { EMOTIONS } from '../types.js';
import type { Box, Emotion, EmotionScores } from '../types.js';
import { FACE_COLOURS } from '../vision/palette.js';
import { layoutOverlay } from './overlay-layout.js';
import type { FacePlacement, OverlaySizes } from './overlay-layout.js';

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
const LABEL_HEIGHT = 20;

/** The score panel's sizes in CSS px: full on a desktop, compact on a phone-sized picture. */
interface PanelSize { width: number; row: number; name: number; font: string }
function panelSize(canvasWidth: number): PanelSize {
  const k = canvasWidth < 520 ? 0.72 : 1;
  const row = Math.round(13 * k);
  return { width: Math.round(132 * k), row, name: Math.round(50 * k), font: `${Math.round(11 * k)}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif` };
}

/** The sizes the layout of labels and panels works with on a canvas `canvasWidth` CSS px wide. */
export function overlaySizes(canvasWidth: number): OverlaySizes {
  const size = panelSize(canvasWidth);
  return { panelWidth: size.width, panelHeight: (rows) => rows * size.row + 8, labelHeight: LABEL_HEIGHT, gap: 6 };
}

/** The face's colour. */
export function faceColour(index: number): string {
  return FACE_COLOURS[index % FACE_COLOURS.length]!;
}

/**
 * Draws every face on `ctx` (whose transform maps CSS px to device px); `width`×`height` is the
 * canvas in CSS px. On a live picture, `previous` (the placements this returned for the last frame,
 * by colour index) keeps each panel's side and size steady as faces move.
 */
export function drawFaces(
  ctx: CanvasRenderingContext2D,
  faces: readonly FaceDrawing[],
  view: View,
  width: number,
  height: number,
  previous?: ReadonlyMap<number, FacePlacement>,
): Map<number, FacePlacement> {
  const boxes = faces.map(({ box: b }) => {
    const x = (view.mirrorWidth === undefined ? b.x : view.mirrorWidth - b.x - b.width) * view.scale;
    return { x, y: b.y * view.scale, width: b.width * view.scale, height: b.height * view.scale };
  });
  const size = panelSize(width);
  ctx.font = FONT;
  const labels = faces.map((face) => `${face.prefix ?? ''}${face.emotion} ${Math.round(face.confidence * 100)}%`);
  const toPlace = boxes.map((box, i) => ({ box, labelWidth: ctx.measureText(labels[i]!).width + 12, previous: previous?.get(faces[i]!.colourIndex) }));
  const placed = layoutOverlay(toPlace, width, height, overlaySizes(width));
  faces.forEach((face, i) => {
    const box = boxes[i]!;
    const colour = faceColour(face.colourIndex);
    ctx.lineWidth = 3;
    ctx.strokeStyle = colour;
    ctx.strokeRect(box.x, box.y, box.width, box.height);
    const panel = placed[i]!.panel;
    if (panel) drawBars(ctx, face, panel.box, panel.rows, size, colour);
  });
  faces.forEach((face, i) => drawLabel(ctx, labels[i]!, placed[i]!.label, faceColour(face.colourIndex))); // last, so that nothing hides one
  return new Map(faces.map((face, i) => [face.colourIndex, placed[i]!]));
}

function drawLabel(ctx: CanvasRenderingContext2D, text: string, where: Box, colour: string): void {
  ctx.font = FONT;
  ctx.fillStyle = colour;
  ctx.fillRect(where.x, where.y, where.width, where.height);
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, where.x + 6, where.y + where.height / 2 + 0.5);
}

/** The scores as bars in `panel`: all seven in their usual order, or with fewer rows the most probable first. */
function drawBars(ctx: CanvasRenderingContext2D, face: FaceDrawing, panel: Box, rows: number, size: PanelSize, colour: string): void {
  const { x, y } = panel;
  const ROW = size.row;
  const shown = rows >= EMOTIONS.length ? EMOTIONS : [...EMOTIONS].sort((a, b) => face.scores[b] - face.scores[a]).slice(0, rows);
  ctx.fillStyle = 'rgba(17, 20, 28, 0.78)';
  roundRect(ctx, x, y, panel.width, panel.height, 6);
  ctx.font = size.font;
  ctx.textBaseline = 'middle';
  // The names' column fits the longest name as this browser's font draws it ("surprise" ran into its
  // bar on a phone-sized picture when the column was a fixed width), never narrower than the design.
  const NAME_W = Math.max(size.name, Math.ceil(Math.max(...EMOTIONS.map((e) => ctx.measureText(e).width))) + 4);
  const barX = x + 6 + NAME_W;
  const barW = panel.width - NAME_W - Math.round(size.width * 0.3);
  shown.forEach((e, i) => {
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
