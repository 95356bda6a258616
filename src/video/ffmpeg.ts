// Running Debian's ffmpeg and ffprobe as child processes: where they are, and the error that says
// how to install them when they are not. No wrapper library: the commands are plain argument lists.
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EmoscopeError } from '../errors.js';

/** The Debian package that provides both programs. */
export const FFMPEG_PACKAGE = 'ffmpeg';

/** The error of a machine without ffmpeg or ffprobe on its PATH. */
export function ffmpegMissing(program: 'ffmpeg' | 'ffprobe'): EmoscopeError {
  return new EmoscopeError(
    'UNAVAILABLE',
    `${program} was not found on the PATH: emoscope reads videos with it; install the Debian package "${FFMPEG_PACKAGE}" (apt-get install -y ${FFMPEG_PACKAGE})`,
  );
}

/**
 * Starts `program` with `args` and resolves once it runs (or rejects with UNAVAILABLE when the
 * program is not installed), so that a missing ffmpeg is told apart from a bad video.
 */
export function startProgram(program: 'ffmpeg' | 'ffprobe', args: readonly string[], options: SpawnOptions = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // In its own process group: a terminal's Ctrl-C reaches emoscope, which stops after the frame in
    // progress and then stops ffmpeg itself, instead of ffmpeg ending the video early as if damaged.
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? ffmpegMissing(program) : new EmoscopeError('UNAVAILABLE', `${program} could not be started: ${error.message}`));
    };
    child.once('error', onError);
    child.once('spawn', () => {
      child.off('error', onError);
      resolve(child);
    });
  });
}

/** Resolves with the exit code (or the signal's name) once `child` has exited. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
}

/** The last meaningful lines of a program's stderr, for an error message. */
export function lastLines(text: string, count = 2): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\[Parsed_showinfo/.test(l))
    .slice(-count)
    .join('; ');
}
