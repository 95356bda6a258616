// The mark on the annotated videos emoscope writes (the container's comment tag, as pictures carry
// theirs: util/output-mark.ts), and the checks that an annotated video or a timeline chart
// replaces only emoscope's own file of that name, never a user's video that happens to be called
// `<name>.annotated.mp4` or a picture called `<name>.track1.png`. The CLI runs them before any
// video is decoded, so that a clash is told at once rather than after the whole video.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { checkChartsReplaceable } from '../charts/render.js';
import { printable } from '../util/printable.js';
import { exited, startProgram } from './ffmpeg.js';
import { partialPath } from './sink.js';

/** The comment tag of the annotated videos emoscope writes. */
export const VIDEO_OUTPUT_MARK = 'emoscope: an annotated video, not a source video';

/** ffmpeg's arguments that put the mark in the file it writes. */
export const VIDEO_MARK_ARGS = ['-metadata', `comment=${VIDEO_OUTPUT_MARK}`] as const;

/** The name of a video's annotated copy in the output folder. */
export function annotatedName(stem: string): string {
  return `${stem}.annotated.mp4`;
}

/** Whether the video file carries emoscope's mark (ffprobe reads the container's tags only). */
export async function videoHasOutputMark(path: string): Promise<boolean> {
  const child = await startProgram('ffprobe', ['-v', 'error', '-show_entries', 'format_tags=comment', '-of', 'json', '--', path]);
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
  child.stderr!.resume();
  if (await exited(child) !== 0) return false;
  try {
    return (JSON.parse(stdout) as { format?: { tags?: { comment?: string } } }).format?.tags?.comment === VIDEO_OUTPUT_MARK;
  } catch {
    return false;
  }
}

/**
 * Fails unless `path` is missing or an annotated video emoscope wrote.
 * @throws EmoscopeError BAD_OUTPUT naming the file
 */
export async function checkVideoReplaceable(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined || (info.isFile() && await videoHasOutputMark(path))) return;
  const what = info.isFile() ? 'a file of that name is there and emoscope did not write it'
    : `a ${info.isDirectory() ? 'folder' : info.isSymbolicLink() ? 'link' : 'non-file'} of that name is there, and annotated videos are written as files`;
  throw new EmoscopeError('BAD_OUTPUT', `Cannot write ${printable(path)}: ${what}; annotated videos replace only emoscope's own (move it, or choose another --out folder)`);
}

/**
 * Checks, before any work, every file the videos with these stems would write in `out`: each
 * `<stem>.annotated.mp4`, and the charts of their tracks already there (`<stem>.track<N>.png`/`.svg`,
 * and their `.partial` names), whose numbers are known only once a video has been followed.
 * @throws EmoscopeError BAD_OUTPUT naming the first file that is not emoscope's
 */
export async function checkVideoOutputsReplaceable(out: string, stems: readonly string[]): Promise<void> {
  const names = await readdir(out).catch(() => [] as string[]);
  for (const stem of stems) {
    const annotated = join(out, annotatedName(stem));
    await checkVideoReplaceable(annotated);
    await checkVideoReplaceable(partialPath(annotated)); // a run cut short left a playable, marked one there
    const prefix = `${stem}.track`;
    const bases = new Set(names.flatMap((name) => {
      const match = name.startsWith(prefix) ? /^(\d+(?:\.partial)?)\.(?:png|svg)$/.exec(name.slice(prefix.length)) : null;
      return match ? [join(out, `${prefix}${match[1]!}`)] : [];
    }));
    await checkChartsReplaceable([...bases]);
  }
}
