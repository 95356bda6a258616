// `emoscope video <file>...`: emotions over time per person in videos (decoded by ffmpeg), as
// JSON (stdout or --json) and CSV (--csv) written as frames finish, and with --out an annotated
// copy of each video and a timeline chart per track. A video that fails gets an "error" entry,
// the others go on, and the exit code is 1 at the end.
import { mkdir } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import type { Tta } from '../model/inference.js';
import { loadRecognizer } from '../predict/recognizer.js';
import { VideoCsvWriter } from '../video/csv-output.js';
import { VideoJsonWriter } from '../video/json-output.js';
import { DEFAULT_VIDEO_OPTIONS } from '../video/options.js';
import { writeVideoOutputs } from '../video/outputs.js';
import { openSink } from '../video/sink.js';
import type { RegisterCommand } from './commands.js';
import { MODEL_HELP, minFaceScoreOption, numberOption, ttaOption } from './options.js';
import { basename, extname } from 'node:path';
import { videoProgress } from './video-progress.js';

interface VideoFlags {
  model?: string;
  sampleFps?: number;
  json?: string;
  csv?: string;
  out?: string;
  smooth: number;
  minFaceScore: number;
  tta: Tta;
}

export const registerVideo: RegisterCommand = (program, setExitCode) => {
  program
    .command('video')
    .description('Follow each person through videos and recognize their emotions over time (needs ffmpeg)')
    .argument('<files...>', 'video files (anything Debian\'s ffmpeg reads: MP4, MKV, WebM, MOV, AVI …)')
    .option('--model <dir>', MODEL_HELP)
    .option('--sample-fps <n>', 'analyse n frames per second of video (default: every frame)', numberOption('--sample-fps', 0.001))
    .option('--json <file>', 'write the results as JSON to this file instead of stdout (written as frames finish)')
    .option('--csv <file>', 'also write one CSV row per face per analysed frame')
    .option('--out <dir>', 'write an annotated copy of each video and a timeline chart per track')
    .option('--smooth <seconds>', 'time constant of each track\'s smoothing of its probabilities; 0 turns it off', numberOption('--smooth', 0), DEFAULT_VIDEO_OPTIONS.smooth)
    .addOption(minFaceScoreOption())
    .addOption(ttaOption())
    .action(async (files: string[], flags: VideoFlags) => {
      // Every output is opened before any work, so that a bad path fails at once.
      const json = new VideoJsonWriter(await openSink(flags.json));
      const csv = flags.csv ? new VideoCsvWriter(await openSink(flags.csv)) : undefined;
      if (flags.out) {
        await mkdir(flags.out, { recursive: true }).catch((error: Error) => {
          throw new EmoscopeError('BAD_OUTPUT', `${flags.out}: cannot create the output folder (${error.message})`);
        });
      }
      const recognizer = await loadRecognizer({ model: flags.model, minFaceScore: flags.minFaceScore, tta: flags.tta });
      const progress = videoProgress();
      const stems = new Set<string>();
      await json.begin();
      await csv?.begin();
      try {
        for (const file of files) {
          const events = recognizer.recognizeVideo(file, { sampleFps: flags.sampleFps ?? 0, smooth: flags.smooth, images: Boolean(flags.out) });
          const outcome = await writeVideoOutputs(file, events, {
            json,
            csv,
            out: flags.out,
            stem: uniqueStem(file, stems),
            onStart: (total) => progress.start(file, total),
            onFrame: (done, time) => progress.update(done, time),
          }, flags.sampleFps ?? 0);
          progress.stop({ frames: outcome.frames, tracks: outcome.tracks.length, time: outcome.time, error: outcome.error?.message });
          if (outcome.error) {
            process.stderr.write(`emoscope: ${outcome.error.message}\n`);
            setExitCode(1);
          }
        }
      } finally {
        recognizer.dispose();
        await json.end();
        await csv?.end();
      }
    });
};

/** The file's name without extension, made unique among the videos of this run (clip, clip-2, …). */
function uniqueStem(file: string, used: Set<string>): string {
  const base = basename(file, extname(file));
  let stem = base;
  for (let n = 2; used.has(stem); n++) stem = `${base}-${n}`;
  used.add(stem);
  return stem;
}
