// The entries of a walked folder that are not taken, and why: hidden ones, files without an image
// extension, broken symbolic links, FIFOs, sockets, devices… Both walkers list them (the photo walker
// of `predict`, vision/files.ts, and the data-set walker, data/folder-scan.ts) so that the CLI can say
// in one grouped line what it passed over instead of skipping it silently.
import type { Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { brokenLink } from './broken-link.js';
import { printable } from './printable.js';

/** Why an entry of a walked folder was not taken. */
export type PassedOverReason = 'hidden' | 'broken-link' | 'link-loop' | 'link' | 'fifo' | 'socket' | 'device' | 'not-an-image' | 'outside-class-folders' | 'unreadable-folder';

/** An entry of a walked folder that is not taken as a photo or a face (emoscope's own pictures aside: `ownOutputs`). */
export interface PassedOver {
  /** the entry, as the walk reached it (the folder given, then the names under it) */
  path: string;
  reason: PassedOverReason;
  /** of a broken link: the target that does not exist, as the (last) link holds it */
  target?: string;
  /** of an unreadable folder: the error (EACCES) */
  code?: string;
}

/**
 * A symbolic link, a FIFO, a socket or a device, passed over: a link that leads nowhere is a broken
 * link (or a loop); one that leads somewhere is `link` (the photo walker does not follow them).
 */
export async function passedOverSpecial(e: Dirent, path: string): Promise<PassedOver> {
  if (e.isSymbolicLink()) {
    const broken = await stat(path).then(() => undefined, () => brokenLink(path));
    if (broken === undefined) return { path, reason: 'link' };
    return broken.loop ? { path, reason: 'link-loop' } : { path, reason: 'broken-link', target: broken.target };
  }
  if (e.isFIFO()) return { path, reason: 'fifo' };
  if (e.isSocket()) return { path, reason: 'socket' };
  return { path, reason: 'device' }; // character or block
}

/** How each reason is counted in words (one, several), in the order the summary gives them. */
const REASON_WORDS: { readonly [R in PassedOverReason]: readonly [string, string] } = {
  hidden: ['hidden file or folder', 'hidden files or folders'],
  'broken-link': ['broken symbolic link', 'broken symbolic links'],
  'link-loop': ['loop of symbolic links', 'loops of symbolic links'],
  link: ['symbolic link, not followed', 'symbolic links, not followed'],
  fifo: ['FIFO', 'FIFOs'],
  socket: ['socket', 'sockets'],
  device: ['device', 'devices'],
  'not-an-image': ['file without an image extension', 'files without an image extension'],
  'outside-class-folders': ['image outside the class folders', 'images outside the class folders'],
  'unreadable-folder': ['unreadable folder', 'unreadable folders'],
};

/** Examples named per reason. */
const EXAMPLES = 2;

/**
 * The entries passed over, grouped by why, in one phrase (printable), or '' when there are none:
 * `passed over 3 entries: 1 hidden file or folder (photos/.DS_Store), 1 broken symbolic link
 * (photos/old.jpg → IMG_1.jpg), 1 FIFO (photos/pipe)`; two examples of each kind at most.
 */
export function describePassedOver(passedOver: readonly PassedOver[]): string {
  if (passedOver.length === 0) return '';
  const parts = (Object.keys(REASON_WORDS) as PassedOverReason[]).flatMap((reason) => {
    const entries = passedOver.filter((e) => e.reason === reason);
    if (entries.length === 0) return [];
    const [one, many] = REASON_WORDS[reason];
    const examples = entries.slice(0, EXAMPLES).map((e) => `${printable(e.path)}${e.target === undefined ? '' : ` → ${printable(e.target)}`}${e.code === undefined ? '' : `: ${e.code}`}`);
    return `${entries.length} ${entries.length === 1 ? one : many} (${examples.join(', ')}${entries.length > EXAMPLES ? ', …' : ''})`;
  });
  return `passed over ${passedOver.length} ${passedOver.length === 1 ? 'entry' : 'entries'}: ${parts.join(', ')}`;
}
