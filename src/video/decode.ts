// Frames out of ffmpeg: upright RGB through a pipe (no temporary files), each with its real index
// and timestamp. ffmpeg decodes on its own core while the caller classifies; a bounded queue of
// `ahead` frames lets it run ahead, and the pipe is paused when the queue is full (backpressure),
// so memory does not grow with the video. One ffmpeg filter graph does the rest:
//   showinfo (every decoded frame: its number and pts on stderr) → split →
//     scale to 16×9 (scene.ts's signature of every frame, on fd 3) and
//     select (with sampling, the frames not analysed are dropped before they are converted and
//     piped) → showinfo (the pts of each frame that is piped, to find its source frame) → fd 1.
// Times are pts × time base, exact for variable frame rates. ffmpeg rotates frames by the
// stream's rotation metadata itself (autorotate).
import type { Readable } from 'node:stream';
import { EmoscopeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import type { RgbImage } from '../vision/image.js';
import { exited, lastLines, startProgram } from './ffmpeg.js';
import type { VideoInfo } from './probe.js';
import { SIGNATURE_HEIGHT, SIGNATURE_WIDTH, signatureDistance, signatureOf } from './scene.js';

/** One decoded frame. */
export interface DecodedFrame {
  /** 0-based position among all the video's frames (also those that sampling drops) */
  index: number;
  /** seconds from the start of the video (the frame's presentation time) */
  time: number;
  /** upright RGB pixels, width × height of the VideoInfo */
  image: RgbImage;
  /**
   * the largest change of the coarse picture (scene.ts) between two consecutive frames of the video
   * from the previous frame yielded up to this one, 0..255 (0 for the first): a scene cut between
   * two sampled frames counts even though the frame it happened on was never piped
   */
  change: number;
  /** whether the frame is one that `sampleFps` asks for (always true unless `everyFrame` and `sampleFps` are set) */
  sampled: boolean;
}

export interface DecodeOptions {
  /** frames decoded ahead of the consumer (each width × height × 3 bytes); default 4 */
  ahead?: number;
  /** the first frame of each 1/n-second span (sampledSpan); 0: every frame (default) */
  sampleFps?: number;
  /** with `sampleFps`, still yield the other frames (with `sampled` false) instead of letting ffmpeg drop them */
  everyFrame?: boolean;
  /**
   * the consumer is done with a frame's pixels when it asks for the next frame, so their buffer is
   * filled again (fewer 2.7-MB allocations for 720p, less garbage collection); default false
   */
  reuseBuffers?: boolean;
}

const DECODE_OPTION_KEYS = optionKeys<DecodeOptions>({ ahead: true, sampleFps: true, everyFrame: true, reuseBuffers: true });

/** Added before rounding down, so that a time a hair below a span's start (float rounding) is in that span. */
const SPAN_EPSILON = 1e-6;

/** The 1/n-second span a time falls in; a frame is sampled when its span is later than the last sampled frame's. */
export function sampledSpan(time: number, sampleFps: number): number {
  return Math.floor(time * sampleFps + SPAN_EPSILON);
}

/**
 * The same rule as ffmpeg's `select` expression (t and prev_selected_t are in seconds, NAN when
 * unknown): the first frame, frames without a timestamp, and the first frame of each later span.
 * ffmpeg computes t = pts × time base in doubles, as `frameTime` does, so both agree to the bit.
 */
function selectExpression(sampleFps: number): string {
  const span = (t: string) => `floor(${t}*${sampleFps}+${SPAN_EPSILON})`;
  return `if(isnan(t),1,if(isnan(prev_selected_t),1,gt(${span('t')},${span('prev_selected_t')})))`;
}

/** `[Parsed_showinfo_0 @ 0x…] [info] n:  12 pts:  12288 pts_time:1.2  …` */
const SHOWINFO = /\[Parsed_showinfo_(\d+)[^\]]*\] (?:\[info\] )?n:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s/;
/** `[Parsed_showinfo_0 @ 0x…] [info] config in time_base: 1/12800, frame_rate: 10/1` */
const TIME_BASE = /\[Parsed_showinfo_0[^\]]*\] (?:\[info\] )?config in time_base: (\d+)\/(\d+)/;
/** ffmpeg's own error lines (with `-loglevel level+info` every line carries its level). */
const ERROR_LINE = /\[(error|fatal|panic)\]/;

/**
 * Decodes the frames of `path` in presentation order (with `sampleFps`, only the sampled ones
 * unless `everyFrame`). After the last frame, throws BAD_VIDEO if ffmpeg met damaged data or
 * stopped early (the frames already yielded stay valid), and UNAVAILABLE if ffmpeg is not
 * installed. Stopping the iteration early stops ffmpeg.
 */
export async function* decodeFrames(path: string, info: VideoInfo, options: DecodeOptions = {}): AsyncGenerator<DecodedFrame> {
  checkOptionKeys(options, DECODE_OPTION_KEYS, 'decodeFrames');
  const ahead = Math.max(1, options.ahead ?? 4);
  const sampleFps = options.sampleFps ?? 0;
  const dropInFfmpeg = sampleFps > 0 && !options.everyFrame;
  const { width, height } = info;
  const frameBytes = width * height * 3;
  const signatureBytes = SIGNATURE_WIDTH * SIGNATURE_HEIGHT * 3;
  const select = dropInFfmpeg ? `select='${selectExpression(sampleFps)}',` : '';
  const child = await startProgram('ffmpeg', [
    '-hide_banner', '-nostats', '-nostdin', '-loglevel', 'level+info',
    '-i', path,
    '-filter_complex',
    `[0:v:${info.stream}]showinfo=checksum=0,split=2[s][f];[s]scale=${SIGNATURE_WIDTH}:${SIGNATURE_HEIGHT}:flags=area[sig];[f]${select}showinfo=checksum=0[out]`,
    // one output frame per frame that leaves the graph: none duplicated or dropped (VFR)
    '-map', '[out]', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    '-map', '[sig]', '-fps_mode', 'passthrough', '-flush_packets', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:3',
  ], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const stdout = child.stdout as Readable;
  const signatures = child.stdio[3] as Readable;

  // From stderr: the source frames (number, pts) in order, and the pts of each piped frame, matched
  // to its source frame as it comes: `piped` holds the index and time of each frame on stdout.
  let timeBase = Number.NaN;
  const source: Array<{ index: number; pts: number }> = [];
  const piped: Array<{ index: number; time: number }> = [];
  const errors: string[] = [];
  let stderrTail = '';
  const done = { stdout: false, stderr: false, signatures: false };
  let wake: (() => void) | undefined;
  const notify = () => { const w = wake; wake = undefined; w?.(); };
  const frameTime = (pts: number) => pts * timeBase; // NaN without a pts (NOPTS) or a time base

  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) {
        const pts = m[3] === 'NOPTS' ? Number.NaN : Number(m[3]);
        if (m[1] === '0') source.push({ index: Number(m[2]), pts });
        else {
          // the first source frame not yet matched with this pts (select keeps the order)
          let s = source.shift();
          while (s !== undefined && !(s.pts === pts || (Number.isNaN(s.pts) && Number.isNaN(pts)))) s = source.shift();
          if (s !== undefined) piped.push({ index: s.index, time: frameTime(pts) });
        }
        continue;
      }
      const tb = TIME_BASE.exec(line);
      if (tb) timeBase = Number(tb[1]) / Number(tb[2]);
      else if (ERROR_LINE.test(line) && errors.length < 20) errors.push(line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\] /, '').replace(ERROR_LINE, '').trim());
      else if (!line.includes('[Parsed_showinfo')) stderrTail = `${stderrTail}\n${line}`.slice(-2000);
    }
    notify();
  });
  child.stderr!.on('end', () => { done.stderr = true; notify(); });

  // fd 3: the 16×9 picture of every frame → its change from the previous frame, kept from the last
  // yielded frame on (`changes[k]` is source frame `changesFrom + k`).
  const changes: number[] = [];
  let changesFrom = 0;
  let previousSignature: Float32Array | undefined;
  const small = cutter(signatureBytes, (bytes) => {
    const signature = signatureOf({ data: bytes, width: SIGNATURE_WIDTH, height: SIGNATURE_HEIGHT });
    changes.push(previousSignature === undefined ? 0 : signatureDistance(previousSignature, signature));
    previousSignature = signature;
  });
  signatures.on('data', (chunk: Buffer) => { small(chunk); notify(); });
  signatures.on('end', () => { done.signatures = true; notify(); });

  // fd 1: raw frames cut at frameBytes; paused while `ahead` frames wait for the consumer. Only
  // while the first of them can be yielded, though: ffmpeg may write several frames to fd 1 before
  // their 16×9 pictures to fd 3, and pausing fd 1 before the picture came would block both.
  const frames: Uint8Array[] = [];
  const spare: Uint8Array[] = []; // buffers of frames the consumer is done with (reuseBuffers)
  let lent: Uint8Array | undefined; // the buffer of the frame yielded last
  const large = cutter(frameBytes, (bytes) => frames.push(bytes), () => spare.pop());
  stdout.on('data', (chunk: Buffer) => {
    large(chunk);
    if (frames.length >= ahead && headReady()) stdout.pause();
    notify();
  });
  stdout.on('end', () => { done.stdout = true; notify(); });
  const exit = exited(child);

  let count = 0;
  let lastIndex = -1;
  /** Where the first queued frame is, once stderr has said (or will say nothing more). */
  const head = () => piped[0] ?? (done.stderr ? fallback(lastIndex + 1, info.fps) : undefined);
  /** Whether the first queued frame has everything it needs: its place and the pictures up to it. */
  function headReady(): boolean {
    const where = head();
    return frames.length > 0 && where !== undefined && (changesFrom + changes.length > where.index || done.signatures);
  }
  let lastSampled = Number.NaN;
  let finished = false;
  try {
    for (;;) {
      // the change up to this frame needs the signatures of the frames up to it
      if (headReady()) {
        const where = head()!;
        const data = frames.shift()!;
        piped.shift();
        if (frames.length < ahead && stdout.isPaused()) stdout.resume();
        const { index } = where;
        let change = 0;
        for (let k = Math.max(0, lastIndex + 1 - changesFrom); k <= index - changesFrom && k < changes.length; k++) change = Math.max(change, changes[k]!);
        changes.splice(0, Math.max(0, index + 1 - changesFrom));
        changesFrom = Math.max(changesFrom, index + 1);
        lastIndex = index;
        let time = where.time;
        if (!Number.isFinite(time)) time = info.fps > 0 ? index / info.fps : index;
        // with everyFrame, ffmpeg's select rule applied here (frameTime is the `t` ffmpeg would use)
        const sampled = sampleFps === 0 || dropInFfmpeg || Number.isNaN(where.time) || Number.isNaN(lastSampled) || sampledSpan(where.time, sampleFps) > sampledSpan(lastSampled, sampleFps);
        if (sampled && !dropInFfmpeg) lastSampled = where.time;
        count++;
        if (options.reuseBuffers) {
          if (lent !== undefined) spare.push(lent); // asked for the next frame: done with the last one
          lent = data;
        }
        yield { index, time: Math.round(time * 1e6) / 1e6, image: { data, width, height }, change, sampled };
        continue;
      }
      if (done.stdout && frames.length === 0) break;
      if (stdout.isPaused()) stdout.resume(); // waiting for fd 3 or stderr: fd 1 must not hold ffmpeg up
      await new Promise<void>((resolve) => { wake = resolve; });
    }
    const code = await exit;
    finished = true;
    if (code !== 0 || errors.length > 0) {
      const why = errors.length > 0 ? errors.slice(0, 2).join('; ') : lastLines(stderrTail) || `ffmpeg exited with ${code}`;
      throw new EmoscopeError('BAD_VIDEO', `${path}: damaged or truncated video: ${count} frame${count === 1 ? '' : 's'} decoded, then ffmpeg reported: ${why}`);
    }
    if (count === 0) throw new EmoscopeError('BAD_VIDEO', `${path}: no frame could be decoded (a video of zero length?)`);
  } finally {
    if (!finished) {
      child.kill('SIGKILL'); // the consumer stopped early (or failed): ffmpeg has nothing left to do
      // A paused pipe is not read, so it would never see its end and 'close' would never come (and
      // an idle event loop would let the process exit while this waits): the pipes are destroyed.
      for (const pipe of [stdout, signatures, child.stderr!]) pipe.destroy();
      await exit;
    }
  }
}

/** Where a frame is when stderr said nothing about it (never seen with ffmpeg; kept so a frame is never lost). */
function fallback(index: number, fps: number): { index: number; time: number } {
  return { index, time: fps > 0 ? index / fps : index };
}

/** Cuts a byte stream into records of `size` bytes, each in its own buffer (`reuse`d, or new), handed to `take`. */
function cutter(size: number, take: (record: Uint8Array) => void, reuse: () => Uint8Array | undefined = () => undefined): (chunk: Buffer) => void {
  const next = (): Uint8Array => reuse() ?? Buffer.allocUnsafeSlow(size); // every byte is written before it is read
  let current = next();
  let filled = 0;
  return (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      current.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === size) {
        take(current);
        current = next();
        filled = 0;
      }
    }
  };
}
