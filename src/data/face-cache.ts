// An on-disk cache of decoded faces, one file per image folder, so that the second load of a data set
// copies 2,304 bytes per face instead of decoding 36k JPEGs again. An entry is valid while its image
// keeps the same path, modification time and size. The cache is an optimisation only: a missing,
// damaged or unwritable cache file is silently rebuilt or skipped.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { FACE_BYTES } from './dataset.js';

/** First line of a cache file; bump the version whenever decoding changes what a face looks like. */
const MAGIC = 'emoscope-faces v1\n';

/** One cached face: the file's identity when it was decoded, and where its pixels are. */
interface Entry {
  mtimeMs: number;
  size: number;
  pixels: Uint8Array;
}

/**
 * The user's cache folder for emoscope: `$EMOSCOPE_CACHE_DIR`, else the platform's cache location
 * (`$XDG_CACHE_HOME/emoscope`, `~/.cache/emoscope`, `~/Library/Caches/emoscope`, `%LOCALAPPDATA%\emoscope\Cache`).
 */
export function defaultCacheDir(): string {
  const env = process.env;
  if (env.EMOSCOPE_CACHE_DIR) return env.EMOSCOPE_CACHE_DIR;
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'emoscope');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'emoscope', 'Cache');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'emoscope');
}

/** The decoded faces of one image folder (`root`), keyed by path relative to it. */
export class FaceCache {
  private readonly entries: Map<string, Entry>;
  private changed = false;

  private constructor(
    readonly file: string,
    entries: Map<string, Entry>,
  ) {
    this.entries = entries;
  }

  /** Opens the cache of image folder `root` kept under `cacheDir` (empty when there is none yet). */
  static async open(cacheDir: string, root: string): Promise<FaceCache> {
    const absoluteRoot = resolve(root);
    const key = createHash('sha1').update(absoluteRoot).digest('hex').slice(0, 16);
    const file = join(cacheDir, 'faces', `${key}.bin`);
    return new FaceCache(file, await readEntries(file, absoluteRoot).catch(() => new Map<string, Entry>()));
  }

  /** Copies the cached face of `path` into `out` and returns true, if its mtime and size still match. */
  get(path: string, mtimeMs: number, size: number, out: Uint8Array): boolean {
    const entry = this.entries.get(path);
    if (entry === undefined || entry.mtimeMs !== mtimeMs || entry.size !== size) return false;
    out.set(entry.pixels);
    return true;
  }

  /** Remembers a freshly decoded face. */
  put(path: string, mtimeMs: number, size: number, pixels: Uint8Array): void {
    this.entries.set(path, { mtimeMs, size, pixels: pixels.slice() });
    this.changed = true;
  }

  /**
   * Writes the cache if faces were added, dropping entries of files not in `existing` (deleted or
   * renamed since). Written to a temporary file first so that a crash never leaves half a cache.
   */
  async save(existing: ReadonlySet<string>, root: string): Promise<void> {
    if (!this.changed) return;
    const kept = [...this.entries].filter(([path]) => existing.has(path));
    const index = JSON.stringify({ root: resolve(root), entries: kept.map(([path, e]) => [path, e.mtimeMs, e.size]) });
    const indexBytes = Buffer.from(index);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(indexBytes.length);
    const pixels = new Uint8Array(kept.length * FACE_BYTES);
    kept.forEach(([, entry], i) => pixels.set(entry.pixels, i * FACE_BYTES));
    try {
      await mkdir(join(this.file, '..'), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, Buffer.concat([Buffer.from(MAGIC), header, indexBytes, pixels]));
      await rename(temporary, this.file);
      this.changed = false;
    } catch {
      // a read-only or full disk: loading still worked, it will just decode again next time
    }
  }
}

async function readEntries(file: string, root: string): Promise<Map<string, Entry>> {
  const bytes = await readFile(file);
  if (bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) return new Map();
  const indexLength = bytes.readUInt32LE(MAGIC.length);
  const indexStart = MAGIC.length + 4;
  const index = JSON.parse(bytes.toString('utf8', indexStart, indexStart + indexLength)) as {
    root: string;
    entries: [string, number, number][];
  };
  const pixelStart = indexStart + indexLength;
  // Two folders whose paths hash alike, or a truncated file: start afresh rather than serve wrong faces.
  if (index.root !== root || bytes.length !== pixelStart + index.entries.length * FACE_BYTES) return new Map();
  const entries = new Map<string, Entry>();
  index.entries.forEach(([path, mtimeMs, size], i) => {
    const offset = pixelStart + i * FACE_BYTES;
    entries.set(path, { mtimeMs, size, pixels: bytes.subarray(offset, offset + FACE_BYTES) });
  });
  return entries;
}
