// What an existing file is, from its first bytes: the signatures of the image and video formats people
// keep photos and videos in, and of drawings (SVG, PDF). Output checks use it so that no results file
// is ever written over a photo, a drawing or a video, whatever its name or extension
// (`predict a.jpg --jsonl IMG_0001.HEIC`).
import { open } from 'node:fs/promises';

/** [format, byte offset, signature bytes] */
const SIGNATURES: ReadonlyArray<readonly [string, number, readonly number[]]> = [
  ['JPEG', 0, [0xff, 0xd8, 0xff]],
  ['PNG', 0, [0x89, 0x50, 0x4e, 0x47]],
  ['GIF', 0, [0x47, 0x49, 0x46, 0x38]],
  ['TIFF', 0, [0x49, 0x49, 0x2a, 0x00]],
  ['TIFF', 0, [0x4d, 0x4d, 0x00, 0x2a]],
  ['BMP', 0, [0x42, 0x4d]],
  ['WebP or AVI (RIFF)', 0, [0x52, 0x49, 0x46, 0x46]],
  ['HEIC, AVIF, MP4 or MOV (ISO media)', 4, [0x66, 0x74, 0x79, 0x70]],
  ['Matroska or WebM', 0, [0x1a, 0x45, 0xdf, 0xa3]],
  ['PDF', 0, [0x25, 0x50, 0x44, 0x46, 0x2d]],
];

/** An SVG drawing: text whose first element is <svg>, after an optional BOM, XML declaration, comments and doctype. */
const SVG_START = /^(?:\uFEFF)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE svg[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg[\s>/]/i;

/** Bytes read from the start of a file: enough for an SVG's XML declaration, doctype and a comment. */
const HEAD_BYTES = 1024;

/** The image or video format of the bytes, or undefined when they start like none of them. */
export function mediaFormatOf(head: Uint8Array): string | undefined {
  const binary = SIGNATURES.find(([, offset, bytes]) => bytes.every((b, i) => head[offset + i] === b))?.[0];
  if (binary !== undefined) return binary;
  return SVG_START.test(new TextDecoder().decode(head)) ? 'SVG' : undefined;
}

/** ISO media brands (bytes 8–11) of still pictures: the rest (isom, mp41, mp42, avc1, qt, M4V, 3gp …) hold videos or sound. */
const STILL_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'mif1', 'msf1', 'avif', 'avis']);

/**
 * The kind of video container the bytes start with (MP4 or MOV, Matroska or WebM, AVI), or undefined:
 * for a message that says a video was given where a photo was expected.
 */
export function videoContainerOf(head: Uint8Array): string | undefined {
  const text = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && text(4, 8) === 'ftyp') return STILL_BRANDS.has(text(8, 12).trim()) ? undefined : 'MP4 or MOV';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'Matroska or WebM';
  if (head.length >= 12 && text(0, 4) === 'RIFF' && text(8, 12) === 'AVI ') return 'AVI';
  return undefined;
}

/** The first `bytes` bytes of the file at `path` (fewer when it is shorter). */
export async function readFileHead(path: string, bytes: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(bytes);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The image or video format of the file at `path` (a regular file), or undefined. */
export async function mediaFormatOfFile(path: string): Promise<string | undefined> {
  return mediaFormatOf(await readFileHead(path, HEAD_BYTES));
}
