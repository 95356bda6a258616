// Annotated copies of photos: a box and a label ("happy 87%") per face, drawn as an SVG overlay
// composited with sharp, so that a person can check what was found where.
import sharp from 'sharp';
import type { Box } from '../types.js';
import type { ImageInput } from './image.js';
import { decodeImage } from './image.js';
import { FACE_COLOURS } from './palette.js';
import { CHART_FONT, ensureChartFonts } from '../charts/fonts.js';
import { OUTPUT_EXIF } from '../util/output-mark.js';

/** One face to draw: its box in pixels of the upright photo and the text of its label. */
export interface Annotation {
  box: Box;
  label: string;
  /** the box's colour; default: the next of ANNOTATION_COLORS */
  colour?: string;
}

/** JPEG bytes of the upright photo with every annotation drawn on it, marked as emoscope's (util/output-mark.ts). */
export async function annotatePhoto(input: ImageInput, annotations: readonly Annotation[], maxPixels?: number): Promise<Buffer> {
  ensureChartFonts(); // the bundled DejaVu Sans, so labels render on a machine without fonts
  const { image } = await decodeImage(input, { maxPixels });
  const { width, height } = image;
  return sharp(image.data, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(annotationSvg(width, height, annotations)), top: 0, left: 0 }])
    .withExif(OUTPUT_EXIF)
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** An SVG overlay of `width`×`height` with a box and a label per annotation (for sharp's composite). */
export function annotationSvg(width: number, height: number, annotations: readonly Annotation[]): string {
  // Line width and text size follow the photo's size, so labels read the same on 400 and 4000 px.
  const stroke = Math.max(2, Math.round(Math.max(width, height) / 300));
  const font = Math.max(12, Math.round(Math.max(width, height) / 45));
  const shapes = annotations.map((a, i) => {
    const colour = a.colour ?? ANNOTATION_COLORS[i % ANNOTATION_COLORS.length]!;
    const { x, y, width: w, height: h } = a.box;
    const labelW = Math.round(font * 0.6 * a.label.length + font * 0.6);
    const labelH = Math.round(font * 1.35);
    const ly = y - labelH >= 0 ? y - labelH : Math.min(height - labelH, y + h); // above the box, else below
    const lx = Math.max(0, Math.min(x, width - labelW)); // kept inside the photo at its right edge
    return [
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
      `<rect x="${lx}" y="${ly}" width="${labelW}" height="${labelH}" fill="${colour}"/>`,
      `<text x="${lx + font * 0.3}" y="${ly + font * 1.05}" font-family="${CHART_FONT}" font-size="${font}" fill="#ffffff">${escapeXml(a.label)}</text>`,
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
}

/** Colour-blind-safe colours (Okabe–Ito, src/vision/palette.ts), one per face in turn. */
export const ANNOTATION_COLORS = FACE_COLOURS;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
