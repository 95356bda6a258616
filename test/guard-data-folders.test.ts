// A folder data set counts each image once, whatever its symbolic links do: a link looping back up
// the tree, a link to another class folder, or two names for one file are followed once at most and
// listed as skipped (never silently multiplied or relabelled). A folder of photos and a folder data
// set take the same image extensions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scanFolders } from '../src/data/folder-scan.js';
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
