// The JSON output, written as frames finish: `[`, then per video its header, one line per frame,
// its tracks, `]`. The finished file is one JSON array with an entry per input (VideoResult);
// a run cut off half-way leaves every frame done so far, one per line.
import { isEmoscopeError } from '../errors.js';
import type { VideoInfo } from './probe.js';
import type { TextSink } from './sink.js';
import type { TrackSummary, VideoFrame } from './types.js';

/** Writes VideoResults to `sink` piece by piece. */
export class VideoJsonWriter {
  private videos = 0;
  private framesInVideo = 0;
  private open = false;

  constructor(private readonly sink: TextSink) {}

  begin(): Promise<void> {
    return this.sink.write('[');
  }

  /** Opens a video's entry (its frames follow). */
  async video(file: string, info: Pick<VideoInfo, 'width' | 'height' | 'fps' | 'duration'>): Promise<void> {
    const head = JSON.stringify({ file, width: info.width, height: info.height, fps: info.fps, duration: info.duration });
    await this.sink.write(`${this.videos++ > 0 ? ',' : ''}\n  ${head.slice(0, -1)},\n  "frames": [`);
    this.framesInVideo = 0;
    this.open = true;
  }

  async frame(frame: VideoFrame): Promise<void> {
    await this.sink.write(`${this.framesInVideo++ > 0 ? ',' : ''}\n    ${JSON.stringify(frame)}`);
  }

  /** Closes the video's entry with its tracks and, if it failed, its error. A file that never opened gets an empty entry. */
  async endVideo(file: string, tracks: readonly TrackSummary[], error?: unknown): Promise<void> {
    if (!this.open) await this.video(file, { width: 0, height: 0, fps: 0, duration: 0 });
    this.open = false;
    const trackLines = tracks.map((t) => `\n    ${JSON.stringify(t)}`).join(',');
    const failure = error === undefined ? '' : `,\n  "error": ${JSON.stringify(errorMessage(error))}${isEmoscopeError(error) ? `, "errorCode": ${JSON.stringify(error.code)}` : ''}`;
    await this.sink.write(`${this.framesInVideo > 0 ? '\n  ' : ''}],\n  "tracks": [${trackLines}${tracks.length > 0 ? '\n  ' : ''}]${failure}}`);
  }

  async end(): Promise<void> {
    await this.sink.write(this.videos > 0 ? '\n]\n' : ']\n');
    await this.sink.close();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
