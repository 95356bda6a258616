// The annotated copy of a video: every frame with a box per face in its track's colour and a label
// ("2 happy 87%"), drawn as an SVG overlay composited by sharp (as for photos, vision/annotate.ts)
// and encoded by ffmpeg (H.264 in MP4) from raw frames on its stdin, with backpressure. The file is
// written as `<name>.partial.mp4` (as the --json and --csv files, sink.ts) and renamed into place
// when complete; a run cut short keeps it under that name and leaves a previous complete one alone.
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import sharp from 'sharp';
import { EmoscopeError } from '../errors.js';
import { ensureChartFonts } from '../charts/fonts.js';
import { ANNOTATION_COLORS, annotationSvg } from '../vision/annotate.js';
import type { RgbImage } from '../vision/image.js';
import { exited, lastLines, startProgram } from './ffmpeg.js';
import type { VideoInfo } from './probe.js';
import { VIDEO_MARK_ARGS, checkVideoReplaceable } from './output-mark.js';
import { partialPath } from './sink.js';
import type { VideoFace } from './types.js';

/** An annotated video being written. */
export interface AnnotatedVideoWriter {
  /** Draws `faces` on `image` and appends it as the next frame. */
  write(image: RgbImage, faces: readonly VideoFace[]): Promise<void>;
  /** Finishes the file and puts it in place (frames written so far make a playable video; none, no file). */
  close(): Promise<void>;
  /**
   * For a run cut short: finishes the file (a playable video of the frames so far) and leaves it
   * under its partial name, the target as it was; resolves to it (undefined when no frame was written).
   */
  keep(): Promise<string | undefined>;
}

/** The label drawn over a face: track id, emotion and its probability. */
export function faceLabel(face: VideoFace): string {
  return `${face.track} ${face.emotion} ${Math.round(face.scores[face.emotion] * 100)}%`;
}

/** The colour of a track's boxes (the same for the whole track). */
export function trackColour(track: number): string {
  return ANNOTATION_COLORS[(track - 1) % ANNOTATION_COLORS.length]!;
}

/** Starts ffmpeg writing `path` (MP4, H.264) from frames of `info`'s size at its frame rate. */
export async function openAnnotatedVideo(path: string, info: Pick<VideoInfo, 'width' | 'height' | 'fps'>): Promise<AnnotatedVideoWriter> {
  ensureChartFonts();
  const tmp = partialPath(path);
  const { width, height } = info;
  const child = await startProgram('ffmpeg', [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(info.fps > 0 ? info.fps : 25), '-i', 'pipe:0',
    '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', // H.264 in 4:2:0 needs even sides
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
    ...VIDEO_MARK_ARGS, // a later run may replace this file, and only a file with the mark
    '-f', 'mp4', resolve(tmp), // absolute: a name starting with "-" is not taken for an option
  ], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr = (stderr + s).slice(-4000); });
  const stdin = child.stdin as Writable;
  let broken: Error | undefined;
  let frames = 0;
  stdin.on('error', (error) => { broken = error; }); // EPIPE when ffmpeg died: reported by close()
  const exit = exited(child);
  const failed = (what: string) => new EmoscopeError('BAD_OUTPUT', `${path}: ffmpeg could not ${what} (${lastLines(stderr) || broken?.message || 'no message'})`);

  return {
    async write(image, faces) {
      if (broken) throw failed('encode the annotated video');
      let data: Uint8Array = image.data;
      if (faces.length > 0) {
        const svg = annotationSvg(width, height, faces.map((f) => ({ box: f.box, label: faceLabel(f), colour: trackColour(f.track) })));
        data = await sharp(image.data, { raw: { width, height, channels: 3 } }).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).removeAlpha().raw().toBuffer();
      }
      frames++;
      if (!stdin.write(data)) {
        // ffmpeg reads on, or has stopped: the listener of the one that did not happen is removed
        const stop = new AbortController();
        await Promise.race([once(stdin, 'drain', { signal: stop.signal }).catch(() => undefined), exit]);
        stop.abort();
      }
    },
    async close() {
      if (!(await finish())) return;
      await checkVideoReplaceable(path); // checked before the run too; a file put there meanwhile is not replaced either
      await rename(tmp, path);
    },
    async keep() {
      return (await finish()) ? tmp : undefined;
    },
  };

  /** Ends ffmpeg's input and waits for the file: true when it holds frames, false (and no file) when none. */
  async function finish(): Promise<boolean> {
    stdin.end();
    const code = await exit;
    if (frames === 0) {
      await rm(tmp, { force: true });
      return false;
    }
    if (code !== 0 || broken) {
      await rm(tmp, { force: true });
      throw failed('write the annotated video');
    }
    return true;
  }
}
