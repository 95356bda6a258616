// Decoding photos: every supported format, EXIF orientation, the working-size cap, and each kind of
// bad input (missing, empty, not an image, truncated, decompression bomb) as a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage, openPhoto } from '../src/vision/image.js';
import { decodeBmp } from '../src/vision/bmp.js';
import { EmoscopeError } from '../src/errors.js';
import { SINGLE } from './predict-fixtures.js';
import { tempDir } from './helpers/paths.js';

/** A 24-bit bottom-up BMP of RGB pixels (what Windows Paint writes). */
export function encodeBmp24(rgb: Uint8Array, width: number, height: number): Buffer {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + rowSize * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * rowSize;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      out[row + x * 3] = rgb[s + 2]!;
      out[row + x * 3 + 1] = rgb[s + 1]!;
      out[row + x * 3 + 2] = rgb[s]!;
    }
  }
  return out;
}

/** A valid PNG header that claims `width`×`height` pixels but holds one row of data: a decompression bomb. */
function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(0, 9); // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function reference(): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(SINGLE).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

async function rejects(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof EmoscopeError, `expected an EmoscopeError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

test('PNG, WebP (lossless), TIFF, GIF and BMP of the same photo decode to the same upright RGB', async () => {
  const ref = await reference();
  const raw = { raw: { width: ref.width, height: ref.height, channels: 3 as const } };
  const encoded: Record<string, { bytes: Uint8Array; tolerance: number }> = {
    png: { bytes: await sharp(ref.data, raw).png().toBuffer(), tolerance: 0 },
    webp: { bytes: await sharp(ref.data, raw).webp({ lossless: true }).toBuffer(), tolerance: 0 },
    tiff: { bytes: await sharp(ref.data, raw).tiff({ compression: 'lzw' }).toBuffer(), tolerance: 0 },
    gif: { bytes: await sharp(ref.data, raw).gif().toBuffer(), tolerance: 8 }, // a 256-colour palette
    bmp: { bytes: encodeBmp24(ref.data, ref.width, ref.height), tolerance: 0 },
  };
  for (const [format, { bytes, tolerance }] of Object.entries(encoded)) {
    const { image, width, height } = await decodeImage(bytes);
    assert.deepEqual([width, height, image.width, image.height], [ref.width, ref.height, ref.width, ref.height], format);
    assert.ok(meanAbsDiff(image.data, ref.data) <= tolerance, `${format}: mean difference ${meanAbsDiff(image.data, ref.data)}`);
  }
});

test('a JPEG stored sideways with EXIF orientation 6 decodes upright', async () => {
  const ref = await reference();
  const raw = { raw: { width: ref.width, height: ref.height, channels: 3 as const } };
  const sideways = await sharp(ref.data, raw).rotate(270).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const stored = await sharp(sideways).metadata();
  assert.deepEqual([stored.width, stored.height], [ref.height, ref.width]);
  const { image, width, height } = await decodeImage(sideways);
  assert.deepEqual([width, height], [ref.width, ref.height]);
  assert.ok(meanAbsDiff(image.data, ref.data) < 6, 'pixels match the upright original up to JPEG loss');
});

test('maxSide decodes a large photo smaller but reports its full size', async () => {
  const { image, width, height } = await decodeImage(SINGLE, { maxSide: 100 });
  assert.deepEqual([width, height], [400, 296]);
  assert.deepEqual([image.width, image.height], [100, 74]);
  assert.equal(image.data.length, 100 * 74 * 3);
});

test('decoded pixels given as input: RGBA and gray are converted, a wrong length is refused', async () => {
  // half-transparent grey 200 over white, as the training faces' transparency was flattened: 200·α + 255·(1 − α)
  const rgba = { data: new Uint8Array(4 * 3 * 4).map((_, i) => (i % 4 === 3 ? 128 : 200)), width: 4, height: 3, channels: 4 as const };
  const { image } = await decodeImage(rgba);
  assert.deepEqual([image.width, image.height, image.data.length], [4, 3, 36]);
  assert.ok(Math.abs(image.data[0]! - (200 * 128 + 255 * 127) / 255) <= 1, `flattened on white: ${image.data[0]}`);
  const gray = { data: new Uint8Array(12).fill(9), width: 4, height: 3, channels: 1 as const };
  assert.equal((await decodeImage(gray)).image.data[2], 9);
  await rejects(decodeImage({ ...rgba, data: new Uint8Array(5) }), 'BAD_IMAGE', /^<pixels>: expected width × height × channels = 4 × 3 × 4 = 48 bytes of data but received 5 bytes$/);
});

test('decoded pixels with bad dimensions: each bad field is named with what was expected, the length only once they are right, the data never dumped', async () => {
  const data = new Uint8Array(600 * 400 * 3).fill(7);
  const bad = (fields: Record<string, unknown>) => openPhoto({ data, width: 600, height: 400, channels: 3, ...fields } as never, { name: 'frame.raw' });
  const side = (field: string, received: string) => `expected a positive whole number for ${field} but received ${received}`;
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ data: new Uint8Array(0), width: 0, height: 0 }, `${side('width', '0')}; ${side('height', '0')}`],
    [{ width: -600 }, side('width', '-600')],
    [{ width: -2, height: -2 }, `${side('width', '-2')}; ${side('height', '-2')}`],
    [{ width: 1.5 }, side('width', '1.5')],
    [{ height: Number.NaN }, side('height', 'NaN')],
    [{ width: '600' }, side('width', '"600"')],
    [{ height: undefined }, side('height', 'nothing')],
    [{ width: data }, side('width', 'a Uint8Array of 720000 bytes')],
    [{ channels: 2 }, 'expected 1 (gray), 3 (RGB) or 4 (RGBA) for channels but received 2'],
    [{ channels: undefined }, 'expected 1 (gray), 3 (RGB) or 4 (RGBA) for channels but received nothing'],
    [{ width: 0, channels: 0 }, `${side('width', '0')}; expected 1 (gray), 3 (RGB) or 4 (RGBA) for channels but received 0`],
    [{ data: Array.from(data.subarray(0, 10)) }, 'expected a Uint8Array or Uint8ClampedArray for data but received an array of 10 items'],
    [{ data: new Float32Array(600 * 400 * 3) }, 'expected a Uint8Array or Uint8ClampedArray for data but received a Float32Array of 2880000 bytes'],
    [{ width: 599 }, 'expected width × height × channels = 599 × 400 × 3 = 718800 bytes of data but received 720000 bytes'],
    [{ channels: 4 }, 'expected width × height × channels = 600 × 400 × 4 = 960000 bytes of data but received 720000 bytes'],
    [{ width: 1e6, height: 1e6 }, 'expected width × height × channels = 1000000 × 1000000 × 3 = 3000000000000 bytes of data but received 720000 bytes'],
  ];
  for (const [fields, expected] of cases) {
    await assert.rejects(bad(fields), (error: unknown) => {
      assert.ok(error instanceof EmoscopeError, String(error));
      assert.equal(error.code, 'BAD_IMAGE', error.message);
      assert.equal(error.message, `frame.raw: ${expected}`);
      return true;
    });
  }
  const fine = await openPhoto({ data, width: 600, height: 400, channels: 3 });
  assert.deepEqual([fine.width, fine.height], [600, 400]);
  await rejects(openPhoto({ width: 600, height: 400, channels: 3 } as never), 'BAD_ARGUMENT', /^Expected a file path, a Buffer or \{data, width, height, channels\} for <pixels> but received an object with width, height, channels$/);
});

test('a photo\'s views work detached from it; RGB pixels given as input come back without a copy', async () => {
  const { thumbnail, pixels } = await openPhoto(SINGLE);
  const small = await thumbnail(100);
  assert.deepEqual([small.width, small.height], [100, 74]);
  assert.equal((await pixels()).width, 400);
  const rgb = { data: new Uint8Array(8 * 6 * 3).fill(77), width: 8, height: 6, channels: 3 as const };
  const photo = await openPhoto(rgb);
  assert.equal((await photo.pixels()).data.buffer, rgb.data.buffer);
  assert.deepEqual([(await photo.thumbnail(4)).width, (await photo.thumbnail(4)).height], [4, 3]);
});

test('a missing file is NOT_FOUND, naming it', async () => {
  await rejects(decodeImage('/no/such/photo.jpg'), 'NOT_FOUND', /\/no\/such\/photo\.jpg: no such file/);
});

test('a broken symbolic link is NOT_FOUND saying it is a link and naming its missing target (through a chain too); a loop of links is named as one', async () => {
  const dir = await tempDir();
  await symlink('gone.jpg', join(dir, 'broken.jpg'));
  await rejects(decodeImage(join(dir, 'broken.jpg')), 'NOT_FOUND', new RegExp(`^${dir}/broken\\.jpg: a symbolic link whose target gone\\.jpg \\(${dir}/gone\\.jpg\\) does not exist$`));
  await symlink(join(dir, 'nowhere', 'x.jpg'), join(dir, 'absolute.jpg'));
  await rejects(decodeImage(join(dir, 'absolute.jpg')), 'NOT_FOUND', new RegExp(`^${dir}/absolute\\.jpg: a symbolic link whose target ${dir}/nowhere/x\\.jpg does not exist$`));
  await symlink('broken.jpg', join(dir, 'chain.jpg'));
  await rejects(decodeImage(join(dir, 'chain.jpg')), 'NOT_FOUND', /chain\.jpg: a symbolic link whose target gone\.jpg \(.*\/gone\.jpg\) does not exist \(through broken\.jpg\)$/);
  await symlink('loop-b.jpg', join(dir, 'loop-a.jpg'));
  await symlink('loop-a.jpg', join(dir, 'loop-b.jpg'));
  await rejects(decodeImage(join(dir, 'loop-a.jpg')), 'BAD_IMAGE', /loop-a\.jpg: cannot read: a loop of symbolic links \(through loop-b\.jpg back to loop-a\.jpg\) \(ELOOP\)$/);
  await rejects(decodeImage(join(dir, 'missing.jpg')), 'NOT_FOUND', /missing\.jpg: no such file$/);
});

test('an empty file, a text file and a truncated JPEG are BAD_IMAGE or UNSUPPORTED_IMAGE, naming the file', async () => {
  const dir = await tempDir();
  const empty = join(dir, 'empty.jpg');
  const text = join(dir, 'notes.jpg');
  const truncated = join(dir, 'truncated.jpg');
  await writeFile(empty, '');
  await writeFile(text, 'this is not a photo\n');
  const bytes = await readFile(SINGLE);
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await rejects(decodeImage(empty), 'BAD_IMAGE', /empty\.jpg: empty file/);
  await rejects(decodeImage(text), 'UNSUPPORTED_IMAGE', /notes\.jpg: not an image/);
  await rejects(decodeImage(truncated), 'BAD_IMAGE', /truncated\.jpg: damaged or truncated image/);
});

test('a video given as a photo (MP4, WebM, AVI bytes) says it is a video and where videos go; an AVIF/HEIC header is not called one', async () => {
  const box = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}`), Buffer.alloc(64)]);
  const cases: Array<[Buffer, string]> = [
    [box('isom'), 'MP4 or MOV'],
    [box('qt  '), 'MP4 or MOV'],
    [Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(64)]), 'Matroska or WebM'],
    [Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST'), Buffer.alloc(64)]), 'AVI'],
  ];
  for (const [bytes, kind] of cases) {
    await rejects(decodeImage(bytes), 'UNSUPPORTED_IMAGE', new RegExp(`^<buffer>: a video \\(${kind}\\), not a photo .*"emoscope video" or recognizer\\.recognizeVideo\\(path\\)$`));
  }
  await assert.rejects(decodeImage(box('avif')), (e: Error) => !/a video/.test(e.message), 'a broken AVIF is not called a video');
});

test('an SVG drawing (even named .jpg, even linking a photo beside it) is UNSUPPORTED_IMAGE: libvips would render it and follow its links', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'face.jpg'), await readFile(SINGLE));
  const svg = join(dir, 'drawing.jpg');
  await writeFile(svg, '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="200" height="200"><image xlink:href="face.jpg" width="200" height="200"/></svg>');
  await rejects(decodeImage(svg), 'UNSUPPORTED_IMAGE', /drawing\.jpg: SVG is not a photo format \(expected JPEG, PNG, WebP, GIF, TIFF or BMP\)/);
  await rejects(decodeImage(await readFile(svg)), 'UNSUPPORTED_IMAGE', /SVG is not a photo format/);
});

test('a decompression bomb (a tiny PNG claiming 60000×60000 pixels) is refused before decoding', async () => {
  const bomb = pngBomb(60_000, 60_000);
  assert.ok(bomb.length < 10_000);
  await rejects(decodeImage(bomb, { name: 'bomb.png' }), 'IMAGE_TOO_LARGE', /bomb\.png: image larger than the limit of 100000000 pixels/);
  await rejects(decodeImage(SINGLE, { maxPixels: 1000 }), 'IMAGE_TOO_LARGE', /single\.jpg: image larger than the limit of 1000 pixels/);
});

test('BMP: 8-bit palette and top-down rows decode; truncated, compressed and oversized ones are refused', () => {
  // 2×2, 8-bit, palette [red, blue], top-down (negative height)
  const bmp = Buffer.alloc(54 + 8 + 8);
  bmp.write('BM', 0, 'latin1');
  bmp.writeUInt32LE(54 + 8, 10);
  bmp.writeUInt32LE(40, 14);
  bmp.writeInt32LE(2, 18);
  bmp.writeInt32LE(-2, 22);
  bmp.writeUInt16LE(8, 28);
  bmp.writeUInt32LE(2, 46); // palette entries
  Buffer.from([0, 0, 255, 0, 255, 0, 0, 0]).copy(bmp, 54); // BGRx: red, blue
  Buffer.from([0, 1, 0, 0, 1, 0, 0, 0]).copy(bmp, 62); // rows padded to 4 bytes
  const image = decodeBmp(bmp, 100);
  assert.deepEqual([...image.data], [255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0]);
  assert.throws(() => decodeBmp(bmp.subarray(0, 64), 100), /truncated BMP/);
  assert.throws(() => decodeBmp(bmp, 3), /larger than the limit of 3 pixels/);
  const rle = Buffer.from(bmp);
  rle.writeUInt32LE(1, 30);
  assert.throws(() => decodeBmp(rle, 100), /compressed BMP \(compression 1\) is not supported/);
});
