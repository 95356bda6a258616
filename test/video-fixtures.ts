// Video clips for the video tests, made by ffmpeg at test time from the fixture photos (nothing
// committed): a 320×224 clip at 10 fps of couple.jpg panning for 2 s (two people) then a cut to
// single.jpg for 1 s, and variants of it: variable frame rate, rotated by metadata, truncated.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { writeFile, readFile } from 'node:fs/promises';
import { COUPLE, SINGLE } from './predict-fixtures.js';
import { tempDir } from './helpers/paths.js';
import { VIDEO_OUTPUT_MARK } from '../src/video/output-mark.js';

const run = promisify(execFile);

async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** Frames of the scenes clip: 20 of couple.jpg (0–1.9 s), then 10 of single.jpg (2.0–2.9 s). */
export const SCENE_FRAMES = { first: 20, second: 10, fps: 10, cutAt: 2 };

export interface Clips {
  dir: string;
  /** two people panning slowly for 2 s, a cut, one person for 1 s; 320×224, 10 fps, H.264 MP4 */
  scenes: string;
  /** the same frames at variable times: 0.1 s apart for the first 10, then 0.3 s apart (MKV) */
  vfr: string;
  /** the scenes clip stored sideways (224×320) with rotation metadata that turns it upright */
  rotated: string;
  /** the scenes clip as MKV, cut off after half its bytes */
  truncated: string;
  /** a text file named .mp4 */
  text: string;
  /** 0 bytes */
  empty: string;
  /** an MP4 with no frames */
  zero: string;
  /** one second of a tone, sound only (AAC in M4A) */
  audio: string;
  /** a text file named .png */
  fakePicture: string;
  /** the tone with a cover picture (single.jpg), which ffprobe lists as a video stream of one picture */
  coverArt: string;
}

let made: Promise<Clips> | undefined;

/** Makes the clips once per test process (about a second). */
export function makeClips(): Promise<Clips> {
  made ??= (async () => {
    const dir = await tempDir('emoscope-video-');
    const c: Clips = {
      dir,
      scenes: join(dir, 'scenes.mp4'),
      vfr: join(dir, 'vfr.mkv'),
      rotated: join(dir, 'rotated.mp4'),
      truncated: join(dir, 'truncated.mkv'),
      text: join(dir, 'notes.mp4'),
      empty: join(dir, 'empty.mp4'),
      zero: join(dir, 'zero.mp4'),
      audio: join(dir, 'tone.m4a'),
      fakePicture: join(dir, 'notes.png'),
      coverArt: join(dir, 'song.m4a'),
    };
    await ffmpeg([
      '-loop', '1', '-framerate', '10', '-t', '2', '-i', COUPLE, '-loop', '1', '-framerate', '10', '-t', '1', '-i', SINGLE,
      '-filter_complex', "[0]scale=352:246,crop=320:224:'4+8*t':10,setsar=1[a];[1]scale=320:-2,crop=320:224,setsar=1[b];[a][b]concat=n=2:v=1[v]",
      '-map', '[v]', '-r', '10', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', c.scenes,
    ]);
    const sideways = join(dir, 'sideways.mp4');
    await ffmpeg(['-i', c.scenes, '-vf', 'transpose=1', '-c:v', 'libx264', '-preset', 'ultrafast', sideways]);
    await ffmpeg(['-i', sideways, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', c.rotated]);
    await ffmpeg(['-i', c.scenes, '-vf', "setpts='if(lt(N,10),N*0.1,1+(N-10)*0.3)/TB'", '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'ultrafast', c.vfr]);
    const whole = join(dir, 'whole.mkv');
    await ffmpeg(['-i', c.scenes, '-c', 'copy', whole]);
    const bytes = await readFile(whole);
    await writeFile(c.truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await writeFile(c.text, 'this is not a video\n');
    await writeFile(c.empty, '');
    await ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=64x64:r=10', '-frames:v', '0', '-c:v', 'libx264', c.zero]);
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', c.audio]);
    await writeFile(c.fakePicture, 'this is not a picture\n');
    await ffmpeg(['-i', c.audio, '-i', SINGLE, '-map', '0:a', '-map', '1:v', '-c:a', 'copy', '-c:v', 'mjpeg', '-disposition:v:0', 'attached_pic', c.coverArt]);
    return c;
  })();
  return made;
}

let long: Promise<string> | undefined;

/**
 * Ten minutes of a plain gray 64×64 picture at 25 fps (15,000 frames, no face, ~200 kB, made in
 * about a second): a run over it is still going when a test interrupts it.
 */
export function makeLongClip(): Promise<string> {
  long ??= (async () => {
    const path = join((await makeClips()).dir, 'long.mp4');
    await ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=64x64:r=25', '-t', '600', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', path]);
    return path;
  })();
  return long;
}

/** What ffprobe counts, decoding every frame, and each frame's presentation time. */
export async function ffprobeFrames(path: string): Promise<{ count: number; times: number[] }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'csv=p=0', path]);
  const times = stdout.trim().split('\n').filter((l) => l !== '').map((l) => Number(l.split(',')[0]));
  const counted = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path]);
  return { count: Number(counted.stdout.trim()), times };
}

/**
 * Writes at `path` a 5-frame 32×32 MP4: with `marked`, an annotated video as an earlier emoscope run
 * left it (the container's comment is emoscope's mark), else a user's video. Resolves to its bytes.
 */
export async function writePreviousVideo(path: string, marked: boolean): Promise<Buffer> {
  const mark = marked ? ['-metadata', `comment=${VIDEO_OUTPUT_MARK}`] : ['-metadata', 'comment=my holiday'];
  await ffmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=32x32:r=5', '-frames:v', '5', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', ...mark, '-f', 'mp4', path]);
  return readFile(path);
}
