// Progress of `emoscope predict` over many photos: a bar on stderr when stderr is a terminal and
// there is more than one photo; messages (no face, unreadable) printed above the bar so that it is
// not torn. Elsewhere (a file, a pipe) messages are plain lines and there is no bar.
import cliProgress from 'cli-progress';

/** Counts photos and faces and prints messages without tearing the bar. */
export interface PhotoProgress {
  /** one more photo done, with `faces` faces */
  tick(faces: number): void;
  /** a line for people (no trailing newline needed) */
  log(message: string): void;
  stop(): void;
}

/** A progress bar over `total` photos on `stream` if it is a terminal and there are several photos. */
export function photoProgress(total: number, stream: NodeJS.WriteStream = process.stderr): PhotoProgress {
  if (!stream.isTTY || total < 2) {
    return { tick() {}, log: (message) => void stream.write(`${message}\n`), stop() {} };
  }
  const bars = new cliProgress.MultiBar({
    format: 'predict [{bar}] {value}/{total} photos | {faces} faces | ETA {eta_formatted}',
    stream,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  const bar = bars.create(total, 0, { faces: 0 });
  let faces = 0;
  return {
    tick(n) {
      faces += n;
      bar.increment(1, { faces });
    },
    log: (message) => bars.log(`${message}\n`),
    stop: () => bars.stop(),
  };
}
