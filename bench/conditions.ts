// Capture conditions for the out-of-domain benchmark (bench/ood.ts): FER2013's faces as a phone, a
// webcam or a messaging app delivers faces — in dim light, washed out, out of focus, small in the
// picture, heavily compressed, noisy. Each is applied to the 48×48 gray face itself (the pixels the
// classifier sees), with sharp for the image operations and a seeded generator for the noise.
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { createRandom, gaussian } from '../src/util/random.js';

/** One capture condition: a name for the table and what it does to one gray face. */
export interface Condition {
  name: string;
  apply(face: Uint8Array, size: number, random: () => number): Promise<Uint8Array>;
}

const gray = (face: Uint8Array, size: number) => sharp(face, { raw: { width: size, height: size, channels: 1 } });
const bytes = async (image: Sharp): Promise<Uint8Array> => new Uint8Array(await image.toColourspace('b-w').raw().toBuffer());

/** The conditions measured. */
export const CONDITIONS: readonly Condition[] = [
  { name: 'dim light (brightness × 0.4)', apply: (f, s) => bytes(gray(f, s).linear(0.4, 0)) },
  { name: 'washed out (contrast × 0.4)', apply: (f, s) => bytes(gray(f, s).linear(0.4, 0.6 * 128)) },
  { name: 'out of focus (Gaussian blur σ 1.5 px)', apply: (f, s) => bytes(gray(f, s).blur(1.5)) },
  { name: 'small in the picture (16 px, scaled back)', apply: async (f, s) => bytes(sharp(await bytes(gray(f, s).resize(16, 16)), { raw: { width: 16, height: 16, channels: 1 } }).resize(s, s)) },
  { name: 'heavily compressed (JPEG quality 15)', apply: async (f, s) => bytes(sharp(await gray(f, s).jpeg({ quality: 15 }).toBuffer())) },
  {
    name: 'sensor noise (Gaussian, σ 15 levels)',
    apply: async (f, _s, random) => {
      const out = new Uint8Array(f.length);
      for (let i = 0; i < f.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(f[i]! + 15 * gaussian(random))));
      return out;
    },
  },
];

/** `count` faces of `size`×`size` under condition `c` (noise seeded, so that runs compare). */
export async function applyCondition(pixels: Uint8Array, count: number, size: number, c: Condition): Promise<Uint8Array> {
  const out = new Uint8Array(pixels.length);
  const random = createRandom(2026);
  const area = size * size;
  for (let n = 0; n < count; n++) out.set(await c.apply(pixels.subarray(n * area, (n + 1) * area), size, random), n * area);
  return out;
}
