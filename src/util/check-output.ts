// Output paths checked before any work starts: a long run must not process every photo or train
// every epoch and then fail on an unwritable `--json` or `--out`. Each command checks its outputs
// with `checkOutput` first; a problem is a BAD_OUTPUT error that names the flag, the path and what
// is wrong (read-only file system, no permission, a folder where a file was expected, an existing
// photo or video, …).
import { constants } from 'node:fs';
import { access, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { mediaFormatOfFile } from './media-signature.js';

/** What the output is: one file (`-` = stdout), or a folder the command writes files into. */
export type OutputKind = 'file' | 'folder';

/**
 * Checks that `path` can be written as a `kind` output of `flag` (e.g. `--json`). A missing file
 * or folder is fine when its nearest existing parent is a writable folder (it will be created,
 * as `mkdir -p` would); special files (`/dev/stdout`, pipes) only need to be writable themselves.
 * @throws EmoscopeError BAD_OUTPUT naming the flag, the path and the problem
 */
export async function checkOutput(path: string, kind: OutputKind, flag: string): Promise<void> {
  if (kind === 'file' && path === '-') return;
  const fail = (problem: string): never => {
    throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${flag} ${path}: ${problem}`);
  };
  if (path === '') fail('expected a path but received an empty one');
  if (kind === 'file' && /[\\/]$/.test(path)) fail('it ends in a slash, as a folder does; expected a file name');
  const info = await statOrUndefined(path);
  if (info !== undefined) {
    if (kind === 'folder') {
      if (!info.isDirectory()) fail('it exists and is not a folder (ENOTDIR)');
      await writable(path, path, fail);
      return canCreateIn(path, fail);
    }
    if (info.isDirectory()) fail('it is a folder; expected a file name (EISDIR)');
    if (!info.isFile()) return writable(path, path, fail); // a device, a pipe: written in place
    const media = await mediaFormatOfFile(path).catch(() => undefined);
    if (media !== undefined) fail(`it is ${media === 'SVG' ? 'an' : 'a'} ${media} file; results are never written over a photo, a drawing or a video (choose another name)`);
    const real = await realpath(path);
    await writable(dirname(real), path, fail);
    return canCreateIn(dirname(real), fail, ', and the results are written beside it first, then renamed over it'); // replaced through a temporary file beside it
  }
  // Missing: its nearest existing ancestor must be a folder we may create entries in.
  let ancestor = dirname(resolve(path));
  let found = await statOrUndefined(ancestor);
  while (found === undefined && dirname(ancestor) !== ancestor) {
    ancestor = dirname(ancestor);
    found = await statOrUndefined(ancestor);
  }
  if (found !== undefined && !found.isDirectory()) fail(`${ancestor} is a file, not a folder (ENOTDIR)`);
  await writable(ancestor, path, fail);
  return canCreateIn(ancestor, fail);
}

/**
 * Creates and removes an empty file in `folder`: permission bits do not tell everything (root may
 * "write" /proc or /sys, whose folders take no new files; a mount may refuse), and a run must not
 * find out after its work is done.
 */
async function canCreateIn(folder: string, fail: (problem: string) => never, why = ''): Promise<void> {
  const probe = join(folder, `.emoscope-probe-${process.pid}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // ours from a moment ago in another check: creation works
    fail(`${folder} takes no new files${why} (${code ?? (error as Error).message})`);
  }
  await rm(probe, { force: true });
}

/** Fails unless `target` (a folder, or a special file) may be written by this process. */
async function writable(target: string, path: string, fail: (problem: string) => never): Promise<void> {
  try {
    await access(target, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = target === path ? 'it' : target;
    if (code === 'EROFS') fail(`${where} is on a read-only file system (EROFS)`);
    if (code === 'EACCES' || code === 'EPERM') fail(`no permission to write ${where === 'it' ? 'it' : `in ${where}`} (${code})`);
    fail(`${where} cannot be written (${code ?? (error as Error).message})`);
  }
}

/** stat, or undefined when the path (or one of its parents) does not exist or is not a folder. */
async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${path}: ${(error as Error).message}`);
  }
}

/** The real path of `path`; when it does not exist (yet), the real path it will have once written (links followed). */
export async function realOrResolved(path: string, depth = 0): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  // absolute but not normalized: "link/.." is the link's target's parent to the kernel, not "." as resolve() would make it
  const absolute = isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
  // not there yet: a link to a file still to be written names that file, and so does a name in a linked folder
  const link = depth < 40 ? await readlink(absolute).catch(() => undefined) : undefined;
  if (link !== undefined) return realOrResolved(resolve(dirname(absolute), link), depth + 1);
  const parent = dirname(absolute);
  if (parent === absolute || depth >= 40) return resolve(absolute);
  return resolve(await realOrResolved(parent, depth + 1), basename(absolute));
}

/** The real paths of `files` (resolved when they do not exist), for `checkNotAnInput`. */
export async function realPaths(files: readonly string[]): Promise<Set<string>> {
  return new Set(await Promise.all(files.map(realOrResolved)));
}

/**
 * Fails when output `path` would be one of the inputs (`realPaths` of them): `predict x.jpg
 * --json x.jpg` must not replace the photo.
 */
export async function checkNotAnInput(path: string, flag: string, inputs: ReadonlySet<string>): Promise<void> {
  if (path === '-') return;
  const target = await realOrResolved(path);
  if (inputs.has(target)) throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${flag} ${path}: it is one of the inputs, which emoscope never overwrites`);
}

/**
 * Fails when two file outputs name the same file (`--json a.out --csv a.out`: one would replace
 * the other, or both would be written into it at once). `-` (stdout) is left to the command.
 */
export async function checkSeparateOutputs(outputs: ReadonlyArray<readonly [flag: string, path: string | undefined]>): Promise<void> {
  const seen = new Map<string, string>();
  for (const [flag, path] of outputs) {
    if (path === undefined || path === '-') continue;
    const target = await realOrResolved(path);
    const other = seen.get(target);
    if (other !== undefined) throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${flag} ${path}: ${other} names the same file; give each output a file of its own`);
    seen.set(target, flag);
  }
}

/**
 * Fails when output `path` lies inside one of `folders` (the model folder and run a command reads):
 * `evaluate --model run --json run/config.json` must not replace the run's configuration. A file
 * for which `allowed(real path)` is true is let through (a run's report page).
 */
export async function checkNotInFolders(path: string, flag: string, folders: readonly string[], allowed: (target: string) => boolean = () => false): Promise<void> {
  if (path === '-') return;
  const target = await realOrResolved(path);
  for (const folder of folders) {
    const real = await realOrResolved(folder);
    if ((target === real || target.startsWith(`${real}${sep}`)) && !allowed(target)) {
      throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${flag} ${path}: it is inside ${folder}, the model or run this command reads, whose files emoscope never overwrites (choose a path outside it)`);
    }
  }
}
