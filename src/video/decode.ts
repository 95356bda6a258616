// Frames out of ffmpeg: upright RGB through a pipe (no temporary files), each with its real
// timestamp. ffmpeg decodes on its own core while the caller classifies; a bounded queue of
// `ahead` frames lets it run ahead, and the pipe is paused when the queue is full (backpressure),
// so memory does not grow with the video. Timestamps come from ffmpeg's `showinfo` filter on
// stderr (one line per frame, in output order), so variable frame rates keep their real times.
// ffmpeg rotates frames by the stream's rotation metadata itself (autorotate).
import type { Readable } from 'node:stream';
import { EmoscopeError } from '../errors.js';
import type { RgbImage } from '../vision/image.js';
import { exited, lastLines, startProgram } from './ffmpeg.js';
import type { VideoInfo } from './probe.js';

/** One decoded frame. */
export interface DecodedFrame {
  /** 0-based position among the video's frames */
  index: number;
  /** seconds from the start of the video (the frame's presentation time) */
  time: number;
  /** upright RGB pixels, width × height of the VideoInfo */
  image: RgbImage;
}

export interface DecodeOptions {
  /** frames decoded ahead of the consumer (each width × height × 3 bytes); default 4 */
  ahead?: number;
}

/** `[Parsed_showinfo_0 @ 0x…] [info] n:  12 pts:  12288 pts_time:1.2  …` */
const SHOWINFO = /\[Parsed_showinfo[^\]]*\] (?:\[info\] )?n:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+)/;
/** ffmpeg's own error lines (with `-loglevel level+info` every line carries its level). */
const ERROR_LINE = /\[(error|fatal|panic)\]/;

/**
 * Decodes every frame of `path` in presentation order. After the last frame, throws BAD_VIDEO if
 * ffmpeg met damaged data or stopped early (the frames already yielded stay valid), and
 * UNAVAILABLE if ffmpeg is not installed. Stopping the iteration early stops ffmpeg.
 */
export async function* decodeFrames(path: string, info: VideoInfo, options: DecodeOptions = {}): AsyncGenerator<DecodedFrame> {
  const ahead = Math.max(1, options.ahead ?? 4);
  const { width, height } = info;
  const frameBytes = width * height * 3;
  const child = await startProgram('ffmpeg', [
    '-hide_banner', '-nostats', '-nostdin', '-loglevel', 'level+info',
    '-i', path,
    '-map', '0:v:0',
    '-vf', 'showinfo=checksum=0',
    '-fps_mode', 'passthrough', // one output frame per decoded frame: none duplicated or dropped (VFR)
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ]);
  const stdout = child.stdout as Readable;
  const times: number[] = [];
  const frames: Buffer[] = [];
  const errors: string[] = [];
  let stderrTail = '';
  let stdoutDone = false;
  let stderrDone = false;
  let wake: (() => void) | undefined;
  const notify = () => { const w = wake; wake = undefined; w?.(); };

  // stderr: one timestamp per frame; error lines kept for the message. Never paused (small).
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) times.push(Number(m[3]));
      else if (ERROR_LINE.test(line) && errors.length < 20) errors.push(line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\] /, '').replace(ERROR_LINE, '').trim());
      else if (!line.includes('[Parsed_showinfo')) stderrTail = `${stderrTail}\n${line}`.slice(-2000);
    }
    notify();
  });
  child.stderr!.on('end', () => { stderrDone = true; notify(); });

  // stdout: raw frames cut at frameBytes; paused while `ahead` frames wait for the consumer.
  let current = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  stdout.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(current, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === frameBytes) {
        frames.push(current);
        current = Buffer.allocUnsafe(frameBytes);
        filled = 0;
      }
    }
    if (frames.length >= ahead) stdout.pause();
    notify();
  });
  stdout.on('end', () => { stdoutDone = true; notify(); });
  const exit = exited(child);

  let index = 0;
  let finished = false;
  try {
    for (;;) {
      if (frames.length > 0 && (times.length > 0 || stderrDone)) {
        const data = frames.shift()!;
        if (frames.length < ahead && stdout.isPaused()) stdout.resume();
        const pts = times.shift();
        const time = pts !== undefined && Number.isFinite(pts) ? pts : info.fps > 0 ? index / info.fps : index;
        yield { index, time: Math.round(time * 1e6) / 1e6, image: { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height } };
        index++;
        continue;
      }
      if (stdoutDone && frames.length === 0) break;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
    const code = await exit;
    finished = true;
    if (code !== 0 || errors.length > 0) {
      const why = errors.length > 0 ? errors.slice(0, 2).join('; ') : lastLines(stderrTail) || `ffmpeg exited with ${code}`;
      throw new EmoscopeError('BAD_VIDEO', `${path}: damaged or truncated video: ${index} frame${index === 1 ? '' : 's'} decoded, then ffmpeg reported: ${why}`);
    }
    if (index === 0) throw new EmoscopeError('BAD_VIDEO', `${path}: no frame could be decoded (a video of zero length?)`);
  } finally {
    if (!finished) {
      child.kill('SIGKILL'); // the consumer stopped early (or failed): ffmpeg has nothing left to do
      await exit;
    }
  }
}
