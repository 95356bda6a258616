// `emoscope video` as a user runs it: the JSON's exact shape (stdout or --json), one CSV row per
// face per analysed frame, the annotated video with every frame, a timeline chart per track; a
// bad file reported in its entry while the others go on (exit 1); no ffmpeg on the PATH.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { CLI, tempDir } from './helpers/paths.js';
import { saveTinyModel } from './predict-fixtures.js';
import { VIDEO_CSV_HEADER } from '../src/video/csv-output.js';
import type { VideoResult } from '../src/video/types.js';
import { ffprobeFrames, makeClips, makeLongClip, writePreviousVideo } from './video-fixtures.js';
import type { Clips } from './video-fixtures.js';
import { runCli } from './helpers/cli.js';
import { videoHasOutputMark } from '../src/video/output-mark.js';

const emoscope = (args: string[], env?: NodeJS.ProcessEnv) => runCli(args, { env });

let model: string;
let clips: Clips;
before(async () => {
  [model, clips] = await Promise.all([saveTinyModel(), makeClips()]);
});

test('two videos and a text file: exact JSON shape, CSV rows, annotated video with every frame, a chart per track, exit 1', async () => {
  const dir = await tempDir();
  const out = join(dir, 'out');
  const csvPath = join(dir, 'faces.csv');
  const { code, stdout, stderr } = await emoscope(['video', clips.scenes, clips.text, clips.rotated, '--model', model, '--csv', csvPath, '--out', out, '--sample-fps', '5']);
  assert.equal(code, 1, stderr);
  const results = JSON.parse(stdout) as VideoResult[];
  assert.deepEqual(results.map((r) => r.file), [clips.scenes, clips.text, clips.rotated]);
  const [scenes, text, rotated] = results as [VideoResult, VideoResult, VideoResult];
  assert.deepEqual(Object.keys(scenes), ['file', 'width', 'height', 'fps', 'duration', 'frames', 'tracks']);
  assert.deepEqual([scenes.width, scenes.height, scenes.fps, scenes.duration], [320, 224, 10, 3]);
  assert.deepEqual(Object.keys(scenes.frames[0]!), ['index', 'time', 'faces']);
  assert.deepEqual(Object.keys(scenes.frames[0]!.faces[0]!), ['track', 'box', 'score', 'emotion', 'scores']);
  assert.deepEqual(Object.keys(scenes.tracks[0]!), ['track', 'start', 'end', 'emotion', 'scores', 'segments']);
  assert.deepEqual(Object.keys(scenes.tracks[0]!.segments[0]!), ['start', 'end', 'emotion']);
  assert.equal(scenes.frames.length, 15);
  assert.deepEqual(scenes.tracks.map((t) => t.track), [1, 2, 3]);
  assert.deepEqual([rotated.width, rotated.height, rotated.frames.length, rotated.tracks.length], [320, 224, 15, 3]);
  // the rotated clip's boxes are where the upright clip's are
  rotated.frames[0]!.faces.forEach((f, i) => assert.ok(Math.abs(f.box.x - scenes.frames[0]!.faces[i]!.box.x) <= 6 && Math.abs(f.box.y - scenes.frames[0]!.faces[i]!.box.y) <= 6, JSON.stringify([f.box, scenes.frames[0]!.faces[i]!.box])));
  assert.equal(text.errorCode, 'BAD_VIDEO');
  assert.match(text.error!, /notes\.mp4: not a video ffmpeg can read/);
  assert.deepEqual([text.frames, text.tracks, text.width], [[], [], 0]);
  assert.match(stderr, /notes\.mp4: not a video/);

  const csv = (await readFile(csvPath, 'utf8')).trim().split('\n');
  assert.equal(csv[0], VIDEO_CSV_HEADER.join(','));
  const faces = [scenes, rotated].flatMap((r) => r.frames.flatMap((f) => f.faces));
  assert.equal(csv.length, 1 + faces.length + 1, 'header, a row per face per analysed frame, the text file\'s error');
  const row = csv[1]!.split(',');
  const first = scenes.frames[0]!;
  assert.deepEqual(row.slice(0, 10), [clips.scenes, String(first.index), String(first.time), String(first.faces[0]!.track), ...Object.values(first.faces[0]!.box).map(String), String(first.faces[0]!.score), first.faces[0]!.emotion]);
  assert.match(csv.find((l) => l.includes('notes.mp4'))!, /not a video/);

  const files = (await readdir(out)).sort();
  assert.deepEqual(files, [
    'rotated.annotated.mp4', 'rotated.track1.png', 'rotated.track1.svg', 'rotated.track2.png', 'rotated.track2.svg', 'rotated.track3.png', 'rotated.track3.svg',
    'scenes.annotated.mp4', 'scenes.track1.png', 'scenes.track1.svg', 'scenes.track2.png', 'scenes.track2.svg', 'scenes.track3.png', 'scenes.track3.svg',
  ]);
  const annotated = await ffprobeFrames(join(out, 'scenes.annotated.mp4'));
  assert.equal(annotated.count, 30, 'every frame, not only the analysed ones');
  const chart = await sharp(join(out, 'scenes.track1.png')).metadata();
  assert.equal(chart.format, 'png');
  assert.match(await readFile(join(out, 'scenes.track1.svg'), 'utf8'), /^<!-- emoscope: [^\n]* -->\n<svg/);
  assert.equal(await videoHasOutputMark(join(out, 'scenes.annotated.mp4')), true, 'the annotated video is marked as emoscope\'s');
});

test('--json writes the file, stdout stays empty; every frame by default, at its real time (variable frame rate)', async () => {
  const dir = await tempDir();
  const json = join(dir, 'results', 'video.json');
  const { code, stdout } = await emoscope(['video', clips.vfr, '--model', model, '--json', json, '--smooth', '0']);
  assert.equal(code, 0);
  assert.equal(stdout, '');
  assert.deepEqual(await readdir(join(dir, 'results')), ['video.json'], 'written through video.partial.json, renamed into place');
  const [result] = JSON.parse(await readFile(json, 'utf8')) as VideoResult[];
  const expected = await ffprobeFrames(clips.vfr);
  assert.deepEqual(result!.frames.map((f) => f.time), expected.times, 'every frame at its real time');
  assert.equal(result!.frames.length, expected.count);

  // --sample-fps 2: the first frame of each half second, with its index and time in the source video
  const sampledJson = join(dir, 'sampled.json');
  assert.equal((await emoscope(['video', clips.vfr, '--model', model, '--json', sampledJson, '--sample-fps', '2'])).code, 0);
  const [sampled] = JSON.parse(await readFile(sampledJson, 'utf8')) as VideoResult[];
  const spans = expected.times.map((t) => Math.floor(t * 2 + 1e-6));
  const wanted = spans.flatMap((s, i) => (i === 0 || s > spans[i - 1]! ? [i] : []));
  assert.deepEqual(sampled!.frames.map((f) => [f.index, f.time]), wanted.map((i) => [i, expected.times[i]]));
  assert.ok(wanted.length < expected.count / 2 && wanted.includes(12) && !wanted.includes(11), wanted.join()); // 1.3 s shares 1.0 s's half second, 1.6 s starts one
});

test('Ctrl-C: stops after the frame in progress; the results so far are in out.partial.json, .csv and long.annotated.partial.mp4, the previous files stay; exit 130', async () => {
  const [dir, long] = await Promise.all([tempDir(), makeLongClip()]);
  const json = join(dir, 'out.json');
  const csvPath = join(dir, 'out.csv');
  const annotatedDir = join(dir, 'annotated');
  await writeFile(json, 'the previous run\'s results\n');
  await writeFile(csvPath, 'the previous rows\n');
  await mkdir(annotatedDir);
  const previous = await writePreviousVideo(join(annotatedDir, 'long.annotated.mp4'), true);
  // its own process group, signalled as a whole as a terminal's Ctrl-C is: ffmpeg gets the SIGINT too
  const child = spawn(process.execPath, [CLI, 'video', long, '--model', model, '--json', json, '--csv', csvPath, '--out', annotatedDir], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (text: Buffer) => { stderr += text.toString(); });
  let ended = false;
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => { ended = true; resolve(code); }));
  // wait for the first frames to be written (a line each), then interrupt
  const framesIn = async (name: string) => ((await readFile(join(dir, name), 'utf8').catch(() => '')).match(/"index"/g) ?? []).length;
  const framesWritten = async () => Math.max(await framesIn('out.partial.json'), await framesIn('out.json'));
  try {
    while (!ended && (await framesWritten()) < 3) await new Promise((r) => setTimeout(r, 50));
    assert.equal(ended, false, `the run ended before it was interrupted: ${stderr}`);
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exit, 130, stderr);
  } finally {
    if (!ended) process.kill(-child.pid!, 'SIGKILL');
  }
  assert.equal(await readFile(json, 'utf8'), 'the previous run\'s results\n', 'the target is not replaced by a cut-off run');
  assert.equal(await readFile(csvPath, 'utf8'), 'the previous rows\n');
  const [partial] = JSON.parse(await readFile(join(dir, 'out.partial.json'), 'utf8')) as VideoResult[];
  assert.ok(partial!.frames.length >= 3 && partial!.frames.length < 15000, `${partial!.frames.length} frames`);
  assert.deepEqual(partial!.frames.map((f) => f.index), partial!.frames.map((_, i) => i), 'every frame up to the interruption');
  assert.match(partial!.error!, /long\.mp4: interrupted after \d+ analysed frames/);
  assert.equal(partial!.errorCode, 'INTERRUPTED', 'a code from the catalogue, as every other failure has');
  const rows = (await readFile(join(dir, 'out.partial.csv'), 'utf8')).trim().split('\n');
  assert.deepEqual([rows.length, rows[0]], [2, VIDEO_CSV_HEADER.join(',')]); // no face in it: the header and the interruption's row
  assert.match(rows[1]!, /interrupted/);
  assert.deepEqual(await readFile(join(annotatedDir, 'long.annotated.mp4')), previous, 'nor the annotated video');
  assert.deepEqual((await readdir(annotatedDir)).sort(), ['long.annotated.mp4', 'long.annotated.partial.mp4']);
  const kept = await ffprobeFrames(join(annotatedDir, 'long.annotated.partial.mp4'));
  assert.ok(kept.count >= partial!.frames.length, `the partial annotated video plays its ${kept.count} frames`);
  assert.match(stderr, /the results so far are in .*out\.partial\.json, .*out\.partial\.csv and .*long\.annotated\.partial\.mp4 \(.*out\.json, .*out\.csv and .*long\.annotated\.mp4 left as they were\)/);
});

test('a truncated video keeps the frames that decoded and reports BAD_VIDEO; an empty file and a zero-length video are errors too', async () => {
  const { code, stdout, stderr } = await emoscope(['video', clips.truncated, clips.empty, clips.zero, '--model', model]);
  assert.equal(code, 1);
  const [truncated, empty, zero] = JSON.parse(stdout) as VideoResult[];
  assert.ok(truncated!.frames.length > 0 && truncated!.tracks.length > 0);
  assert.equal(truncated!.errorCode, 'BAD_VIDEO');
  assert.match(truncated!.error!, /damaged or truncated video: \d+ frames decoded/);
  assert.equal(empty!.errorCode, 'BAD_VIDEO');
  assert.match(empty!.error!, /empty file/);
  assert.equal(zero!.errorCode, 'BAD_VIDEO');
  assert.match(zero!.error!, /zero length/);
  assert.match(stderr, /truncated\.mkv: damaged or truncated/);
});

test('without ffmpeg on the PATH: UNAVAILABLE for each file, the message names the Debian package', async () => {
  const dir = await tempDir();
  const { code, stdout, stderr } = await emoscope(['video', clips.scenes, '--model', model, '--json', join(dir, 'r.json')], { ...process.env, PATH: dirname(dir) + '/nowhere' });
  assert.equal(code, 1);
  assert.equal(stdout, '');
  const [result] = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as VideoResult[];
  assert.equal(result!.errorCode, 'UNAVAILABLE');
  assert.match(result!.error!, /ffprobe was not found on the PATH.*install the Debian package "ffmpeg"/);
  assert.match(stderr, /apt-get install -y ffmpeg/);
});

test('bad flags and unwritable outputs fail before any work', async () => {
  const bad = await emoscope(['video', clips.scenes, '--sample-fps', '0']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--sample-fps/);
  const unwritable = await emoscope(['video', clips.scenes, '--model', model, '--json', `${clips.empty}/x.json`]);
  assert.equal(unwritable.code, 1);
  assert.match(unwritable.stderr, /Cannot write --json .*x\.json: .*empty\.mp4 is a file, not a folder/);
  const overInput = await emoscope(['video', clips.scenes, '--model', model, '--csv', clips.scenes]);
  assert.equal(overInput.code, 1);
  assert.match(overInput.stderr, /Cannot write --csv .*scenes\.mp4: it is one of the inputs/);
});

test('--out holding a user\'s video or picture of an output\'s name: refused before any video is read, nothing written; emoscope\'s own are replaced', async () => {
  const dir = await tempDir();
  const out = join(dir, 'out');
  await mkdir(out);
  const mine = await writePreviousVideo(join(out, 'scenes.annotated.mp4'), false);
  const video = await emoscope(['video', clips.rotated, clips.scenes, '--model', model, '--out', out, '--json', join(dir, 'r.json')]);
  assert.equal(video.code, 1);
  assert.match(video.stderr, /Cannot write .*scenes\.annotated\.mp4: a file of that name is there and emoscope did not write it/);
  assert.deepEqual(await readdir(dir), ['out'], 'no --json, not even a partial one: no video was read');
  assert.deepEqual(await readdir(out), ['scenes.annotated.mp4']);
  assert.deepEqual(await readFile(join(out, 'scenes.annotated.mp4')), mine);

  await writePreviousVideo(join(out, 'scenes.annotated.mp4'), true); // now an earlier run's: replaced
  const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } }).png().toBuffer();
  await writeFile(join(out, 'scenes.track2.png'), photo); // a user's picture with a chart's name
  const chart = await emoscope(['video', clips.scenes, '--model', model, '--out', out]);
  assert.equal(chart.code, 1);
  assert.match(chart.stderr, /Cannot write .*scenes\.track2\.png: a file of that name is there and emoscope did not write it/);
  assert.equal(chart.stdout, '');
  assert.deepEqual(await readFile(join(out, 'scenes.track2.png')), photo);
});

test('- is stdout: --json - as the default, --csv - beside a --json file; never a file named "-"; --json and --csv onto one file refused', async () => {
  const dir = await tempDir();
  const run = async (...flags: string[]) => {
    const r = await runCli(['video', clips.scenes, '--model', model, '--sample-fps', '1', ...flags], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const json = await run('--json', '-');
  assert.equal((JSON.parse(json.stdout) as unknown[]).length, 1);
  const csv = await run('--csv', '-', '--json', 'r.json');
  assert.match(csv.stdout, /^file,frame,time,track,/);
  assert.equal((JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as unknown[]).length, 1);
  assert.deepEqual((await readdir(dir)).sort(), ['r.json'], 'no file named -');
  const both = await emoscope(['video', clips.scenes, '--model', model, '--csv', '-']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /at most one output on stdout .*--csv - while the JSON goes to stdout too/);
  const same = await emoscope(['video', clips.scenes, '--model', model, '--json', join(dir, 's.out'), '--csv', join(dir, 's.out')]);
  assert.equal(same.code, 1);
  assert.match(same.stderr, /Cannot write --csv .*s\.out: --json names the same file/);
  assert.deepEqual((await readdir(dir)).sort(), ['r.json']);
});

test('a reader that closes stdout early (| head -1) ends the run in words, exit 1, not with a stack trace; with --out too (ffmpeg is stopped, nothing waits)', async () => {
  const out = join(await tempDir(), 'out');
  for (const extra of [[], ['--out', out]]) {
    await closedEarly(extra);
  }
});

async function closedEarly(extra: string[]): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'video', clips.scenes, '--model', model, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000); // a run that hangs fails instead of holding the suite
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  // closed once frames come: the annotated video (with --out) is being written then
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    if (seen.includes('"index":1,')) child.stdout.destroy();
  });
  const [code] = (await once(child, 'close')) as [number];
  clearTimeout(timer);
  assert.equal(code, 1, `${extra.join(' ')}: ${stderr}`);
  assert.match(stderr, /emoscope: stdout was closed by its reader before the results were complete \(EPIPE\)/);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('the partial names outputs are written through are outputs too: a user\'s file there, an input of that name, or another output on it is refused before any work', async () => {
  const dir = await tempDir();
  const out = join(dir, 'out');
  await mkdir(out);
  const mine = await writePreviousVideo(join(out, 'scenes.annotated.partial.mp4'), false);
  await writeFile(join(dir, 'r.partial.json'), 'my notes\n');
  await writeFile(join(dir, 'r.partial.csv'), 'a,b\n1,2\n');
  const cases: Array<[string[], RegExp]> = [
    [['--out', out], /Cannot write .*scenes\.annotated\.partial\.mp4: a file of that name is there and emoscope did not write it/],
    [['--json', join(dir, 'r.json')], /Cannot write --json .*r\.json: it is written through .*r\.partial\.json, and a file of that name is there that emoscope did not write/],
    [['--json', join(dir, 'ok.json'), '--csv', join(dir, 'r.csv')], /Cannot write --csv .*r\.csv: it is written through .*r\.partial\.csv/],
    [['--json', join(dir, 'x.partial.csv'), '--csv', join(dir, 'x.csv')], /Cannot write --csv \(through its partial file\) .*x\.partial\.csv: --json names the same file/],
  ];
  for (const [flags, message] of cases) {
    const r = await emoscope(['video', clips.scenes, '--model', model, ...flags]);
    assert.equal(r.code, 1, flags.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
  // an input video whose name is the partial name of --json
  const take = join(dir, 'take.partial.mp4');
  await copyFile(clips.scenes, take);
  const input = await emoscope(['video', take, '--model', model, '--json', join(dir, 'take.mp4')]);
  assert.equal(input.code, 1);
  assert.match(input.stderr, /Cannot write --json \(through its partial file\) .*take\.partial\.mp4: it is one of the inputs/);
  assert.deepEqual(await readFile(take), await readFile(clips.scenes));
  assert.deepEqual(await readFile(join(out, 'scenes.annotated.partial.mp4')), mine);
  assert.equal(await readFile(join(dir, 'r.partial.json'), 'utf8'), 'my notes\n');
  // emoscope's own partial files, left by a run cut short, are written over as before
  await writeFile(join(dir, 'r.partial.json'), '[\n  {"file":"scenes.mp4","width":320');
  assert.equal((await emoscope(['video', clips.scenes, '--model', model, '--sample-fps', '1', '--json', join(dir, 'r.json')])).code, 0);
  assert.equal((JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as unknown[]).length, 1);
});

test('a video whose name starts with "-" gets its annotated copy in --out (not taken for an ffmpeg option)', async () => {
  const dir = await tempDir();
  await copyFile(clips.scenes, join(dir, '-dash.mp4'));
  const r = await runCli(['video', '--model', model, '--sample-fps', '2', '--out', '.', '--', '-dash.mp4'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await readdir(dir)).includes('-dash.annotated.mp4'));
  assert.doesNotMatch(r.stderr, /MaxListenersExceeded/);
});

test('a video\'s name with control characters is printed escaped, never raw on the terminal', async () => {
  const dir = await tempDir();
  const child = spawn(process.execPath, [CLI, 'video', join(dir, 'no\x1b[31mred.mp4')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const [code] = await once(child, 'exit') as [number];
  assert.equal(code, 1);
  assert.match(stderr, /no\\x1b\[31mred\.mp4: no such file/);
  assert.ok(!stderr.includes('\x1b'), JSON.stringify(stderr));
});
