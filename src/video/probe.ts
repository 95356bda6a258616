// What ffprobe says about a video before it is decoded: the upright size (rotation metadata
// applied), the frame rate, the duration and an estimate of the frame count for progress bars.
// A file ffprobe cannot read, or one without a video stream, is a BAD_VIDEO.
import { printable } from '../util/printable.js';
import { whyNotFound } from '../util/broken-link.js';
import { stat } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import { exited, lastLines, startProgram } from './ffmpeg.js';

/** A video's stream, as the frames will come out of the decoder. */
export interface VideoInfo {
  /** width and height in pixels of the upright frame (rotation metadata applied) */
  width: number;
  height: number;
  /** the stream's average frame rate, frames per second (0 when unknown) */
  fps: number;
  /** seconds (0 when unknown) */
  duration: number;
  /** frames the container announces, or duration × fps; for progress bars only (0 when unknown) */
  estimatedFrames: number;
  /** degrees the frames are turned to stand upright (0, 90, 180 or 270) */
  rotation: number;
  /** which of the file's video streams is the video (`0:v:<stream>` to ffmpeg): cover pictures stored as streams are passed over */
  stream: number;
}

interface ProbeJson {
  streams?: Array<{
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    duration?: string;
    nb_frames?: string;
    tags?: { rotate?: string };
    side_data_list?: Array<{ rotation?: number }>;
    disposition?: { attached_pic?: number };
  }>;
  format?: { duration?: string; format_name?: string };
}

/** Formats ffprobe accepts that hold one picture, not a video: told apart so that the message can say so. */
const STILL_IMAGE_FORMAT = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/;

/** Reads the header of the video at `path`. Throws NOT_FOUND, BAD_VIDEO, or UNAVAILABLE without ffprobe. */
export async function probeVideo(path: string): Promise<VideoInfo> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new EmoscopeError('BAD_VIDEO', `${printable(path)}: not a file, expected a video`);
    size = s.size;
  } catch (error) {
    if (error instanceof EmoscopeError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EmoscopeError('NOT_FOUND', `${printable(path)}: ${await whyNotFound(path)}`);
    throw new EmoscopeError('BAD_VIDEO', `${printable(path)}: cannot read (${(error as Error).message})`);
  }
  if (size === 0) throw new EmoscopeError('BAD_VIDEO', `${printable(path)}: empty file (0 bytes), expected a video`);

  const child = await startProgram('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_streams', '-show_format', '-of', 'json', '--', path]);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const code = await exited(child);
  if (code !== 0) throw new EmoscopeError('BAD_VIDEO', `${printable(path)}: not a video ffmpeg can read (${lastLines(stderr, 1) || `ffprobe exited with ${code}`})`);
  const json = JSON.parse(stdout) as ProbeJson;
  // an audio file's cover art (or a video's thumbnail) is a video stream of one picture, flagged attached_pic
  const streams = json.streams ?? [];
  const index = streams.findIndex((s) => s.disposition?.attached_pic !== 1);
  if (index < 0 && streams.length > 0) {
    throw new EmoscopeError('BAD_VIDEO', `${printable(path)}: no video stream, only a cover picture (${streams[0]!.codec_name ?? 'an image'}; an audio file?), expected a video with frames`);
  }
  const stream = streams[index];
  if (stream === undefined || !stream.width || !stream.height) {
    const format = json.format?.format_name ?? 'unknown';
    const why = positive(json.format?.duration) === 0 ? 'no video stream (a video of zero length)'
      : stream === undefined ? `no video stream (an audio-only file? format ${format})`
      // ffprobe guessed the format from the name (notes.png → png) and found no picture in the bytes
      : `damaged, or not ${stream.codec_name ?? format} data (a video stream with no picture size)`;
    throw new EmoscopeError('BAD_VIDEO', `${printable(path)}: ${why}, expected a video with frames`);
  }
  if (STILL_IMAGE_FORMAT.test(json.format?.format_name ?? '')) {
    throw new EmoscopeError('BAD_VIDEO', `${printable(path)}: a still image (${json.format!.format_name}), not a video; use "emoscope predict" for photos`);
  }
  const rotation = ((Math.round(stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? Number(stream.tags?.rotate ?? 0)) % 360) + 360) % 360;
  const sideways = rotation === 90 || rotation === 270;
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate);
  const duration = positive(stream.duration) || positive(json.format?.duration);
  const announced = positive(stream.nb_frames);
  return {
    width: sideways ? stream.height : stream.width,
    height: sideways ? stream.width : stream.height,
    fps: Math.round(fps * 1000) / 1000,
    duration: Math.round(duration * 1000) / 1000,
    estimatedFrames: announced || Math.round(duration * fps),
    rotation,
    stream: index,
  };
}

/** "30000/1001" → 29.97; "0/0" or nothing → 0. */
function rate(text: string | undefined): number {
  const [n, d] = (text ?? '').split('/').map(Number);
  return n !== undefined && d !== undefined && Number.isFinite(n) && d > 0 ? n / d : 0;
}

function positive(text: string | undefined): number {
  const n = Number(text);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
