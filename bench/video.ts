// How fast emoscope follows emotions through a video, end to end (video file → tracks), against
// the photo pipeline on the same frames exported as JPEGs (what users of photo tools do today:
// `ffmpeg -i clip.mp4 frames/%05d.jpg`, then recognize each photo), in the same run.
//
//   npm run bench:video -- [--photos ../shared/photos/deepface] [--model models/default]
//     [--seconds 60] [--threads 1] [--json bench/results/video.json]
//
// The clip: `--seconds` of 1280×720 at 25 fps made by ffmpeg from 12 photos of --photos (5-s
// scenes, each panning slowly, one to six faces), cached in the temporary folder. Each
// configuration runs in its own process so that its peak RSS is its own: every frame and
// --sample-fps 5, as a video and as JPEGs (the export's time included). Both pipelines run the
// native kernels on --threads threads (default 1, the video's default: ffmpeg decodes on the other
// core; 2 is worth measuring on a quiet machine).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import sharp from 'sharp';
import { nativeAddon } from '../src/engine/native.js';
import { loadRecognizer } from '../src/predict/recognizer.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    // ../shared beside the checkout (or beside the folder of worktrees)
    photos: { type: 'string', default: [join(REPO, '..', 'shared'), join(REPO, '..', '..', 'shared')].map((d) => join(d, 'photos', 'deepface')).find(existsSync) },
    model: { type: 'string', default: join(REPO, 'models', 'default') },
    seconds: { type: 'string', default: '60' },
    threads: { type: 'string', default: '1' },
    json: { type: 'string' },
    child: { type: 'string' }, // internal: run one configuration and print its result as JSON
    clip: { type: 'string' },
  },
});

/** Photos of the clip's scenes, in order, all landscape: one, two or six faces each (emoscope predict on the originals). */
const SCENES = ['couple.jpg', 'img13.jpg', 'selfie-many-people.jpg', 'img38.jpg', 'img30.jpg', 'img41.jpg', 'img53.jpg', 'img22.jpg', 'img57.jpg', 'img4.jpg', 'img36.jpg', 'img55.jpg'];
const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 25;
const SAMPLE_FPS = 5;
/** the RSS "at 10 s" is the peak over the frames of the first 10 s of video */
const EARLY = 10;

type Config = 'video-all' | 'video-5fps' | 'photos-all' | 'photos-5fps';
const CONFIGS: Config[] = ['video-all', 'photos-all', 'video-5fps', 'photos-5fps'];

interface Row {
  config: Config;
  frames: number;
  faces: number;
  tracks: number;
  seconds: number;
  exportSeconds: number;
  framesPerSecond: number;
  realTime: number;
  rssAt10Mb: number;
  rssAtEndMb: number;
  /** CPU time per analysed frame: this process (all its threads) and its children (ffmpeg) */
  cpuMsPerFrame: number;
  ffmpegCpuMsPerFrame: number;
}

/** CPU seconds of the finished children of this process (ffmpeg), from /proc (0 where there is none). */
function childrenCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** Makes (or reuses) the benchmark clip; returns its path. */
async function makeClip(seconds: number): Promise<string> {
  const dir = join(tmpdir(), 'emoscope-bench-video');
  const clip = join(dir, `clip-${seconds}s.mp4`);
  if (existsSync(clip)) return clip;
  mkdirSync(dir, { recursive: true });
  const per = seconds / SCENES.length;
  const inputs: string[] = [];
  const chains: string[] = [];
  for (const [i, name] of SCENES.entries()) {
    const still = join(dir, `scene${i}.png`);
    // 5 % larger than the frame, so that the crop can pan across the difference
    await sharp(join(args.photos!, name)).autoOrient().resize(Math.round(WIDTH * 1.05), Math.round(HEIGHT * 1.05), { fit: 'cover' }).png().toFile(still);
    inputs.push('-loop', '1', '-framerate', String(FPS), '-t', String(per), '-i', still);
    chains.push(`[${i}]crop=${WIDTH}:${HEIGHT}:'(iw-${WIDTH})*t/${per}':'(ih-${HEIGHT})*t/${per}',setsar=1[s${i}]`);
  }
  const graph = `${chains.join(';')};${SCENES.map((_, i) => `[s${i}]`).join('')}concat=n=${SCENES.length}:v=1[v]`;
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...inputs, '-filter_complex', graph, '-map', '[v]', '-r', String(FPS), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', `${clip}.tmp.mp4`]);
  execFileSync('mv', [`${clip}.tmp.mp4`, clip]);
  return clip;
}

/** One configuration, in this process. */
async function runChild(config: Config, clip: string): Promise<Row> {
  const recognizer = await loadRecognizer({ model: existsSync(join(args.model!, 'emoscope.json')) ? args.model : undefined });
  const threads = Number(args.threads);
  nativeAddon()?.setThreads(threads);
  let rssAt10 = 0;
  let rssPeak = 0;
  const sample = (time: number) => {
    const rss = process.memoryUsage().rss;
    rssPeak = Math.max(rssPeak, rss);
    if (time <= EARLY) rssAt10 = Math.max(rssAt10, rss);
  };
  let frames = 0;
  let faces = 0;
  let tracks = 0;
  let exportSeconds = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const childrenStart = childrenCpuSeconds();
  if (config.startsWith('video')) {
    for await (const e of recognizer.recognizeVideo(clip, { sampleFps: config === 'video-5fps' ? SAMPLE_FPS : 0, threads })) {
      if (e.type === 'frame') {
        frames++;
        faces += e.frame.faces.length;
        sample(e.frame.time);
      } else if (e.type === 'track') tracks++;
    }
  } else {
    const dir = join(tmpdir(), `emoscope-bench-frames-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const exportStart = performance.now();
      const select = config === 'photos-5fps' ? ['-vf', `fps=${SAMPLE_FPS}`] : [];
      await promisify(execFile)('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', clip, ...select, '-q:v', '2', join(dir, '%05d.jpg')]);
      exportSeconds = (performance.now() - exportStart) / 1000;
      const files = readdirSync(dir).sort().map((f) => join(dir, f));
      const step = config === 'photos-5fps' ? 1 / SAMPLE_FPS : 1 / FPS;
      for await (const r of recognizer.recognizeEach(files)) {
        sample(frames * step);
        frames++;
        faces += r.faces.length;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const childrenCpu = childrenCpuSeconds() - childrenStart;
  const videoSeconds = Number(args.seconds);
  recognizer.dispose();
  return {
    config, frames, faces, tracks,
    seconds: round(seconds, 1),
    exportSeconds: round(exportSeconds, 1),
    framesPerSecond: round(frames / seconds, 1),
    realTime: round(videoSeconds / seconds, 2),
    rssAt10Mb: Math.round(rssAt10 / 2 ** 20),
    rssAtEndMb: Math.round(rssPeak / 2 ** 20),
    cpuMsPerFrame: round((cpu.user + cpu.system) / 1000 / frames, 1),
    ffmpegCpuMsPerFrame: round((childrenCpu * 1000) / frames, 1),
  };
}

function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

async function main(): Promise<void> {
  if (args.child) {
    process.stdout.write(`${JSON.stringify(await runChild(args.child as Config, args.clip!))}\n`);
    return;
  }
  const seconds = Number(args.seconds);
  const clip = await makeClip(seconds);
  const load = loadavg()[0]!.toFixed(1);
  process.stderr.write(`clip ${clip}: ${seconds} s, ${WIDTH}×${HEIGHT}, ${FPS} fps; ${cpus().length} cores, native kernels on ${args.threads} thread(s), load average ${load}\n`);
  const rows: Row[] = [];
  for (const config of CONFIGS) {
    const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), '--child', config, '--clip', clip, '--seconds', String(seconds), '--model', args.model!, '--threads', args.threads!], { maxBuffer: 1 << 20 });
    const row = JSON.parse(stdout.trim().split('\n').at(-1)!) as Row;
    rows.push(row);
    process.stderr.write(`${config}: ${row.frames} frames in ${row.seconds} s\n`);
  }
  const lines = [
    '| pipeline | frames analysed | faces | seconds (JPEG export) | frames/s | × real time | CPU ms/frame: emoscope + ffmpeg | peak RSS at 10 s | peak RSS at end |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${label(r.config)} | ${r.frames} | ${r.faces} | ${r.seconds}${r.exportSeconds ? ` (${r.exportSeconds})` : ''} | ${r.framesPerSecond} | ${r.realTime} | ${r.cpuMsPerFrame} + ${r.ffmpegCpuMsPerFrame} | ${r.rssAt10Mb} MB | ${r.rssAtEndMb} MB |`),
  ];
  const ratio = (v: Config, p: Config) => round(rows.find((r) => r.config === p)!.seconds / rows.find((r) => r.config === v)!.seconds, 2);
  lines.push('', `video ÷ JPEG frames, time: every frame ${ratio('video-all', 'photos-all')}× faster, ${SAMPLE_FPS} fps ${ratio('video-5fps', 'photos-5fps')}× faster; load average ${load} → ${loadavg()[0]!.toFixed(1)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.json) await writeFile(args.json, `${JSON.stringify({ clip: { seconds, width: WIDTH, height: HEIGHT, fps: FPS, scenes: SCENES }, cores: cpus().length, threads: Number(args.threads), loadBefore: Number(load), loadAfter: loadavg()[0], rows }, null, 2)}\n`);
}

function label(config: Config): string {
  return {
    'video-all': '`emoscope video`, every frame',
    'photos-all': 'JPEG frames + photo pipeline, every frame',
    'video-5fps': `\`emoscope video --sample-fps ${SAMPLE_FPS}\``,
    'photos-5fps': `JPEG frames at ${SAMPLE_FPS} fps + photo pipeline`,
  }[config];
}

await main();
