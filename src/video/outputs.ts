// One video's events written to the outputs as they come: a JSON entry (frames streamed, tracks
// at the end), CSV rows, and with an output folder the annotated copy (`<stem>.annotated.mp4`)
// and a timeline chart per track (`<stem>.track<N>.png` and `.svg`). The CLI calls this per file.
// When the signal stops it, the annotated video and the charts of the tracks it cut short keep
// partial names (`<stem>.annotated.partial.mp4`, `<stem>.track<N>.partial.png`), as --json does.
import { basename, join } from 'node:path';
import { EmoscopeError, isEmoscopeError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { writeChart } from '../charts/render.js';
import { openAnnotatedVideo } from './annotate-video.js';
import { annotatedName, checkVideoReplaceable } from './output-mark.js';
import type { AnnotatedVideoWriter } from './annotate-video.js';
import type { VideoCsvWriter } from './csv-output.js';
import type { VideoJsonWriter } from './json-output.js';
import { timelineSpec } from './timeline-spec.js';
import type { TrackSummary, VideoEvent } from './types.js';

export interface VideoTargets {
  json: VideoJsonWriter;
  csv?: VideoCsvWriter;
  /** folder for the annotated video and the charts */
  out?: string;
  /** file name stem of this video's pictures in `out` */
  stem: string;
  /** called after each analysed frame: frames so far, the frame's time */
  onFrame?: (frames: number, time: number) => void;
  /** called with the video's estimated number of analysed frames once it is opened */
  onStart?: (estimatedFrames: number) => void;
  /** the signal given to recognizeVideo: when it is aborted, the entry says the video was interrupted */
  signal?: AbortSignal;
}

const TARGET_KEYS = optionKeys<VideoTargets>({ json: true, csv: true, out: true, stem: true, onFrame: true, onStart: true, signal: true });

/** What happened to one video. */
export interface VideoOutcome {
  frames: number;
  tracks: TrackSummary[];
  /** time of the last analysed frame */
  time: number;
  /** the error that stopped the video (an EmoscopeError: BAD_VIDEO, NOT_FOUND, UNAVAILABLE, BAD_OUTPUT, INTERRUPTED) */
  error?: EmoscopeError;
  /** the signal stopped the video before its end */
  interrupted?: boolean;
  /** when interrupted: the annotated video kept under its partial name (`<stem>.annotated.partial.mp4`), and the target left as it was */
  keptVideo?: { partial: string; target: string };
  /** when interrupted: the charts of the tracks it cut short (`<stem>.track<N>.partial.png`, `.svg`) */
  keptCharts?: string[];
}

/**
 * Consumes `events` (from `recognizeVideo(file, { images: Boolean(out) })`) into the targets. A
 * video's own failure is recorded in its entry and returned; anything else (a bug) is thrown.
 */
export async function writeVideoOutputs(file: string, events: AsyncIterable<VideoEvent>, targets: VideoTargets, sampleFps = 0): Promise<VideoOutcome> {
  checkOptionKeys(targets, TARGET_KEYS, 'writeVideoOutputs targets', 'json and stem');
  const outcome: VideoOutcome = { frames: 0, tracks: [], time: 0 };
  let annotated: AnnotatedVideoWriter | undefined;
  const annotatedPath = join(targets.out ?? '', annotatedName(targets.stem));
  try {
    for await (const event of events) {
      switch (event.type) {
        case 'video': {
          const { info } = event;
          await targets.json.video(file, info);
          targets.onStart?.(sampleFps > 0 && info.duration > 0 ? Math.ceil(Math.min(info.estimatedFrames || Infinity, info.duration * sampleFps)) : info.estimatedFrames);
          if (targets.out) {
            await checkVideoReplaceable(annotatedPath);
            annotated = await openAnnotatedVideo(annotatedPath, info);
          }
          break;
        }
        case 'frame':
          outcome.frames++;
          outcome.time = event.frame.time;
          await targets.json.frame(event.frame);
          await targets.csv?.frame(file, event.frame);
          if (annotated && event.image) await annotated.write(event.image, event.frame.faces);
          targets.onFrame?.(outcome.frames, event.frame.time);
          break;
        case 'skipped':
          if (annotated) await annotated.write(event.image, event.faces);
          break;
        case 'track':
          outcome.tracks.push(event.track);
          if (targets.out) {
            const spec = timelineSpec(event.track, event.timeline, { title: `${basename(file)}: track ${event.track.track}` });
            // a track still open when the run was stopped is cut short: its chart gets a partial name too
            const cut = targets.signal?.aborted ?? false;
            const files = await writeChart(spec, join(targets.out, `${targets.stem}.track${event.track.track}${cut ? '.partial' : ''}`));
            if (cut) (outcome.keptCharts ??= []).push(files.png, files.svg);
          }
          break;
      }
    }
  } catch (error) {
    if (!isEmoscopeError(error)) {
      // a bug, or an output that broke (a reader that closed stdout, a full disk): ffmpeg is stopped
      // and the frames so far kept under the partial name before the error goes on, or it would wait for ever
      await annotated?.keep().catch(() => undefined);
      throw error;
    }
    outcome.error = error;
  }
  if (targets.signal?.aborted && outcome.error === undefined) {
    outcome.interrupted = true;
    outcome.error = new EmoscopeError('INTERRUPTED', `${file}: interrupted after ${outcome.frames} analysed frame${outcome.frames === 1 ? '' : 's'} (up to ${outcome.time} s): the results stop there`);
  }
  try {
    // the frames that decoded make a playable video even when the rest broke; a stopped run's never
    // takes the place of a previous complete one
    if (!targets.signal?.aborted) await annotated?.close();
    else {
      const partial = await annotated?.keep();
      if (partial !== undefined) outcome.keptVideo = { partial, target: annotatedPath };
    }
  } catch (error) {
    if (!isEmoscopeError(error)) throw error;
    outcome.error ??= error;
  }
  outcome.tracks.sort((a, b) => a.track - b.track);
  await targets.json.endVideo(file, outcome.tracks, outcome.error);
  if (outcome.error) await targets.csv?.error(file, outcome.error);
  return outcome;
}
