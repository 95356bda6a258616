// Re-framings of 48×48 gray faces for the out-of-domain benchmark (bench/ood.ts): the same face
// zoomed, shifted and rotated the way a detector's crop can differ from FER2013's framing. Pure
// JavaScript, bilinear sampling, coordinates outside the face clamped so that edge pixels repeat —
// what emoscope's own crop does beyond a photo's edge (src/vision/face-crop.ts).

/** One re-framing: scale > 1 zooms in (a tighter crop), < 1 out; shifts in face widths; angle in degrees. */
export interface Framing {
  name: string;
  scale: number;
  dx: number;
  dy: number;
  angle: number;
}

/** The framings measured, from FER2013's own to those a detector's crop produces. */
export const FRAMINGS: readonly Framing[] = [
  { name: 'as in FER2013', scale: 1, dx: 0, dy: 0, angle: 0 },
  { name: 'zoom in 1.2× (tighter crop)', scale: 1.2, dx: 0, dy: 0, angle: 0 },
  { name: 'zoom out 0.83× (looser crop)', scale: 1 / 1.2, dx: 0, dy: 0, angle: 0 },
  { name: 'zoom out 0.67×', scale: 1 / 1.5, dx: 0, dy: 0, angle: 0 },
  { name: 'shifted 10 % right', scale: 1, dx: 0.1, dy: 0, angle: 0 },
  { name: 'shifted 10 % down', scale: 1, dx: 0, dy: 0.1, angle: 0 },
  { name: 'rotated 15°', scale: 1, dx: 0, dy: 0, angle: 15 },
  { name: 'rotated 30°', scale: 1, dx: 0, dy: 0, angle: 30 },
  { name: 'zoom out 0.83×, shifted 5 % up, rotated 10°', scale: 1 / 1.2, dx: 0, dy: -0.05, angle: 10 },
];

/**
 * `count` faces of `size`×`size` re-framed: output pixel p shows input point
 * centre + R(-angle)·(p − centre)/scale − shift, so the face's content moves by +shift and turns by +angle.
 */
export function reframe(pixels: Uint8Array, count: number, size: number, f: Framing): Uint8Array {
  const out = new Uint8Array(pixels.length);
  const c = (size - 1) / 2;
  const cos = Math.cos((f.angle * Math.PI) / 180);
  const sin = Math.sin((f.angle * Math.PI) / 180);
  const area = size * size;
  for (let n = 0; n < count; n++) {
    const src = n * area;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const u = (x - c) / f.scale - f.dx * size;
        const v = (y - c) / f.scale - f.dy * size;
        const sx = Math.min(size - 1, Math.max(0, c + cos * u + sin * v));
        const sy = Math.min(size - 1, Math.max(0, c - sin * u + cos * v));
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const x1 = Math.min(size - 1, x0 + 1);
        const y1 = Math.min(size - 1, y0 + 1);
        const ax = sx - x0;
        const ay = sy - y0;
        const top = pixels[src + y0 * size + x0]! * (1 - ax) + pixels[src + y0 * size + x1]! * ax;
        const bottom = pixels[src + y1 * size + x0]! * (1 - ax) + pixels[src + y1 * size + x1]! * ax;
        out[src + y * size + x] = Math.round(top * (1 - ay) + bottom * ay);
      }
    }
  }
  return out;
}
