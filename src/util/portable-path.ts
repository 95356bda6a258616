// Paths as a model folder records them (where it was trained from, what it was derived from): a
// model travels to other machines, so its emoscope.json must not carry the training machine's
// absolute paths. A path inside the working folder is kept relative to it (`runs/tuned`), any
// other is shortened to its last two parts (`datasets/fer2013`, `tuned/best`): enough to tell
// what it was, nothing about where it lay.
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** `path` made portable (see the file header); `cwd` is the working folder it was given from. */
export function portablePath(path: string, cwd: string = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const inside = relative(cwd, absolute);
  if (resolve(cwd) !== resolve('/') && inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
  return absolute.split(sep).filter(Boolean).slice(-2).join('/');
}

/** True for a string that reads as a filesystem path to rewrite: absolute, or relative going up (`../x`). */
function looksLikePath(value: string): boolean {
  return isAbsolute(value) || value.startsWith('../') || value.startsWith('..\\') || value.startsWith('./');
}

/** A copy of `value` with every string that looks like a path (absolute, `./`, `../`) made portable, at any depth. */
export function portablePaths<T>(value: T, cwd: string = process.cwd()): T {
  if (typeof value === 'string') return (looksLikePath(value) ? portablePath(value, cwd) : value) as T;
  if (Array.isArray(value)) return value.map((v) => portablePaths(v, cwd)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, portablePaths(v, cwd)])) as T;
  }
  return value;
}
