// Folder data sets: FER2013's image layout (usage from the file-name prefix), a user's own class
// folders (synonym names, any size or colour, seeded split), unknown folders, undecodable images,
// and the cache of decoded faces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { EmoscopeError } from '../src/errors.js';
import { classCounts, facePixels, loadDataset, type FaceSet } from '../src/data/index.js';
import { EMOTIONS } from '../src/types.js';
import { FER_FOLDERS, FIXTURES, tempDir } from './helpers/paths.js';

const noCache = { cacheDir: false } as const;

/** A copy of the FER2013 fixture folder that a test may change. */
async function ferCopy(): Promise<string> {
  const root = join(await tempDir(), 'fer2013');
  await cp(FER_FOLDERS, root, { recursive: true });
  return root;
}

/** Writes a `width`×`height` image of one colour (RGBA) as PNG or JPEG. */
async function writeImage(path: string, width: number, height: number, colour: { r: number; g: number; b: number; alpha?: number }): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const image = sharp({ create: { width, height, channels: 4, background: { alpha: 1, ...colour } } });
  await (path.endsWith('.png') ? image.png() : image.jpeg()).toFile(path);
}

/** Every face of a set as a label and a pixel key, to compare sets regardless of order. */
function faceKeys(set: FaceSet): string[] {
  return Array.from({ length: set.count }, (_, i) => `${set.labels[i]}:${Buffer.from(facePixels(set, i)).toString('base64')}`).sort();
}

test('FER2013 folders: Training_ → train, PublicTest_ → val, PrivateTest_ → test, labels from the class folders', async () => {
  const ds = await loadDataset(FER_FOLDERS, noCache);
  assert.equal(ds.format, 'fer2013-folders');
  assert.deepEqual(classCounts(ds.splits.train), [8, 8, 8, 8, 8, 8, 8]);
  assert.deepEqual(classCounts(ds.splits.val), [3, 3, 3, 3, 3, 3, 3]);
  assert.deepEqual(classCounts(ds.splits.test), [3, 3, 3, 3, 3, 3, 3]);
  assert.ok(ds.splits.train.origins.every((origin) => basename(origin).startsWith('Training_')));
  assert.ok(ds.splits.val.origins.every((origin) => basename(origin).startsWith('PublicTest_')));
  assert.ok(ds.splits.test.origins.every((origin) => basename(origin).startsWith('PrivateTest_')));
  ds.splits.train.origins.forEach((origin, i) => {
    assert.equal(basename(join(origin, '..')), EMOTIONS[ds.splits.train.labels[i]], origin);
  });
});

test('FER2013 folders: the faces are the JPEGs decoded to 2,304 gray values (within 1 of libjpeg via sharp)', async () => {
  const set = (await loadDataset(FER_FOLDERS, noCache)).splits.val;
  for (let i = 0; i < set.count; i += 5) {
    const reference = await sharp(set.origins[i]).grayscale().raw().toBuffer();
    const face = facePixels(set, i);
    assert.equal(reference.length, face.length);
    const worst = face.reduce((max, value, k) => Math.max(max, Math.abs(value - reference[k])), 0);
    assert.ok(worst <= 1, `${set.origins[i]}: differs from sharp by ${worst}`);
  }
});

test('the CSV fixture and the folder fixture it was built from hold the same faces per split', async () => {
  const csv = await loadDataset(join(FIXTURES, 'fer2013.csv'));
  const folders = await loadDataset(FER_FOLDERS, noCache);
  for (const split of ['train', 'val', 'test'] as const) {
    const inFolders = new Set(faceKeys(folders.splits[split]));
    for (const key of faceKeys(csv.splits[split])) assert.ok(inFolders.has(key), `a ${split} CSV face is not among the folder faces`);
  }
});

test('class folders: synonym names (any case) map onto EMOTIONS; any size or colour becomes 48×48 gray', async () => {
  const root = join(await tempDir(), 'mine');
  await writeImage(join(root, 'Happiness', 'a.png'), 100, 80, { r: 0, g: 255, b: 0 });
  await writeImage(join(root, 'anger', 'b.jpg'), 30, 30, { r: 255, g: 255, b: 255 });
  await writeImage(join(root, 'sadness', 'c.png'), 48, 48, { r: 0, g: 0, b: 0, alpha: 0 }); // transparent
  await writeImage(join(root, 'surprised', 'nested', 'd.png'), 64, 64, { r: 0, g: 0, b: 0 });
  await writeImage(join(root, 'disgusted', 'e.jpg'), 50, 70, { r: 10, g: 10, b: 10 });
  await writeImage(join(root, 'fearful', 'f.png'), 48, 48, { r: 128, g: 128, b: 128 });
  await writeImage(join(root, 'NEUTRAL', 'g.png'), 48, 48, { r: 200, g: 200, b: 200 });
  await writeFile(join(root, 'README.txt'), 'loose files next to the class folders are ignored');
  await writeFile(join(root, 'neutral-notes.txt'), 'so are non-image files');

  const ds = await loadDataset(root, { ...noCache, valFraction: 0, testFraction: 0 });
  assert.equal(ds.format, 'class-folders');
  const train = ds.splits.train;
  assert.equal(train.count, 7);
  assert.equal(train.pixels.length, 7 * 48 * 48);
  const byName = new Map(train.origins.map((origin, i) => [basename(origin), i]));
  const label = (name: string): string => EMOTIONS[train.labels[byName.get(name)!]];
  assert.deepEqual(['a.png', 'b.jpg', 'c.png', 'd.png', 'e.jpg', 'f.png', 'g.png'].map(label), ['happy', 'angry', 'sad', 'surprise', 'disgust', 'fear', 'neutral']);
  const values = (name: string): Set<number> => new Set(facePixels(train, byName.get(name)!));
  const green = [...values('a.png')];
  assert.equal(green.length, 1, 'a uniform colour stays uniform');
  assert.ok(green[0] > 100 && green[0] < 250, `pure green as gray (its luminance): ${green[0]}`);
  assert.deepEqual([...values('b.jpg')], [255]);
  assert.deepEqual([...values('c.png')], [255], 'transparency becomes white');
  assert.deepEqual([...values('d.png')], [0]);
});

test('class folders: an image that is not square keeps its centre (cropped, not stretched)', async () => {
  const root = join(await tempDir(), 'mine');
  // 144×48: black | white | black thirds; stretching would keep the black, cropping keeps the white.
  const pixels = Buffer.alloc(144 * 48, 0);
  for (let y = 0; y < 48; y++) pixels.fill(255, y * 144 + 48, y * 144 + 96);
  await mkdir(join(root, 'happy'), { recursive: true });
  await sharp(pixels, { raw: { width: 144, height: 48, channels: 1 } }).png().toFile(join(root, 'happy', 'wide.png'));
  const face = facePixels((await loadDataset(root, { ...noCache, valFraction: 0, testFraction: 0 })).splits.train, 0);
  assert.ok(face.every((value) => value > 245), 'the centre third is white');
});

test('an unknown class folder is an error that lists the accepted names', async () => {
  const root = join(await tempDir(), 'mine');
  await writeImage(join(root, 'happy', 'a.png'), 48, 48, { r: 1, g: 2, b: 3 });
  await writeImage(join(root, 'contempt', 'b.png'), 48, 48, { r: 1, g: 2, b: 3 });
  await assert.rejects(loadDataset(root, noCache), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError);
    assert.equal(error.code, 'BAD_DATA');
    assert.equal(
      error.message,
      `Unknown emotion folder "contempt" in ${root}: expected one of angry (anger), disgust (disgusted), fear (fearful), happy (happiness), sad (sadness), surprise (surprised), neutral`,
    );
    return true;
  });
});

test('split folders mixed with class folders at the top are an error naming both', async () => {
  const root = join(await tempDir(), 'mine');
  await writeImage(join(root, 'train', 'happy', 'a.png'), 48, 48, { r: 1, g: 2, b: 3 });
  await writeImage(join(root, 'sad', 'b.png'), 48, 48, { r: 1, g: 2, b: 3 });
  await assert.rejects(loadDataset(root, noCache), /mixes split folders \(train\) with other folders \(sad\)/);
});

test('class folders under train/ and test/ keep those splits; val is drawn from train', async () => {
  const root = join(await tempDir(), 'mine');
  for (let i = 0; i < 10; i++) await writeImage(join(root, 'train', 'happy', `t${i}.png`), 48, 48, { r: i, g: i, b: i });
  for (let i = 0; i < 10; i++) await writeImage(join(root, 'train', 'sad', `t${i}.png`), 48, 48, { r: i, g: i, b: i });
  await writeImage(join(root, 'test', 'happy', 'x.png'), 48, 48, { r: 9, g: 9, b: 9 });
  await writeImage(join(root, 'test', 'sad', 'y.png'), 48, 48, { r: 9, g: 9, b: 9 });
  const ds = await loadDataset(root, { ...noCache, valFraction: 0.2, testFraction: 0.3 });
  assert.equal(ds.format, 'class-folders');
  assert.deepEqual(ds.splits.test.origins.map((origin) => basename(origin)), ['x.png', 'y.png']);
  assert.deepEqual(classCounts(ds.splits.val), [0, 0, 0, 2, 2, 0, 0]);
  assert.deepEqual(classCounts(ds.splits.train), [0, 0, 0, 8, 8, 0, 0]);
  assert.ok(ds.splits.val.origins.every((origin) => origin.includes(join('mine', 'train'))));
});

test('FER2013 file names that give only Training_: val and test are drawn from them by the fractions, as for class folders', async () => {
  const root = join(await tempDir(), 'named');
  for (let i = 0; i < 10; i++) await writeImage(join(root, 'happiness', `Training_${i}.png`), 48, 48, { r: i, g: i, b: i });
  for (let i = 0; i < 10; i++) await writeImage(join(root, 'Sad', `Training_${10 + i}.png`), 48, 48, { r: i, g: i, b: i });
  await writeImage(join(root, 'Sad', 'PrivateTest_99.png'), 48, 48, { r: 9, g: 9, b: 9 });
  const ds = await loadDataset(root, { ...noCache, valFraction: 0.3, testFraction: 0.2 });
  assert.equal(ds.format, 'fer2013-folders');
  assert.deepEqual(classCounts(ds.splits.val), [0, 0, 0, 3, 3, 0, 0], 'val drawn: nothing is named PublicTest_');
  assert.deepEqual(ds.splits.test.origins.map((origin) => basename(origin)), ['PrivateTest_99.png'], 'test as named');
  assert.deepEqual(classCounts(ds.splits.train), [0, 0, 0, 7, 7, 0, 0]);
});

test('an undecodable image stops loading with its file name; skipBad skips and lists it', async () => {
  const root = await ferCopy();
  const garbage = join(root, 'train', 'happy', 'Training_0000001.jpg');
  await writeFile(garbage, 'not an image at all');
  const real = (await readdir(join(root, 'train', 'sad')))[0];
  const truncated = join(root, 'train', 'sad', `Training_0000002.jpg`);
  await writeFile(truncated, (await readFile(join(root, 'train', 'sad', real))).subarray(0, 300));

  await assert.rejects(loadDataset(root, noCache), (error: unknown) => {
    assert.ok(error instanceof EmoscopeError && error.code === 'BAD_DATA');
    assert.ok(error.message.startsWith(`${garbage}: cannot decode the image (`) || error.message.startsWith(`${truncated}: cannot decode the image (`), error.message);
    return true;
  });
  const ds = await loadDataset(root, { ...noCache, skipBad: true });
  assert.equal(ds.splits.train.count, 56);
  assert.deepEqual(ds.skipped.map((bad) => bad.where), [garbage, truncated]);
  assert.ok(ds.skipped.every((bad) => bad.problem.startsWith('cannot decode the image')));
});

test('FER2013 folders: an image without a Training_/PublicTest_/PrivateTest_ prefix has no split and is reported', async () => {
  const root = await ferCopy();
  const stray = join(root, 'train', 'fear', 'my-face.jpg');
  await cp(join(root, 'train', 'fear', (await readdir(join(root, 'train', 'fear')))[0]), stray);
  await assert.rejects(loadDataset(root, noCache), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_DATA' && error.message.startsWith(`${stray}: expected a FER2013 file name starting with Training_`));
  const ds = await loadDataset(root, { ...noCache, skipBad: true });
  assert.equal(ds.splits.train.count, 56);
  assert.deepEqual(ds.skipped.map((bad) => bad.where), [stray]);
});

test('a folder that does not exist is NOT_FOUND; one without class folders is BAD_DATA', async () => {
  await assert.rejects(loadDataset(join(FIXTURES, 'no-such-folder')), (error: unknown) => error instanceof EmoscopeError && error.code === 'NOT_FOUND');
  await assert.rejects(loadDataset(await tempDir()), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_DATA' && error.message.includes('has no class folders'));
});

test('the cache of decoded faces gives the same faces, and a changed image is decoded again', async () => {
  const root = await ferCopy();
  const cacheDir = await tempDir();
  const first = await loadDataset(root, { cacheDir });
  assert.equal((await readdir(join(cacheDir, 'faces'))).length, 1, 'one cache file per data-set folder');
  const second = await loadDataset(root, { cacheDir });
  for (const split of ['train', 'val', 'test'] as const) {
    assert.deepEqual(second.splits[split].pixels, first.splits[split].pixels);
    assert.deepEqual(second.splits[split].labels, first.splits[split].labels);
  }
  const changed = first.splits.train.origins[0];
  await writeImage(changed, 48, 48, { r: 255, g: 255, b: 255 }); // same name, new content
  const third = await loadDataset(root, { cacheDir });
  assert.deepEqual([...new Set(facePixels(third.splits.train, 0))], [255]);
});
