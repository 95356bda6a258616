// The JSON output, written as frames finish: `[`, then per video its header, one line per frame,
// its tracks, `]`. The finished file is one JSON array with an entry per input (VideoResult); a
// run interrupted half-way closes the entry of the video it was in (its frames and tracks so
// far, with an error that says so) and keeps it in the sink's partial file (sink.ts).
import { isEmoscopeError } from '../errors.js';
import type { VideoInfo } from './probe.js';
import type { TextSink } from './sink.js';
import type { TrackSummary, VideoFrame } from './types.js';

/** Whether text begins as a JSON output of `emoscope video` does (an empty array, or one whose first entry is a video's). */
export function isVideoJsonStart(head: string): boolean {
  return /^\[(?:$|\n?\]|\n {2}\{"file":)/.test(head);
}

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

  /** Closes the array and puts the file in place. */
  async end(): Promise<void> {
    await this.closeArray();
    await this.sink.close();
  }

  /**
   * For a run cut short: closes the array when no video is half-written (an interrupted video's
   * entry is closed by `endVideo` first) and leaves the file under its partial name; resolves to it.
   */
  async keep(): Promise<string | undefined> {
    if (!this.open) await this.closeArray();
    return this.sink.keep();
  }

  private closeArray(): Promise<void> {
    return this.sink.write(this.videos > 0 ? '\n]\n' : ']\n');
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
