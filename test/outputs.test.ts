// Outputs (the home of their defects): what predict and the other commands write, tested without
// running a model: the table for people, the choice of what stdout carries, output paths checked
// before any work (BAD_OUTPUT), atomic writes only for regular files, annotated-file names that
// never meet an input, emoscope's own pictures left out of folders, and model folders that record
// no absolute paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, lstat, mkdir, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { EmoscopeError } from '../src/errors.js';
import { formatResultsTable, printable } from '../src/cli/table.js';
import { stdoutUse } from '../src/cli/output.js';
import { summaryLine } from '../src/cli/predict.js';
import { isPhotoArgument, readJsonlValue } from '../src/cli/jsonl-value.js';
import { planAnnotatedNames, writeAnnotated } from '../src/cli/annotated.js';
import { describePassedOver, listImageFiles } from '../src/vision/files.js';
import { hasOutputMark } from '../src/util/output-mark.js';
import { checkNotAnInput, checkOutput, realPaths } from '../src/util/check-output.js';
import { writeFileAtomic } from '../src/util/atomic.js';
import { train } from '../src/train/train.js';
import { portablePath, portablePaths } from '../src/util/portable-path.js';
import type { EmotionScores, PhotoResult } from '../src/types.js';
import { REPO_ROOT, tempDir } from './helpers/paths.js';

const run = promisify(execFile);

function scores(top: keyof EmotionScores, second: keyof EmotionScores): EmotionScores {
  const s: EmotionScores = { angry: 0.01, disgust: 0.01, fear: 0.02, happy: 0.02, sad: 0.03, surprise: 0.01, neutral: 0.05 };
  s[top] = 0.7;
  s[second] = 0.15;
  return s;
}

const RESULTS: PhotoResult[] = [
  { file: 'holiday/couple.jpg', width: 640, height: 446, faces: [
    { box: { x: 82, y: 183, width: 188, height: 188 }, score: 0.95, emotion: 'happy', scores: scores('happy', 'neutral') },
    { box: { x: 379, y: 128, width: 181, height: 181 }, score: 0.96, emotion: 'sad', scores: scores('sad', 'angry') },
  ] },
  { file: 'wall.png', width: 200, height: 150, faces: [] },
  { file: 'bad\u001b[31m.png', width: 0, height: 0, faces: [], error: 'bad.png: not an image', errorCode: 'UNSUPPORTED_IMAGE' },
];

test('the table: a row per face (photo, face number, emotion, confidence, runner-up, box), a row per faceless or unreadable photo', () => {
  const lines = formatResultsTable(RESULTS).trimEnd().split('\n');
  assert.deepEqual(lines[0]!.split(/\s{2,}/), ['photo', 'face', 'emotion', 'confidence', 'runner-up', 'box']);
  assert.deepEqual(lines[1]!.split(/\s{2,}/), ['holiday/couple.jpg', '1', 'happy', '70.0%', 'neutral 15.0%', '188×188 at 82,183']);
  assert.deepEqual(lines[2]!.split(/\s{2,}/), ['holiday/couple.jpg', '2', 'sad', '70.0%', 'angry 15.0%', '181×181 at 379,128']);
  assert.deepEqual(lines[3]!.split(/\s{2,}/), ['wall.png', '-', 'no face found']);
  assert.deepEqual(lines[4]!.split(/\s{2,}/), ['bad\\x1b[31m.png', '-', 'unreadable'], 'an escape sequence in a name is shown, not obeyed');
  const emotionColumn = lines[0]!.indexOf('emotion');
  for (const line of lines.slice(1)) assert.equal(line.slice(emotionColumn - 2, emotionColumn), '  ', `columns aligned: ${line}`);
  assert.equal(printable('a\nb'), 'a\\nb');
});

test('stdout: a table on a terminal, JSON in a pipe unless a file takes the JSON, the one output given as -', () => {
  assert.equal(stdoutUse({}, true), 'table');
  assert.equal(stdoutUse({}, false), 'json');
  assert.equal(stdoutUse({ csv: 'faces.csv' }, false), 'json', 'as before: --csv alone leaves the JSON on stdout');
  assert.equal(stdoutUse({ json: 'faces.json' }, false), 'none');
  assert.equal(stdoutUse({ jsonl: 'faces.jsonl' }, false), 'none', '--jsonl to a file: nothing piles up for stdout');
  assert.equal(stdoutUse({ json: 'faces.json' }, true), 'table');
  assert.equal(stdoutUse({ json: '-' }, true), 'json', '--json - forces JSON on a terminal');
  assert.equal(stdoutUse({ csv: '-' }, true), 'csv');
  assert.equal(stdoutUse({ jsonl: '-', json: 'f.json' }, false), 'jsonl');
  assert.throws(() => stdoutUse({ json: '-', csv: '-' }, false), (e: EmoscopeError) => e.code === 'BAD_ARGUMENT' && /--json -, --csv -/.test(e.message));
});

test('the summary line counts photos and faces and names the files written', () => {
  assert.equal(summaryLine({ photos: 3, faces: 2, failed: 1 }, ['faces.json', '2 annotated photos in out']), '3 photos, 2 faces, 1 unreadable; wrote faces.json, 2 annotated photos in out');
  assert.equal(summaryLine({ photos: 1, faces: 1, failed: 0 }, []), '1 photo, 1 face');
});

function badOutput(pattern: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof EmoscopeError && e.code === 'BAD_OUTPUT' && pattern.test(e.message);
}

test('outputs are checked up front: a folder for a file (EISDIR), a file for a folder or a parent (ENOTDIR), each named', async () => {
  const dir = await tempDir();
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  await assert.rejects(checkOutput(dir, 'file', '--json'), badOutput(new RegExp(`Cannot write --json ${dir}: it is a folder.*EISDIR`)));
  await assert.rejects(checkOutput(join(file, 'faces.csv'), 'file', '--csv'), badOutput(new RegExp(`--csv ${file}/faces.csv: ${file} is a file, not a folder \\(ENOTDIR\\)`)));
  await assert.rejects(checkOutput(join(file, 'deeper', 'run'), 'folder', '--out'), badOutput(/ENOTDIR/));
  await assert.rejects(checkOutput(file, 'folder', '--out'), badOutput(/a-file: it exists and is not a folder/));
  // Fine: a new file in an existing folder, missing parents (created later), an existing file, stdout.
  await checkOutput(join(dir, 'new', 'deeper', 'faces.json'), 'file', '--json');
  await checkOutput(file, 'file', '--json');
  await checkOutput(join(dir, 'run'), 'folder', '--out');
  await checkOutput('-', 'file', '--json');
});

test('no results file is written over a photo, a drawing or a video, whatever its name: the check reads its first bytes', async () => {
  const dir = await tempDir();
  const heic = join(dir, 'IMG_0001.HEIC');
  const photo = Uint8Array.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 1, 2, 3]); // ISO media "ftypheic"
  await writeFile(heic, photo);
  await assert.rejects(checkOutput(heic, 'file', '--jsonl'), badOutput(/Cannot write --jsonl .*IMG_0001\.HEIC: it is a HEIC, AVIF, MP4 or MOV \(ISO media\) file; results are never written over a photo, a drawing or a video/));
  const jpegNamedJson = join(dir, 'faces.json');
  await writeFile(jpegNamedJson, Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
  await assert.rejects(checkOutput(jpegNamedJson, 'file', '--json'), badOutput(/it is a JPEG file/));
  // drawings too: an SVG (text, after its XML declaration, comments and doctype) and a PDF
  const svg = join(dir, 'logo.svg');
  await writeFile(svg, '\uFEFF<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg xmlns="http://www.w3.org/2000/svg"/>');
  await assert.rejects(checkOutput(svg, 'file', '--json'), badOutput(/logo\.svg: it is an SVG file/));
  const pdf = join(dir, 'paper.json');
  await writeFile(pdf, '%PDF-1.7\n');
  await assert.rejects(checkOutput(pdf, 'file', '--csv'), badOutput(/paper\.json: it is a PDF file/));
  const html = join(dir, 'page.json');
  await writeFile(html, '<html><body><svg></svg></body></html>');
  await checkOutput(html, 'file', '--json'); // an SVG inside another document is not a drawing file
  const earlier = join(dir, 'earlier.json');
  await writeFile(earlier, '[{"file":"a.jpg"}]\n');
  await checkOutput(earlier, 'file', '--json'); // an earlier results file is replaced as before

  // and from the command line: the photo is left as it was, exit 1 before any work
  const cli = await run(process.execPath, [join(REPO_ROOT, 'bin', 'emoscope.js'), 'predict', join(REPO_ROOT, 'test', 'fixtures', 'photos', 'single.jpg'), '--jsonl', heic]).then(() => undefined, (e: { code: number; stderr: string }) => e);
  assert.equal(cli?.code, 1);
  assert.match(cli.stderr, /Cannot write --jsonl .*IMG_0001\.HEIC: it is a HEIC/);
  assert.deepEqual(new Uint8Array(await readFile(heic)), photo);
});

test('an output in a folder this user may not write is refused before work starts (EACCES), also for root via an unprivileged child', async () => {
  const dir = await tempDir();
  const locked = join(dir, 'locked');
  await mkdir(locked);
  await chmod(locked, 0o555);
  await chmod(dir, 0o755);
  const script = `import { checkOutput } from ${JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'util', 'check-output.js'))};
    try { await checkOutput(${JSON.stringify(join(locked, 'faces.json'))}, 'file', '--json'); console.log('accepted'); }
    catch (e) { console.log(e.code + ': ' + e.message); }`;
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], asNobody);
  assert.equal(stdout.trim(), `BAD_OUTPUT: Cannot write --json ${join(locked, 'faces.json')}: no permission to write in ${locked} (EACCES)`);
});

test('a folder that takes no new files is refused before work starts, even where permission bits allow it (root and /proc)', async (t) => {
  if (!existsSync('/proc/version')) return t.skip('no /proc here');
  await assert.rejects(checkOutput('/proc/version', 'file', '--json'), badOutput(/Cannot write --json \/proc\/version: \/proc takes no new files, and the results are written beside it first, then renamed over it \(E[A-Z]+\)/));
  await assert.rejects(checkOutput('/proc/emoscope/faces.json', 'file', '--json'), badOutput(/Cannot write --json \/proc\/emoscope\/faces\.json: \/proc takes no new files \(E[A-Z]+\)/));
  await assert.rejects(checkOutput('/proc/emoscope-out', 'folder', '--out'), badOutput(/\/proc takes no new files/));
  const dir = await tempDir();
  await checkOutput(join(dir, 'faces.json'), 'file', '--json');
  assert.deepEqual(await readdir(dir), [], 'the check leaves nothing behind');
});

test('an output that is one of the inputs is refused', async () => {
  const dir = await tempDir();
  const photo = join(dir, 'x.jpg');
  await writeFile(photo, 'jpeg');
  await symlink(photo, join(dir, 'link.jpg'));
  const inputs = await realPaths([photo]);
  await assert.rejects(checkNotAnInput(photo, '--json', inputs), badOutput(/--json .*x\.jpg: it is one of the inputs/));
  await assert.rejects(checkNotAnInput(join(dir, 'link.jpg'), '--csv', inputs), badOutput(/one of the inputs/), 'also through a symbolic link');
  await checkNotAnInput(join(dir, 'faces.json'), '--json', inputs);
});

test('annotated names: a/x.jpg and b/x.jpg get different, stable names; a name that is an input is refused', async () => {
  const dir = await tempDir();
  const a = join(dir, 'a', 'x.jpg');
  const b = join(dir, 'b', 'x.jpg');
  const out = join(dir, 'a');
  const plan = await planAnnotatedNames([a, b], out, await realPaths([a, b]));
  const [na, nb] = [plan.get(a)!, plan.get(b)!];
  assert.notEqual(na, nb);
  assert.match(na, /\/a\/x\.[0-9a-f]{8}$/);
  assert.notEqual(`${na}.jpg`, a, 'never the input itself, even with --out in the input folder');
  const again = await planAnnotatedNames([b], out, await realPaths([b]));
  assert.equal(again.get(b), nb, 'the same photo gets the same name in a later run, and no other photo does');
  // An input that happens to carry the planned name (e.g. an earlier output given as input) is never replaced.
  await mkdir(join(dir, 'a'), { recursive: true });
  await writeFile(`${na}.jpg`, 'an input');
  await assert.rejects(planAnnotatedNames([a, `${na}.jpg`], out, await realPaths([a, `${na}.jpg`])), badOutput(/would replace the input/));
  await writeFile(`${na}.face1.png`, 'an input');
  await assert.rejects(planAnnotatedNames([a, `${na}.face1.png`], out, await realPaths([a, `${na}.face1.png`])), badOutput(/would replace the input/));
});

test("folders: emoscope's annotated copies and charts are left out (marked in the file), a photo named like one is not", async () => {
  const dir = await tempDir();
  const photo = join(dir, 'x.jpg');
  await sharp({ create: { width: 120, height: 90, channels: 3, background: '#8a6' } }).jpeg().toFile(photo);
  const base = (await planAnnotatedNames([photo], dir, await realPaths([photo]))).get(photo)!;
  const face = { box: { x: 10, y: 10, width: 40, height: 40 }, score: 0.9, emotion: 'happy' as const, scores: scores('happy', 'neutral') };
  const written = await writeAnnotated(base, { file: photo, width: 120, height: 90, faces: [face] });
  // A user's photo that happens to carry an output's name, and a photo in PNG: both stay photos.
  await sharp(photo).toFile(join(dir, 'y.1234abcd.jpg'));
  await sharp(photo).png().toFile(join(dir, 'z.face1.png'));
  await writeFile(join(dir, 'broken.jpg'), 'not a jpeg: its error comes when it is read');

  assert.deepEqual(await Promise.all([written.annotated, written.charts[0]!, photo].map(hasOutputMark)), [true, true, false]);
  const listing = await listImageFiles([dir]);
  assert.deepEqual(listing.files.map((f) => f.slice(dir.length + 1)), ['broken.jpg', 'x.jpg', 'y.1234abcd.jpg', 'z.face1.png']);
  assert.deepEqual(listing.ownOutputs.sort(), [written.annotated, ...written.charts].sort());
  assert.deepEqual(listing.empty, []);
  const named = await listImageFiles([written.annotated]);
  assert.deepEqual(named.files, [written.annotated], 'a file named explicitly is taken even when emoscope wrote it');
  const onlyOutputs = join(dir, 'out');
  await mkdir(onlyOutputs);
  await writeAnnotated(join(onlyOutputs, 'x'), { file: photo, width: 120, height: 90, faces: [] });
  assert.deepEqual(await listImageFiles([onlyOutputs]), { files: [], empty: [onlyOutputs], ownOutputs: [join(onlyOutputs, 'x.jpg')], passedOver: [] });
});

test('folders: every other entry not taken is listed with why (hidden, a link, a broken link and its target, a loop, a FIFO, no image extension), and said grouped', async () => {
  const dir = await tempDir();
  await sharp({ create: { width: 120, height: 90, channels: 3, background: '#8a6' } }).jpeg().toFile(join(dir, 'a.jpg'));
  await writeFile(join(dir, '.DS_Store'), 'Finder');
  await mkdir(join(dir, '.thumbs'));
  await sharp(join(dir, 'a.jpg')).toFile(join(dir, '.thumbs', 'a.jpg')); // inside a hidden folder: not walked
  await symlink('gone.jpg', join(dir, 'broken.jpg'));
  await symlink('a.jpg', join(dir, 'link.jpg'));
  await symlink('loop.jpg', join(dir, 'loop.jpg'));
  await run('mkfifo', [join(dir, 'pipe.jpg')]);
  await writeFile(join(dir, 'notes.txt'), 'not an image by its name');
  const listing = await listImageFiles([dir]);
  assert.deepEqual(listing.files, [join(dir, 'a.jpg')]);
  assert.deepEqual(listing.passedOver, [
    { path: join(dir, '.DS_Store'), reason: 'hidden' },
    { path: join(dir, '.thumbs'), reason: 'hidden' },
    { path: join(dir, 'broken.jpg'), reason: 'broken-link', target: 'gone.jpg' },
    { path: join(dir, 'link.jpg'), reason: 'link' },
    { path: join(dir, 'loop.jpg'), reason: 'link-loop' },
    { path: join(dir, 'notes.txt'), reason: 'not-an-image' },
    { path: join(dir, 'pipe.jpg'), reason: 'fifo' },
  ]);
  assert.equal(describePassedOver(listing.passedOver), `passed over 7 entries: 2 hidden files or folders (${dir}/.DS_Store, ${dir}/.thumbs), `
    + `1 broken symbolic link (${dir}/broken.jpg → gone.jpg), 1 loop of symbolic links (${dir}/loop.jpg), 1 symbolic link, not followed (${dir}/link.jpg), `
    + `1 FIFO (${dir}/pipe.jpg), 1 file without an image extension (${dir}/notes.txt)`);
  assert.equal(describePassedOver([1, 2, 3].map((i) => ({ path: `p/\x1b${i}`, reason: 'fifo' as const }))), 'passed over 3 entries: 3 FIFOs (p/\\x1b1, p/\\x1b2, …)', 'two examples of a kind at most, printable');
  assert.equal(describePassedOver([]), '');
  const junk = join(dir, 'junk');
  await mkdir(junk);
  await writeFile(join(junk, '.DS_Store'), 'Finder');
  assert.deepEqual(await listImageFiles([junk]), { files: [], empty: [junk], ownOutputs: [], passedOver: [{ path: join(junk, '.DS_Store'), reason: 'hidden' }] });

  // A folder this user may not read is passed over, the rest walked (as root via an unprivileged child).
  const locked = join(dir, 'locked');
  await mkdir(locked);
  await sharp(join(dir, 'a.jpg')).toFile(join(locked, 'b.jpg'));
  await chmod(locked, 0o000);
  await chmod(dir, 0o755);
  const script = `import { listImageFiles } from ${JSON.stringify(join(REPO_ROOT, 'dist', 'src', 'vision', 'files.js'))};
    const { files, passedOver } = await listImageFiles([${JSON.stringify(dir)}]);
    console.log(JSON.stringify({ files, unreadable: passedOver.filter((p) => p.reason === 'unreadable-folder') }));`;
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], asNobody).finally(() => chmod(locked, 0o755));
  assert.deepEqual(JSON.parse(stdout), { files: [join(dir, 'a.jpg')], unreadable: [{ path: locked, reason: 'unreadable-folder', code: 'EACCES' }] });
});

test('a rerun that finds fewer faces removes the charts it wrote for the faces now gone, never a file emoscope did not write', async () => {
  const dir = await tempDir();
  const photo = join(dir, 'x.jpg');
  await sharp({ create: { width: 120, height: 90, channels: 3, background: '#8a6' } }).jpeg().toFile(photo);
  const base = join(dir, 'out', 'x.12345678');
  const face = (x: number) => ({ box: { x, y: 10, width: 30, height: 30 }, score: 0.9, emotion: 'happy' as const, scores: scores('happy', 'neutral') });
  const three = await writeAnnotated(base, { file: photo, width: 120, height: 90, faces: [face(0), face(40), face(80)] });
  assert.equal(three.charts.length, 3);
  await sharp(photo).png().toFile(`${base}.face7.png`); // a user's own picture under a chart's name: no mark
  const one = await writeAnnotated(base, { file: photo, width: 120, height: 90, faces: [face(0)] });
  assert.deepEqual(one.charts, [`${base}.face1.png`]);
  assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['x.12345678.face1.png', 'x.12345678.face7.png', 'x.12345678.jpg']);
});

test('atomic writes replace regular files but write special files in place: a named pipe stays a pipe, a link stays a link', async () => {
  const dir = await tempDir();
  const fifo = join(dir, 'pipe');
  await run('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo]); // a reader on the pipe, so that the writer does not block
  const read = new Promise<string>((done) => {
    let text = '';
    reader.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    reader.on('close', () => done(text));
  });
  await writeFileAtomic(fifo, '[1, 2]\n');
  const stillFifo = (await lstat(fifo)).isFIFO();
  if (!stillFifo) reader.kill(); // replaced: the reader would wait forever on the old pipe
  assert.ok(stillFifo, 'still a named pipe, not replaced by a regular file');
  assert.equal(await read, '[1, 2]\n');

  const target = join(dir, 'real.json');
  await writeFile(target, 'old');
  await symlink(target, join(dir, 'link.json'));
  await writeFileAtomic(join(dir, 'link.json'), 'new');
  assert.equal(await readlink(join(dir, 'link.json')), target);
  assert.equal(await readFile(target, 'utf8'), 'new');
});

test('model folders record no absolute paths: inside the working folder relative, elsewhere the last two parts', () => {
  assert.equal(portablePath('/work/main/runs/tuned', '/work/main'), 'runs/tuned');
  assert.equal(portablePath('/work/shared/datasets/fer2013', '/work/main'), 'datasets/fer2013');
  assert.equal(portablePath('../shared/datasets/fer2013', '/work/main'), 'datasets/fer2013');
  const meta = { data: '/data/fer2013', config: { out: '/work/main/runs/x', model: 'emo-vgg', init: '' }, refreshedFrom: ['/tmp/a/best'], splits: { val: 'FER2013 PublicTest' } };
  assert.deepEqual(portablePaths(meta, '/work/main'), { data: 'data/fer2013', config: { out: 'runs/x', model: 'emo-vgg', init: '' }, refreshedFrom: ['a/best'], splits: { val: 'FER2013 PublicTest' } });
});

test("the shipped model's emoscope.json holds no absolute path", async () => {
  const text = await readFile(join(REPO_ROOT, 'models', 'default', 'emoscope.json'), 'utf8');
  const paths: string[] = [];
  JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'string' && (value.startsWith('/') || value.startsWith('../') || /^[A-Za-z]:\\/.test(value))) paths.push(value);
    return value;
  });
  assert.deepEqual(paths, []);
});

test('a saved model folder records its training paths without the absolute part', async () => {
  const { saveTinyModel } = await import('./predict-fixtures.js');
  const { loadModelFolder, saveModelFolder } = await import('../src/model/folder.js');
  const source = await loadModelFolder(await saveTinyModel());
  const dir = join(await tempDir(), 'model');
  const training = { data: join(REPO_ROOT, '..', 'elsewhere', 'fer2013'), config: { out: join(process.cwd(), 'runs', 'x') } };
  await saveModelFolder(dir, source.model, { ...source.meta, training });
  source.model.dispose();
  const saved = JSON.parse(await readFile(join(dir, 'emoscope.json'), 'utf8')) as { training: typeof training };
  assert.deepEqual(saved.training, { data: 'elsewhere/fer2013', config: { out: 'runs/x' } });
});

test('predict --jsonl <word>: a folder, a name ending in / or an image is an input; a file name, -, --jsonl=<word> and words after -- are left as written', async () => {
  const dir = await tempDir();
  assert.deepEqual([dir, 'new/', 'IMG_1.JPG', 'a.webp', 'faces.jsonl', join(dir, 'missing'), '-'].map((w) => isPhotoArgument(w)), [true, true, true, true, false, false, false]);
  assert.deepEqual(readJsonlValue(['--jsonl', dir, 'b.jpg']), { args: ['--jsonl=-', dir, 'b.jpg'], taken: undefined });
  assert.deepEqual(readJsonlValue(['a.jpg', '--jsonl', 'faces.jsonl']), { args: ['a.jpg', '--jsonl', 'faces.jsonl'], taken: 'faces.jsonl' });
  assert.deepEqual(readJsonlValue(['a.jpg', '--jsonl', '-']).args, ['a.jpg', '--jsonl', '-']);
  assert.deepEqual(readJsonlValue(['a.jpg', '--jsonl', '--json', 'x.json']), { args: ['a.jpg', '--jsonl', '--json', 'x.json'], taken: undefined }, 'no value: stdout');
  assert.deepEqual(readJsonlValue([`--jsonl=${dir}`, 'a.jpg']).args, [`--jsonl=${dir}`, 'a.jpg'], 'with =, the user said it is the file (then refused as a folder)');
  assert.deepEqual(readJsonlValue(['--', '--jsonl', 'b.jpg']).args, ['--', '--jsonl', 'b.jpg']);
});

test('charts replace only their own files: a user\'s picture named like one is refused before the evaluation, and left as it was', async () => {
  const dir = await tempDir();
  const out = join(dir, 'charts');
  const evaluate = (extra: string[] = []) => run(process.execPath, [join(REPO_ROOT, 'bin', 'emoscope.js'), 'evaluate', '--data', join(REPO_ROOT, 'test', 'fixtures', 'fer2013'), '--split', 'val', '--out', out, ...extra])
    .then(({ stdout }) => ({ code: 0, stdout, stderr: '' }), (e: { code: number; stdout: string; stderr: string }) => e);
  const first = await evaluate();
  assert.equal(first.code, 0, first.stderr);
  assert.match(await readFile(join(out, 'per-class.svg'), 'utf8'), /^<!-- emoscope: .* -->\n<svg /);
  assert.ok(await hasOutputMark(join(out, 'per-class.png')));
  const again = await evaluate(); // its own charts are replaced
  assert.equal(again.code, 0, again.stderr);

  const mine = await readFile(join(REPO_ROOT, 'test', 'fixtures', 'photos', 'single.jpg'));
  await writeFile(join(out, 'per-class.png'), mine);
  const refused = await evaluate(['--json', join(dir, 'eval.json')]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Cannot write .*per-class\.png: a file of that name is there and emoscope did not write it/);
  assert.deepEqual(await readFile(join(out, 'per-class.png')), mine);
  assert.equal(existsSync(join(dir, 'eval.json')), false, 'refused before the evaluation: nothing written');

  // an SVG of the user's is refused too; a Vega chart written before charts carried the mark is emoscope's
  await writeFile(join(out, 'per-class.png'), await readFile(join(out, 'confusion-matrix.png')));
  await writeFile(join(out, 'reliability.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  assert.match((await evaluate()).stderr, /reliability\.svg: a file of that name is there/);
  await writeFile(join(out, 'reliability.svg'), '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="marks" width="5" height="5"></svg>');
  assert.equal((await evaluate()).code, 0);
});

test('no output is written into the model or run being read: its model.json, config.json and history.json stay', async () => {
  const dir = await tempDir();
  const runDir = join(dir, 'run');
  await train({ data: join(REPO_ROOT, 'test', 'fixtures', 'fer2013'), model: 'tiny', out: runDir, epochs: 1, callbacks: {} });
  const cli = (args: string[]) => run(process.execPath, [join(REPO_ROOT, 'bin', 'emoscope.js'), ...args])
    .then(({ stdout }) => ({ code: 0, stdout, stderr: '' }), (e: { code: number; stdout: string; stderr: string }) => e);
  const files = ['config.json', 'history.json', 'best/model.json'];
  const before = await Promise.all(files.map((f) => readFile(join(runDir, f))));
  const photo = join(REPO_ROOT, 'test', 'fixtures', 'photos', 'single.jpg');
  const data = join(REPO_ROOT, 'test', 'fixtures', 'fer2013');
  for (const args of [
    ['predict', photo, '--model', join(runDir, 'best'), '--json', join(runDir, 'best', 'model.json')],
    ['predict', photo, '--model', runDir, '--out', join(runDir, 'best')],
    ['evaluate', '--model', runDir, '--data', data, '--json', join(runDir, 'config.json')],
    ['evaluate', '--model', join(runDir, 'best'), '--data', data, '--json', join(runDir, 'history.json')],
    ['report', runDir, '--out', join(runDir, 'history.json')],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /Cannot write --(json|out) .*: it is inside .*run(\/best)?, the model or run this command reads/, args.join(' '));
  }
  assert.deepEqual(await Promise.all(files.map((f) => readFile(join(runDir, f)))), before);
  const page = await cli(['report', runDir, '--out', join(runDir, 'mine.html')]); // a page of its own beside the run's files is fine
  assert.equal(page.code, 0, page.stderr);
});
