// The settings of video recognition: one typed defaults object, user overrides merged on top and
// checked (which option, what was expected, what was received).
import { badArgument } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { DEFAULT_TRACKER_OPTIONS } from './track.js';

export interface VideoOptions {
  /** analyse this many frames per second of video (the first frame of each 1/n-second span); 0: every frame */
  sampleFps?: number;
  /** time constant in seconds of each track's exponential smoothing of its probabilities; 0: off */
  smooth?: number;
  /** also yield every frame's pixels, and the frames that sampling skips (to draw an annotated copy) */
  images?: boolean;
  /** frames ffmpeg decodes ahead of the recognizer (memory: width × height × 3 bytes each) */
  ahead?: number;
  /** mean brightness change (0..255, over a 16×9 grid) between two frames that counts as a scene cut */
  sceneCut?: number;
  /** analysed frames a track may go without its face before it ends */
  maxMissed?: number;
  /**
   * threads of the native convolution kernels while the video is analysed (restored afterwards);
   * 0 leaves the setting alone. Default 1: ffmpeg decodes on the other core, and a face detector
   * at batch 1 gains little from a second thread while it loses much when the cores are busy.
   */
  threads?: number;
  /**
   * aborting it stops the video after the frame in progress: the tracks so far are summarized and
   * yielded, then the iteration ends (the caller that aborted knows why it ended early)
   */
  signal?: AbortSignal;
}

export type ResolvedVideoOptions = Required<Omit<VideoOptions, 'signal'>> & Pick<VideoOptions, 'signal'>;

/**
 * Defaults. `smooth` 0.5 s damps frame-to-frame flicker of a still face while following a change
 * of expression within about a second; `sceneCut` 20 was set on clips of photos with a slow pan,
 * whose consecutive frames differ by under 2 and whose cuts by 30 to 68.
 */
export const DEFAULT_VIDEO_OPTIONS: ResolvedVideoOptions = {
  sampleFps: 0,
  smooth: 0.5,
  images: false,
  ahead: 4,
  sceneCut: 20,
  maxMissed: DEFAULT_TRACKER_OPTIONS.maxMissed,
  threads: 1,
};

const VIDEO_OPTION_KEYS = optionKeys<VideoOptions>({ sampleFps: true, smooth: true, images: true, ahead: true, sceneCut: true, maxMissed: true, threads: true, signal: true });

/** Merges `options` over the defaults and checks every value. */
export function resolveVideoOptions(options: VideoOptions = {}): ResolvedVideoOptions {
  checkOptionKeys(options, VIDEO_OPTION_KEYS, 'video options');
  const o: ResolvedVideoOptions = { ...DEFAULT_VIDEO_OPTIONS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (o as Record<string, unknown>)[key] = value;
  }
  if (typeof o.sampleFps !== 'number' || !(o.sampleFps >= 0 && Number.isFinite(o.sampleFps))) throw badArgument('sampleFps', 'a number of frames per second, 0 for every frame', o.sampleFps);
  if (typeof o.smooth !== 'number' || !(o.smooth >= 0 && Number.isFinite(o.smooth))) throw badArgument('smooth', 'a number of seconds, 0 for no smoothing', o.smooth);
  if (typeof o.images !== 'boolean') throw badArgument('images', 'true or false', o.images);
  if (!Number.isInteger(o.ahead) || o.ahead < 1) throw badArgument('ahead', 'a positive integer', o.ahead);
  if (typeof o.sceneCut !== 'number' || !(o.sceneCut > 0)) throw badArgument('sceneCut', 'a positive number', o.sceneCut);
  if (!Number.isInteger(o.maxMissed) || o.maxMissed < 0) throw badArgument('maxMissed', 'a whole number of frames', o.maxMissed);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw badArgument('signal', 'an AbortSignal', o.signal);
  if (!Number.isInteger(o.threads) || o.threads < 0) throw badArgument('threads', 'a whole number, 0 to leave the setting alone', o.threads);
  return o;
}
