// Hostile and unlucky inputs: a byte-order mark before the CSV header is accepted; a gzipped file
// named .csv and random rows are refused with BAD_DATA messages that print no raw bytes; names
// with terminal escape sequences are printed escaped; /dev/zero, FIFOs and folders are not read as
// photos; random image bytes and tiny images never crash and never give a face with an empty box;
// classify() refuses a buffer of the wrong length; train --skip-bad lists what it skipped.
// The fuzzers are seeded and run a fixed number of cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir, writeFile, truncate } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import sharp from 'sharp';
import { readFer2013Csv } from '../src/data/fer2013-csv.js';
import { EmoscopeError } from '../src/errors.js';
import { openPhoto } from '../src/vision/image.js';
import { loadRecognizer } from '../src/predict/recognizer.js';
import type { Recognizer } from '../src/predict/recognizer.js';
import { printable } from '../src/util/printable.js';
import { CLI, FER_FOLDERS, FIXTURES, tempDir } from './helpers/paths.js';

/** A seeded generator of 32-bit values (xorshift), so that a failing case can be reproduced. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('printable: escape sequences, bidi overrides and line breaks become visible escapes; plain names stay as they are', () => {
  assert.equal(printable('a\u001b[2Jb.jpg'), 'a\\x1b[2Jb.jpg');
  assert.equal(printable('x\ny\u202egpj.exe'), 'x\\ny\\u202egpj.exe');
  assert.equal(printable('visage été 😀.jpg'), 'visage été 😀.jpg');
});

test('a UTF-8 byte-order mark before the CSV header is accepted', async () => {
  const dir = await tempDir();
  const csv = await readFile(join(FIXTURES, 'fer2013.csv'));
  await writeFile(join(dir, 'bom.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv]));
  const plain = await readFer2013Csv(join(FIXTURES, 'fer2013.csv'), { splits: ['train'], skipBad: false });
  const bom = await readFer2013Csv(join(dir, 'bom.csv'), { splits: ['train'], skipBad: false });
  assert.equal(bom.splits.train.count, plain.splits.train.count);
});

test('a gzipped file named .csv → BAD_DATA saying it is compressed, with no raw bytes in the message', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'fer2013.csv'), gzipSync(await readFile(join(FIXTURES, 'fer2013.csv'))));
  await assert.rejects(readFer2013Csv(join(dir, 'fer2013.csv'), { splits: ['train'], skipBad: false }), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError && error.code === 'BAD_DATA', String(error));
    assert.match(error.message, /gzip/);
    assert.doesNotMatch(error.message, CONTROL);
    return true;
  });
  // Any binary header: shown escaped, never raw.
  await writeFile(join(dir, 'binary.csv'), Buffer.from([0x00, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0x0a, 0x01]));
  await assert.rejects(readFer2013Csv(join(dir, 'binary.csv'), { splits: ['train'], skipBad: false }), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError && error.code === 'BAD_DATA', String(error));
    assert.doesNotMatch(error.message, CONTROL);
    return true;
  });
});

test('CSV fuzzer (seed 20, 300 mutated rows): each row is read or listed as skipped, every message is printable', async () => {
  const dir = await tempDir();
  const lines = (await readFile(join(FIXTURES, 'fer2013.csv'), 'utf8')).split('\n');
  const header = lines[0]!;
  const good = lines[1]!;
  const next = random(20);
  const rows: string[] = [];
  const alphabet = ['0', '9', ' ', ',', '"', '\t', '\r', '-', '256', 'x', '\u001b', '\u0000', 'Training', 'PublicTest', '\u00ff'];
  for (let i = 0; i < 300; i++) {
    let row = good;
    const edits = 1 + (next() % 4);
    for (let e = 0; e < edits; e++) {
      const at = next() % (row.length + 1);
      const kind = next() % 3;
      const piece = alphabet[next() % alphabet.length]!;
      if (kind === 0) row = row.slice(0, at) + piece + row.slice(at); // insert
      else if (kind === 1) row = row.slice(0, at) + row.slice(at + 1 + (next() % 50)); // delete
      else row = row.slice(0, at) + piece + row.slice(at + 1); // replace
    }
    rows.push(row.replace(/\n/g, ' '));
  }
  await writeFile(join(dir, 'fuzz.csv'), `${header}\n${rows.join('\n')}\n`);
  const read = await readFer2013Csv(join(dir, 'fuzz.csv'), { splits: ['train', 'val', 'test'], skipBad: true });
  const kept = read.splits.train.count + read.splits.val.count + read.splits.test.count;
  const blank = rows.filter((r) => r.trim() === '' || r.trim() === '\r').length;
  assert.equal(kept + read.skipped.length + blank, 300, 'a row was neither read nor listed');
  for (const bad of read.skipped) assert.doesNotMatch(`${bad.where}: ${bad.problem}`, CONTROL);
  await assert.rejects(readFer2013Csv(join(dir, 'fuzz.csv'), { splits: ['train'], skipBad: false }), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_DATA' && !CONTROL.test(error.message));
});

test('/dev/zero, a FIFO and a folder are refused as photos without reading them; a file over the size cap too', async () => {
  const dir = await tempDir();
  execFileSync('mkfifo', [join(dir, 'pipe.jpg')]);
  for (const path of ['/dev/zero', join(dir, 'pipe.jpg'), dir]) {
    await assert.rejects(openPhoto(path), (error: unknown) => {
      assert.ok(error instanceof EmoscopeError && error.code === 'BAD_IMAGE', String(error));
      assert.match(error.message, /expected a regular file/);
      return true;
    });
  }
  await writeFile(join(dir, 'huge.jpg'), '');
  await truncate(join(dir, 'huge.jpg'), 1024 ** 3 + 1); // sparse: no disk used
  await assert.rejects(openPhoto(join(dir, 'huge.jpg')), (error: unknown) => error instanceof EmoscopeError && error.code === 'IMAGE_TOO_LARGE');
});

test('a file name with a terminal escape sequence is printed escaped by the CLI', async () => {
  const dir = await tempDir();
  const name = join(dir, 'evil\u001b[2J\u001b[31mname.csv');
  const result = await runCli(['data', 'stats', '--data', name]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /evil\\x1b\[2J\\x1b\[31mname\.csv/);
  assert.doesNotMatch(result.stderr, /\u001b/);
});

let recognizer: Promise<Recognizer> | undefined;
const getRecognizer = () => (recognizer ??= loadRecognizer());

test('a 1×1 image and other tiny images give no face with an empty box (even with --min-face-score 0.01)', async () => {
  const r = await loadRecognizer({ minFaceScore: 0.01 }); // low enough that the detector answers on a few pixels
  try {
    for (const [width, height] of [[1, 1], [3, 3]] as const) {
      const result = await r.recognize({ data: new Uint8Array(width * height * 3).fill(128), width, height, channels: 3 });
      assert.equal(result.error, undefined);
      for (const face of result.faces) assert.ok(face.box.width > 0 && face.box.height > 0, `${width}×${height}: a face with box ${JSON.stringify(face.box)}`);
    }
  } finally {
    r.dispose();
  }
});

test('image fuzzer (seed 7, 40 cases): random bytes and damaged photos give a result or an error per photo, never a crash or an empty box', async () => {
  const r = await getRecognizer();
  const photo = await readFile(join(FIXTURES, 'photos', 'single.jpg'));
  const small = await sharp(photo).resize(96).png().toBuffer();
  const next = random(7);
  for (let i = 0; i < 40; i++) {
    let bytes: Uint8Array;
    if (i % 2 === 0) {
      bytes = new Uint8Array(1 + (next() % 2000)).map(() => next() & 0xff); // noise
      if (i % 4 === 0) bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // …behind a PNG signature
    } else {
      bytes = Uint8Array.from(i % 3 === 0 ? photo : small);
      for (let k = 0; k < 1 + (next() % 20); k++) bytes[next() % bytes.length] = next() & 0xff; // flipped bytes
      if (i % 5 === 0) bytes = bytes.subarray(0, next() % bytes.length); // truncated
    }
    const result = await r.recognize(bytes);
    if (result.error !== undefined) {
      assert.ok(['BAD_IMAGE', 'UNSUPPORTED_IMAGE', 'IMAGE_TOO_LARGE'].includes(result.errorCode!), `case ${i}: ${result.errorCode} ${result.error}`);
    }
    for (const face of result.faces) assert.ok(face.box.width > 0 && face.box.height > 0, `case ${i}: box ${JSON.stringify(face.box)}`);
  }
});

test('classify() refuses a buffer whose length is not count × size × size', async () => {
  const r = await getRecognizer();
  const size = r.meta.preprocessing.size;
  assert.equal(r.classify(new Uint8Array(2 * size * size), 2).length, 2);
  for (const [length, count] of [[size * size - 1, 1], [3 * size * size, 2], [0, 1], [size * size, 0.5]] as const) {
    assert.throws(() => r.classify(new Uint8Array(length), count), (error: unknown) => {
      assert.ok(error instanceof EmoscopeError && error.code === 'BAD_ARGUMENT', String(error));
      return true;
    });
  }
});

test('train --skip-bad lists the files it skipped, as its help says', async () => {
  const data = await tempDir();
  for (const label of ['happy', 'sad', 'neutral']) {
    await mkdir(join(data, label));
    const faces = (await readdir(join(FER_FOLDERS, 'train', label))).slice(0, 6);
    for (const face of faces) await copyFile(join(FER_FOLDERS, 'train', label, face), join(data, label, face.replace('Training_', '')));
  }
  await writeFile(join(data, 'happy', 'broken.jpg'), 'not a jpeg');
  const out = join(await tempDir(), 'run');
  const result = await runCli(['train', '--data', data, '--model', 'tiny', '--out', out, '--epochs', '1', '--val-fraction', '0.3', '--test-fraction', '0', '--skip-bad']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /Skipped 1 bad input:\n\s+\S*happy\/broken\.jpg: /);
});

test.after(async () => (await recognizer)?.dispose());
