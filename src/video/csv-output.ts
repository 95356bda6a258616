// The CSV output: one row per face per analysed frame (file, frame index, time, track, box,
// detector score, emotion, the seven smoothed probabilities), written as frames finish, and one
// row with the error for a video that failed, so that no input is silently missing.
import { EMOTIONS } from '../types.js';
import { csvLine } from '../util/csv.js';
import type { TextSink } from './sink.js';
import type { VideoFrame } from './types.js';

export const VIDEO_CSV_HEADER = ['file', 'frame', 'time', 'track', 'x', 'y', 'width', 'height', 'score', 'emotion', ...EMOTIONS, 'error'];

/** Whether text begins as a CSV output of `emoscope video` does: with its header line. */
export function isVideoCsvStart(head: string): boolean {
  return head.startsWith(csvLine(VIDEO_CSV_HEADER));
}

/** Writes the rows to `sink` as they come. */
export class VideoCsvWriter {
  constructor(private readonly sink: TextSink) {}

  begin(): Promise<void> {
    return this.sink.write(csvLine(VIDEO_CSV_HEADER));
  }

  async frame(file: string, frame: VideoFrame): Promise<void> {
    if (frame.faces.length === 0) return;
    await this.sink.write(frame.faces.map((f) => csvLine([
      file, frame.index, frame.time, f.track, f.box.x, f.box.y, f.box.width, f.box.height, f.score, f.emotion, ...EMOTIONS.map((e) => f.scores[e]), '',
    ])).join(''));
  }

  async error(file: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await this.sink.write(csvLine([file, '', '', '', '', '', '', '', '', '', ...EMOTIONS.map(() => ''), message]));
  }

  /** Puts the file in place. */
  end(): Promise<void> {
    return this.sink.close();
  }

  /** For a run cut short: leaves the rows so far in the sink's partial file; resolves to it. */
  keep(): Promise<string | undefined> {
    return this.sink.keep();
  }
}
