// Progress of `emoscope video` for people: on a terminal a bar per video (frames, speed against
// real time, ETA); otherwise one line per video when it is done.
import { printable } from '../util/printable.js';
import cliProgress from 'cli-progress';

export interface VideoProgress {
  /** A video starts: about `total` frames will be analysed. */
  start(file: string, total: number): void;
  /** `done` frames analysed, the last at `time` seconds of video. */
  update(done: number, time: number): void;
  /** The video is done (or failed: `error`); nothing if it never started (not a video). */
  stop(summary: { frames: number; tracks: number; time: number; error?: string; interrupted?: boolean }): void;
}

export function videoProgress(stream: NodeJS.WriteStream = process.stderr): VideoProgress {
  const tty = Boolean(stream.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let name = '';
  let started = 0;
  const speed = (time: number) => {
    const elapsed = (Date.now() - started) / 1000;
    return elapsed > 0 ? time / elapsed : 0;
  };
  return {
    start(file, total) {
      name = printable(file);
      started = Date.now();
      if (!tty) return;
      bar = new cliProgress.SingleBar({
        format: `${name.replace(/[{}]/g, '')} [{bar}] {value}/{total} frames | {speed}× real time | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      }, cliProgress.Presets.shades_classic);
      bar.start(Math.max(1, total), 0, { speed: '-' });
    },
    update(done, time) {
      if (!bar) return;
      if (done > bar.getTotal()) bar.setTotal(done); // the container's frame count was an estimate
      bar.update(done, { speed: time > 0 ? speed(time).toFixed(2) : '-' });
    },
    stop({ frames, tracks, time, error, interrupted }) {
      bar?.stop();
      bar = undefined;
      if (name === '') return;
      const seconds = (Date.now() - started) / 1000;
      // a video whose analysed frames all stand at 0 s (one frame, a still) has no pace to compare with real time
      const pace = time > 0 ? ` (${speed(time).toFixed(2)}× real time)` : '';
      stream.write(`${name}: ${frames} frame${frames === 1 ? '' : 's'} analysed, ${tracks} track${tracks === 1 ? '' : 's'}, ${seconds.toFixed(1)} s${pace}${interrupted ? '; interrupted' : error ? '; stopped by an error' : ''}\n`);
      name = '';
    },
  };
}
