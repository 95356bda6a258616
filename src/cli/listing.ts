// What `predict` and `batch submit` say on stderr about the folders they walked: folders without
// images, the pictures left out because emoscope wrote them, and (after the run, with its summary)
// the other entries passed over and why (vision/files.ts); the same line is what `train`, `evaluate`
// and `data stats` say about the data-set folders they loaded (data/folder-scan.ts).
import { describePassedOver, type PassedOver } from '../util/passed-over.js';
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

/** The stderr line on the entries of the folders passed over (hidden, links, FIFOs…), or '' when none were. */
export function passedOverNote(listing: { passedOver: readonly PassedOver[] }): string {
  const said = describePassedOver(listing.passedOver);
  return said === '' ? '' : `emoscope: ${said}\n`;
}
