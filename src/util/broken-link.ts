// What a path that cannot be opened really is when a symbolic link is in the way: a link whose
// target does not exist ("broken"), or a loop of links. `stat` says ENOENT for a broken link as for
// a file that is not there at all, which sends the user looking for the wrong file: the messages
// here name the link's target (as the link holds it, and where that is), so it can be found.
import { lstat, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { printable } from './printable.js';

/** Links followed at most before a chain is taken for a loop (Linux's own limit is 40). */
const MAX_HOPS = 40;

/** A symbolic link that leads nowhere. */
export interface BrokenLink {
  /** the target of the last link of the chain, as that link holds it (relative or absolute) */
  target: string;
  /** where that target is (relative targets joined to their link's folder) */
  missing: string;
  /** links passed through before the last, each as its link holds it (empty for one link) */
  via: string[];
  /** true when the chain leads back to a link already passed (ELOOP), `missing` being that link */
  loop: boolean;
}

/**
 * The broken symbolic link at `path`, or undefined when `path` is not a link (missing, or a file or
 * folder) or its chain of links ends at something that exists.
 * @example await brokenLink('photos/old.jpg') // { target: 'IMG_1.jpg', missing: 'photos/IMG_1.jpg', via: [], loop: false }
 */
export async function brokenLink(path: string): Promise<BrokenLink | undefined> {
  const targets: string[] = [];
  const seen = new Set<string>();
  let current = path;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const info = await lstat(current).catch(() => undefined);
    if (info === undefined) {
      return targets.length === 0 ? undefined : { target: targets[targets.length - 1]!, missing: current, via: targets.slice(0, -1), loop: false };
    }
    if (!info.isSymbolicLink()) return undefined;
    seen.add(resolve(current));
    let target: string;
    try {
      target = await readlink(current);
    } catch {
      return undefined;
    }
    targets.push(target);
    current = isAbsolute(target) ? target : join(dirname(current), target);
    if (seen.has(resolve(current))) return { target, missing: current, via: targets.slice(0, -1), loop: true };
  }
  return { target: targets[targets.length - 1]!, missing: current, via: targets.slice(0, -1), loop: true };
}

/**
 * A broken link in words, for a message after the path (printable):
 * `a symbolic link whose target nowhere.jpg (photos/nowhere.jpg) does not exist`,
 * `a symbolic link whose target … does not exist (through b.jpg)`, `a loop of symbolic links (through b.jpg back to a.jpg)`.
 */
export function describeBrokenLink(link: BrokenLink): string {
  const through = link.via.length > 0 ? `through ${link.via.map(printable).join(' → ')}` : '';
  if (link.loop) return `a loop of symbolic links (${through === '' ? 'it points to itself' : `${through} back to ${printable(link.target)}`})`;
  const where = link.missing !== link.target ? ` (${printable(link.missing)})` : '';
  return `a symbolic link whose target ${printable(link.target)}${where} does not exist${through === '' ? '' : ` (${through})`}`;
}

/**
 * Why `path`, which stat could not find (ENOENT, ENOTDIR, ELOOP), is not there: the broken link in
 * words (describeBrokenLink), else `no such <what>`.
 */
export async function whyNotFound(path: string, what = 'file'): Promise<string> {
  const link = await brokenLink(path);
  return link === undefined ? `no such ${what}` : describeBrokenLink(link);
}

/** Why `path` gives ELOOP, in words: the loop of links it starts, or one further along its path. */
export async function whyLoop(path: string): Promise<string> {
  const link = await brokenLink(path);
  return link?.loop === true ? describeBrokenLink(link) : 'a loop of symbolic links on its path';
}
