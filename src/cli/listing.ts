// What `predict` and `batch submit` say on stderr about the folders they walked: folders without
// images, and the pictures left out because emoscope wrote them (vision/files.ts).
import { printable } from '../util/printable.js';

/** The stderr notes on a listing (`listImageFiles`), one line each. */
export function listingNotes(listing: { empty: readonly string[]; ownOutputs: readonly string[] }): string {
  const lines = listing.empty.map((dir) => `emoscope: ${printable(dir)}: no image files in this folder\n`);
  const own = listing.ownOutputs;
  if (own.length > 0) {
    const which = own.length === 1 ? printable(own[0]!) : `${own.length} pictures, e.g. ${printable(own[0]!)}`;
    lines.push(`emoscope: left out ${which}: written by emoscope (an annotated copy or a chart); name a file to take it as a photo\n`);
  }
  return lines.join('');
}
