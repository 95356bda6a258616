// `emoscope video <file>...`: emotions over time per person in videos (decoded by ffmpeg), as
// JSON (stdout or --json) and CSV (--csv) written as frames finish (files: into `<name>.partial.json`,
// renamed into place when complete), and with --out an annotated copy of each video (through
// `<name>.partial.mp4` the same way) and a timeline chart per track. A video that fails gets an
// "error" entry, the others go on, and the exit code is 1 at the end; Ctrl-C stops after the
// current frame and keeps the results so far under the partial names.
import { lstat, mkdir } from 'node:fs/promises';
import { EmoscopeError } from '../errors.js';
import type { Tta } from '../model/inference.js';
import { loadRecognizer } from '../predict/recognizer.js';
import { VideoCsvWriter } from '../video/csv-output.js';
import { VideoJsonWriter } from '../video/json-output.js';
import { DEFAULT_VIDEO_OPTIONS } from '../video/options.js';
import { writeVideoOutputs } from '../video/outputs.js';
import { annotatedName, checkVideoOutputsReplaceable } from '../video/output-mark.js';
import { isVideoJsonStart } from '../video/json-output.js';
import { isVideoCsvStart } from '../video/csv-output.js';
import { checkPartialReplaceable, openSink, partialPath } from '../video/sink.js';
import type { RegisterCommand } from './commands.js';
import { MODEL_HELP, minFaceScoreOption, numberOption, ttaOption } from './options.js';
import { checkNotAnInput, checkNotInFolders, checkOutput, checkSeparateOutputs, realPaths } from '../util/check-output.js';
import { modelFoldersRead } from '../runs/locate.js';
import { STDOUT, jsonCsvTargets } from './output.js';
import { basename, extname, isAbsolute, join, relative } from 'node:path';
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
    .option('--json <file>', 'write the results as JSON to this file instead of stdout (written as frames finish; - = stdout)')
    .option('--csv <file>', 'also write one CSV row per face per analysed frame (- = stdout, with --json to a file)')
    .option('--out <dir>', 'write an annotated copy of each video and a timeline chart per track')
    .option('--smooth <seconds>', 'time constant of each track\'s smoothing of its probabilities; 0 turns it off', numberOption('--smooth', 0), DEFAULT_VIDEO_OPTIONS.smooth)
    .addOption(minFaceScoreOption())
    .addOption(ttaOption())
    .action(async (files: string[], flags: VideoFlags) => {
      // Every output is checked before any work, so that a bad path fails at once.
      // an output that is an input says so first, before the other checks of the same path
      const targets = jsonCsvTargets(flags.json, flags.csv);
      const outputs = [['--json', targets.json], ['--csv', targets.csv]] as const;
      const inputs = await realPaths(files);
      // each file is streamed into its partial name (sink.ts) first: that name is an output too
      const written = outputs.flatMap(([flag, path]) => (path === undefined || path === STDOUT ? [] : [[flag, path] as const]));
      const partials = written.map(([flag, path]) => [`${flag} (through its partial file)`, partialPath(path)] as const);
      for (const [flag, path] of [...outputs, ...partials]) if (path !== undefined) await checkNotAnInput(path, flag, inputs);
      await checkSeparateOutputs([...outputs, ...partials]);
      for (const [flag, path] of outputs) if (path !== undefined) await checkOutput(path, 'file', flag);
      for (const [flag, path] of written) await checkPartialReplaceable(path, flag, flag === '--json' ? isVideoJsonStart : isVideoCsvStart);
      if (flags.out) await checkOutput(flags.out, 'folder', '--out');
      const modelFolders = await modelFoldersRead(flags.model);
      for (const [flag, path] of [...outputs, ['--out', flags.out] as const]) if (path !== undefined) await checkNotInFolders(path, flag, modelFolders);
      if (flags.out) {
        await mkdir(flags.out, { recursive: true }).catch((error: Error) => {
          throw new EmoscopeError('BAD_OUTPUT', `${flags.out}: cannot create the output folder (${error.message})`);
        });
      }
      const used = new Set<string>();
      const stems = files.map((file) => uniqueStem(file, used));
      // an annotated video or chart of the same name that is not emoscope's is told now, not after a whole video
      if (flags.out) {
        for (const stem of stems) {
          const annotated = join(flags.out, annotatedName(stem));
          for (const path of [annotated, partialPath(annotated)]) await checkNotAnInput(path, '--out', inputs);
        }
        await checkVideoOutputsReplaceable(flags.out, stems);
      }
      const recognizer = await loadRecognizer({ model: flags.model, minFaceScore: flags.minFaceScore, tta: flags.tta });
      const progress = videoProgress();
      const kept = { videos: [] as { partial: string; target: string }[], charts: 0 }; // what an interrupted video kept under partial names
      // Ctrl-C (or SIGTERM) stops after the frame in progress and keeps the results so far in the
      // partial files; the files named by --json, --csv and the annotated videos of --out stay as they
      // were. A second one quits at once.
      const controller = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write(`\nemoscope: ${signal}: stopping after this frame (again to quit now)…\n`);
        controller.abort();
      };
      for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
      let complete = false;
      // opened once the model has loaded: a run that fails before leaves no partial file behind
      let json: VideoJsonWriter | undefined;
      let csv: VideoCsvWriter | undefined;
      try {
        json = new VideoJsonWriter(await openSink(targets.json));
        csv = targets.csv === undefined ? undefined : new VideoCsvWriter(await openSink(targets.csv === STDOUT ? undefined : targets.csv));
        await json.begin();
        await csv?.begin();
        for (const [i, file] of files.entries()) {
          if (controller.signal.aborted) break;
          const { signal } = controller;
          const events = recognizer.recognizeVideo(file, { sampleFps: flags.sampleFps ?? 0, smooth: flags.smooth, images: Boolean(flags.out), signal });
          const outcome = await writeVideoOutputs(file, events, {
            json,
            csv,
            out: flags.out,
            stem: stems[i]!,
            signal,
            onStart: (total) => progress.start(file, total),
            onFrame: (done, time) => progress.update(done, time),
          }, flags.sampleFps ?? 0);
          progress.stop({ frames: outcome.frames, tracks: outcome.tracks.length, time: outcome.time, error: outcome.error?.message, interrupted: outcome.interrupted });
          if (outcome.keptVideo !== undefined) kept.videos.push(outcome.keptVideo);
          kept.charts += (outcome.keptCharts?.length ?? 0) / 2;
          if (outcome.error) {
            process.stderr.write(`emoscope: ${outcome.error.message}\n`);
            setExitCode(1);
          }
        }
        complete = !controller.signal.aborted;
      } finally {
        for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
        recognizer.dispose();
        if (complete) {
          await json!.end();
          await csv?.end();
        } else {
          // interrupted, or a bug: what was written stays in the partial files, the targets as they were
          const partials = [await json?.keep(), await csv?.keep(), ...kept.videos.map((v) => v.partial)].flatMap((p) => (p === undefined ? [] : [shortPath(p)]));
          // the targets that were there before, untouched ("left as they were" of a file that never existed would mislead)
          const targetPaths = [targets.json, targets.csv, ...kept.videos.map((v) => v.target)].filter((p): p is string => p !== undefined && p !== STDOUT);
          const left = (await Promise.all(targetPaths.map(async (p) => ((await lstat(p).catch(() => undefined)) ? [shortPath(p)] : [])))).flat();
          const charts = kept.charts > 0 ? `, with ${kept.charts} chart${kept.charts > 1 ? 's' : ''} of cut-short tracks as <name>.track<N>.partial.png/.svg` : '';
          if (partials.length > 0) process.stderr.write(`emoscope: the results so far are in ${listed(partials)}${left.length > 0 ? ` (${listed(left)} left as ${left.length > 1 ? 'they were' : 'it was'})` : ''}${charts}\n`);
          if (controller.signal.aborted) setExitCode(130);
        }
      }
    });
};

/** `path` relative to the working folder when it is inside it (the partial file of `out.json` is `out.partial.json`, not its real path). */
function shortPath(path: string): string {
  const near = relative(process.cwd(), path);
  return near !== '' && !near.startsWith('..') && !isAbsolute(near) ? near : path;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}` : (items[0] ?? '');
}

/** The signals that stop a run cleanly. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The file's name without extension, made unique among the videos of this run (clip, clip-2, …). */
function uniqueStem(file: string, used: Set<string>): string {
  const base = basename(file, extname(file));
  let stem = base;
  for (let n = 2; used.has(stem); n++) stem = `${base}-${n}`;
  used.add(stem);
  return stem;
}
