// Reading the files a model folder or a run folder names, without letting the folder make emoscope
// read anything else: the path must resolve (symbolic links followed) inside the folder, be a
// regular file (not /dev/zero, a FIFO or a folder) and be no larger than a cap, or exactly the size
// expected. Every failure is an EmoscopeError naming the file and what was expected.
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { EmoscopeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { printable } from './printable.js';
import { whyLoop, whyNotFound } from './broken-link.js';

/** Cap of the JSON files of model and run folders (model.json, emoscope.json, train-state.json, history.json…). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** Cap of a weights file when its size is not known in advance. */
export const MAX_WEIGHTS_BYTES = 2 * 1024 * 1024 * 1024;

export interface FolderFileOptions {
  /** the code of a file that is there but not acceptable (BAD_MODEL, BAD_CHECKPOINT, BAD_DATA) */
  code: ErrorCode;
  /** refuse larger files (default MAX_JSON_BYTES) */
  maxBytes?: number;
  /** the code of a file over `maxBytes` (default: `code`) */
  tooLargeCode?: ErrorCode;
  /** the exact size the file must have, and why (`"the shapes of model.json"`) */
  exactBytes?: { bytes: number; source: string };
}

/**
 * Where `name` (relative, as a manifest or a layout gives it) is inside `dir`, checked: inside the
 * folder after symbolic links, a regular file, within the size limits. Returns its real path and size;
 * a missing file is NOT_FOUND.
 */
export async function checkFolderFile(dir: string, name: string, options: FolderFileOptions): Promise<{ path: string; size: number }> {
  const shown = printable(join(dir, name));
  if (isAbsolute(name)) {
    throw new EmoscopeError(options.code, `${shown}: expected a path inside the folder ${printable(dir)} but received the absolute path ${printable(name)}`);
  }
  let root: string;
  let real: string;
  try {
    root = await realpath(dir);
    real = await realpath(join(dir, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EmoscopeError('NOT_FOUND', `${shown}: ${await whyNotFound(join(dir, name))}`);
    if (code === 'ELOOP') throw new EmoscopeError(options.code, `${shown}: cannot read it: ${await whyLoop(join(dir, name))} (ELOOP)`);
    throw new EmoscopeError(options.code, `${shown}: cannot read it (${code ?? (error as Error).message})`);
  }
  const inside = relative(root, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new EmoscopeError(options.code, `${shown}: expected a file inside the folder ${printable(dir)} but it resolves to ${printable(real)}`);
  }
  const info = await stat(real);
  if (!info.isFile()) {
    throw new EmoscopeError(options.code, `${shown}: expected a regular file but it is ${kindOf(info)}`);
  }
  checkSize(shown, info.size, options);
  return { path: real, size: info.size };
}

/** The bytes of the file `name` of folder `dir`, checked as `checkFolderFile` says. */
export async function readFolderFile(dir: string, name: string, options: FolderFileOptions): Promise<Buffer> {
  const { path } = await checkFolderFile(dir, name, options);
  return readRegular(path, printable(join(dir, name)), options);
}

/** Like readFolderFile, but undefined when the file does not exist. */
export async function readFolderFileIfAny(dir: string, name: string, options: FolderFileOptions): Promise<Buffer | undefined> {
  try {
    return await readFolderFile(dir, name, options);
  } catch (error) {
    if (error instanceof EmoscopeError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** The parsed JSON file `name` of folder `dir`; text that does not parse is an error of `options.code` naming it. */
export async function readFolderJson(dir: string, name: string, options: FolderFileOptions): Promise<unknown> {
  return parseJson(await readFolderFile(dir, name, options), join(dir, name), options.code);
}

/** Like readFolderJson, but undefined when the file does not exist. */
export async function readFolderJsonIfAny(dir: string, name: string, options: FolderFileOptions): Promise<unknown> {
  const bytes = await readFolderFileIfAny(dir, name, options);
  return bytes === undefined ? undefined : parseJson(bytes, join(dir, name), options.code);
}

/**
 * The bytes of a file named by a user (a photo): refused unless it is a regular file of at most
 * `maxBytes` (`/dev/zero`, a FIFO or a folder would be read forever or block). `name` names it in errors.
 */
export async function readRegularFile(path: string, name: string, options: FolderFileOptions): Promise<Buffer> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // a broken symbolic link is named as one, with its missing target: not "no such file" for a file that is there
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EmoscopeError('NOT_FOUND', `${printable(name)}: ${await whyNotFound(path)}`);
    if (code === 'ELOOP') throw new EmoscopeError(options.code, `${printable(name)}: cannot read: ${await whyLoop(path)} (ELOOP)`);
    throw new EmoscopeError(options.code, `${printable(name)}: cannot read (${code ?? (error as Error).message})`);
  }
  if (!info.isFile()) throw new EmoscopeError(options.code, `${printable(name)}: expected a regular file but it is ${kindOf(info)}`);
  checkSize(printable(name), info.size, options);
  return readRegular(path, printable(name), options);
}

function parseJson(bytes: Buffer, path: string, code: ErrorCode): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new EmoscopeError(code, `${printable(path)}: not valid JSON (${(error as Error).message})`);
  }
}

function checkSize(shown: string, size: number, options: FolderFileOptions): void {
  const max = options.maxBytes ?? MAX_JSON_BYTES;
  if (options.exactBytes !== undefined && size !== options.exactBytes.bytes) {
    throw new EmoscopeError(options.code, `${shown}: expected ${options.exactBytes.bytes} bytes (${options.exactBytes.source}) but the file has ${size}`);
  }
  if (size > max) throw new EmoscopeError(options.tooLargeCode ?? options.code, `${shown}: expected at most ${max} bytes but the file has ${size}`);
}

/** Reads exactly the size fstat gives, opened without blocking; a file that changes kind or size meanwhile is refused. */
async function readRegular(path: string, shown: string, options: FolderFileOptions): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new EmoscopeError(options.code, `${shown}: expected a regular file but it is ${kindOf(info)}`);
    checkSize(shown, info.size, options);
    const bytes = Buffer.allocUnsafe(info.size);
    let done = 0;
    while (done < info.size) {
      const { bytesRead } = await handle.read(bytes, done, info.size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done !== info.size) throw new EmoscopeError(options.code, `${shown}: expected ${info.size} bytes but only ${done} could be read (the file changed while it was read)`);
    return bytes;
  } finally {
    await handle.close();
  }
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}
