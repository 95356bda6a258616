// A folder data set counts each image once, whatever its symbolic links do: a link looping back up
// the tree, a link to another class folder, or two names for one file are followed once at most and
// listed as skipped (never silently multiplied or relabelled). A folder of photos and a folder data
// set take the same image extensions. Every other entry not taken (hidden, not an image, a broken
// link, a FIFO, a photo left next to the class folders) is listed in `passedOver` with why, never
// passed over silently, and the faces loaded stay the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EmoscopeError } from '../src/errors.js';
import { scanFolders } from '../src/data/folder-scan.js';
import { describePassedOver } from '../src/util/passed-over.js';
import { loadDataset } from '../src/data/load.js';
import { listImageFiles } from '../src/vision/files.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';

/** `<root>/happy/` and `<root>/sad/` with three real faces each. */
async function classFolders(): Promise<string> {
  const root = await tempDir();
  for (const label of ['happy', 'sad']) {
    await mkdir(join(root, label));
    const faces = (await readdir(join(FER_FOLDERS, 'train', label))).slice(0, 3);
    for (const [i, face] of faces.entries()) await copyFile(join(FER_FOLDERS, 'train', label, face), join(root, label, `${label}${i}.jpg`));
  }
  return root;
}

function countsByFolder(paths: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of paths) counts[p.split('/')[0]!] = (counts[p.split('/')[0]!] ?? 0) + 1;
  return counts;
}

test('happy/loop -> .. (a cycle): every face counted once, under its own class, the link listed as skipped', async () => {
  const root = await classFolders();
  await symlink('..', join(root, 'happy', 'loop'));
  const listing = await scanFolders(root, false);
  assert.equal(listing.images.length, 6);
  assert.deepEqual(countsByFolder(listing.images.map((i) => i.relativePath)), { happy: 3, sad: 3 });
  assert.ok(listing.images.every((i) => !i.relativePath.includes('loop')));
  assert.equal(listing.skipped.length, 1);
  assert.match(listing.skipped[0]!.where, /happy\/loop$/);
  assert.match(listing.skipped[0]!.problem, /symbolic link to a folder already scanned/);

  const ds = await loadDataset(root, { valFraction: 0.34, testFraction: 0, cacheDir: false });
  const total = ds.splits.train.count + ds.splits.val.count + ds.splits.test.count;
  assert.equal(total, 6, 'a face was counted more than once');
  assert.ok(ds.skipped.some((s) => /happy\/loop$/.test(s.where)), 'the skipped link is not reported');
});

test('happy/more -> ../sad (another class folder) and happy/again.jpg -> happy0.jpg: no face counted twice or under two labels', async () => {
  const root = await classFolders();
  await symlink(join('..', 'sad'), join(root, 'happy', 'more'));
  await symlink('happy0.jpg', join(root, 'happy', 'again.jpg'));
  const listing = await scanFolders(root, false);
  assert.deepEqual(countsByFolder(listing.images.map((i) => i.relativePath)), { happy: 3, sad: 3 });
  const sad = listing.images.filter((i) => i.relativePath.startsWith('sad/'));
  assert.ok(sad.every((i) => i.label === listing.images.find((j) => j.relativePath === 'sad/sad0.jpg')!.label));
  assert.deepEqual(listing.skipped.map((s) => s.where.split('/').slice(-2).join('/')).sort(), ['happy/again.jpg', 'happy/more']);
});

test('a data folder and a folder of photos take the same extensions (.jpe, .bmp, .avif alike)', async () => {
  const root = await tempDir();
  await mkdir(join(root, 'happy'));
  const names = ['a.jpe', 'b.bmp', 'c.avif', 'd.JPG', 'e.txt'];
  for (const name of names) await writeFile(join(root, 'happy', name), 'x');
  const listing = await scanFolders(root, false);
  const photos = await listImageFiles([root]);
  assert.deepEqual(listing.images.map((i) => i.relativePath), ['happy/a.jpe', 'happy/b.bmp', 'happy/c.avif', 'happy/d.JPG']);
  assert.deepEqual(photos.files.map((f) => f.slice(root.length + 1)), listing.images.map((i) => i.relativePath));
});

test('hidden entries, non-images, broken links, FIFOs and loose photos are listed in passedOver with why; the faces loaded stay the same', async () => {
  const root = await classFolders();
  const before = await loadDataset(root, { cacheDir: false });
  assert.deepEqual(before.passedOver, []);
  await writeFile(join(root, '.DS_Store'), '');
  await writeFile(join(root, 'README'), 'my faces');
  await copyFile(join(root, 'happy', 'happy0.jpg'), join(root, 'stray.jpg'));
  await mkdir(join(root, 'happy', '.thumbs'));
  await copyFile(join(root, 'happy', 'happy0.jpg'), join(root, 'happy', '.thumbs', 'happy0.jpg'));
  await writeFile(join(root, 'sad', 'notes.txt'), 'labelled by me');
  await symlink('nowhere.jpg', join(root, 'sad', 'old.jpg.bak'));
  execFileSync('mkfifo', [join(root, 'happy', 'pipe')]);

  const listing = await scanFolders(root, false);
  assert.equal(listing.images.length, 6);
  assert.deepEqual(listing.skipped, []);
  assert.deepEqual(listing.passedOver, [
    { path: join(root, '.DS_Store'), reason: 'hidden' },
    { path: join(root, 'README'), reason: 'not-an-image' },
    { path: join(root, 'stray.jpg'), reason: 'outside-class-folders' },
    { path: join(root, 'happy', '.thumbs'), reason: 'hidden' },
    { path: join(root, 'happy', 'pipe'), reason: 'fifo' },
    { path: join(root, 'sad', 'notes.txt'), reason: 'not-an-image' },
    { path: join(root, 'sad', 'old.jpg.bak'), reason: 'broken-link', target: 'nowhere.jpg' },
  ]);
  const after = await loadDataset(root, { cacheDir: false });
  assert.deepEqual(after.passedOver, listing.passedOver);
  for (const split of ['train', 'val', 'test'] as const) assert.deepEqual(after.splits[split].origins, before.splits[split].origins, split);
  assert.equal(describePassedOver(after.passedOver), `passed over 7 entries: 2 hidden files or folders (${root}/.DS_Store, ${root}/happy/.thumbs), `
    + `1 broken symbolic link (${root}/sad/old.jpg.bak → nowhere.jpg), 1 FIFO (${root}/happy/pipe), `
    + `2 files without an image extension (${root}/README, ${root}/sad/notes.txt), 1 image outside the class folders (${root}/stray.jpg)`);
});

test('split folders: loose entries next to train/ and in it are listed too; the FER2013 fixture and a CSV pass over nothing', async () => {
  assert.deepEqual((await scanFolders(FER_FOLDERS, false)).passedOver, []);
  const root = await tempDir();
  await mkdir(join(root, 'train', 'happy'), { recursive: true });
  await copyFile(join(FER_FOLDERS, 'train', 'happy', (await readdir(join(FER_FOLDERS, 'train', 'happy')))[0]!), join(root, 'train', 'happy', 'a.jpg'));
  await writeFile(join(root, 'LICENSE'), '');
  await writeFile(join(root, 'train', 'labels.csv'), '');
  const listing = await scanFolders(root, false);
  assert.deepEqual(listing.passedOver, [
    { path: join(root, 'LICENSE'), reason: 'not-an-image' },
    { path: join(root, 'train', 'labels.csv'), reason: 'not-an-image' },
  ]);
  assert.deepEqual((await loadDataset(join(FER_FOLDERS, '..', 'fer2013.csv'))).passedOver, []);
});

test('a folder with no images, or no class folders, says in its error what it passed over', async () => {
  const noImages = await tempDir();
  await mkdir(join(noImages, 'happy'));
  await writeFile(join(noImages, 'happy', 'notes.txt'), '');
  await writeFile(join(noImages, 'happy', '.DS_Store'), '');
  await assert.rejects(scanFolders(noImages, false), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_DATA'
    && error.message.endsWith(`files in class folders (passed over 2 entries: 1 hidden file or folder (${noImages}/happy/.DS_Store), 1 file without an image extension (${noImages}/happy/notes.txt))`));
  const noClasses = await tempDir();
  await writeFile(join(noClasses, 'photo.jpg'), '');
  await assert.rejects(scanFolders(noClasses, false), (error: unknown) => error instanceof EmoscopeError && error.code === 'BAD_DATA'
    && error.message === `${noClasses} has no class folders: expected <class>/<image> or train/<class>/<image> (passed over 1 entry: 1 image outside the class folders (${noClasses}/photo.jpg))`);
});
