// The mark emoscope puts on every picture it writes (annotated photos, charts): an EXIF Software
// tag, without brackets (libvips would cut the value there). Walking a folder of photos skips marked
// files, so that `predict photos/ --out photos/` can run again without taking its own annotated
// copies and charts for photos (or refusing to replace them). The mark is in the file, not in its
// name: a user's photo named like an output stays an input.
import sharp from 'sharp';
import { readFileHead } from './media-signature.js';

/** The value of the EXIF Software tag of emoscope's pictures. */
export const OUTPUT_MARK = 'emoscope: an annotated photo or a chart, not a photo';

/** The EXIF to give sharp's `withExif` for a picture emoscope writes. */
export const OUTPUT_EXIF = { IFD0: { Software: OUTPUT_MARK } } as const;

/**
 * Whether the picture carries emoscope's mark (reads the header only). A file that is not an
 * image, or cannot be read, is not marked: it stays an input and gets its error there.
 */
export async function hasOutputMark(file: string): Promise<boolean> {
  try {
    const { exif } = await sharp(file).metadata();
    return exif !== undefined && exif.includes(`${OUTPUT_MARK}\0`, 0, 'latin1');
  } catch {
    return false;
  }
}

/** The first line of every SVG chart emoscope writes: an XML comment, so the drawing is unchanged. */
export const SVG_OUTPUT_MARK = `<!-- ${OUTPUT_MARK} -->\n`;

/**
 * Whether the SVG file is emoscope's: it starts with the mark, or it is a Vega chart (`<svg … class="marks"`),
 * as emoscope's charts were before they carried the mark.
 */
export async function svgHasOutputMark(file: string): Promise<boolean> {
  const bytes = await readFileHead(file, 512).catch(() => undefined);
  if (bytes === undefined) return false;
  const head = new TextDecoder().decode(bytes);
  return head.startsWith(SVG_OUTPUT_MARK) || /^<svg [^>]*class="marks"/.test(head);
}
