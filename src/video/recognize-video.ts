// Emotions over time in a video: frames from ffmpeg (decode.ts), each analysed frame through the
// recognizer's own photo path (detector → crops → classifier), faces followed by track.ts,
// probabilities smoothed per track (smooth.ts), tracks summarized as they go (summary.ts).
// Everything is yielded as it is known, so memory stays flat however long the video is.
import { nativeAddon } from '../engine/native.js';
import { EmoscopeError, badArgument } from '../errors.js';
import type { PhotoResult } from '../types.js';
import type { RawImage } from '../vision/image.js';
import { decodeFrames } from './decode.js';
import { resolveVideoOptions } from './options.js';
import type { VideoOptions } from './options.js';
import { probeVideo } from './probe.js';
import { EmotionSmoother, topEmotion } from './smooth.js';
import { TrackSummarizer } from './summary.js';
import { DEFAULT_TRACKER_OPTIONS, Tracker } from './track.js';
import type { VideoEvent, VideoFace } from './types.js';

/** What video recognition needs of a recognizer: its photo path, given raw pixels. */
export interface FrameRecognizer {
  recognize(input: RawImage): Promise<PhotoResult>;
}

interface TrackState {
  smoother: EmotionSmoother;
  summary: TrackSummarizer;
  /** the track's face in the last analysed frame it was seen in (drawn on skipped frames) */
  last?: VideoFace;
}

/**
 * The faces of `path`'s frames and their tracks, as events: first `video` (size, frame rate,
 * duration), then one `frame` per analysed frame, and a `track` summary as each track ends (the
 * remaining ones after the last frame). Throws NOT_FOUND or BAD_VIDEO for a file that is not a
 * readable video and UNAVAILABLE without ffmpeg, before any event; for a video that breaks off,
 * BAD_VIDEO after the events of the frames that decoded.
 * @example
 *   for await (const event of recognizer.recognizeVideo('interview.mp4', { sampleFps: 5 })) {
 *     if (event.type === 'frame') console.log(event.frame.time, event.frame.faces.map((f) => `${f.track}:${f.emotion}`));
 *     if (event.type === 'track') console.log(event.track); // { track: 1, start: 0, end: 41.2, emotion: 'neutral', scores, segments }
 *   }
 */
export async function* recognizeVideo(recognizer: FrameRecognizer, path: string, options: VideoOptions = {}): AsyncGenerator<VideoEvent> {
  const o = resolveVideoOptions(options);
  if (typeof path !== 'string' || path === '') throw badArgument('path', 'a video file path (videos are read from files by ffmpeg)', path);
  const info = await probeVideo(path);
  yield { type: 'video', file: path, info };

  const tracker = new Tracker({ ...DEFAULT_TRACKER_OPTIONS, maxMissed: o.maxMissed });
  const states = new Map<number, TrackState>();
  const ended = (id: number): VideoEvent => {
    const state = states.get(id)!;
    states.delete(id);
    return { type: 'track', track: state.summary.summary(), timeline: state.summary.timeline() };
  };
  let cut = false;
  let failure: unknown;
  const addon = o.threads > 0 ? nativeAddon() : undefined;
  const threadsBefore = addon?.setThreads(0); // 0 reads the setting without changing it
  addon?.setThreads(o.threads);
  try {
    // With sampling, ffmpeg drops the frames not analysed, unless they are wanted for drawing (`images`).
    // Without `images`, a frame's pixels go only to the recognizer, which is done with them when it returns.
    const frames = decodeFrames(path, info, { ahead: o.ahead, sampleFps: o.sampleFps, everyFrame: o.images, reuseBuffers: !o.images });
    for await (const { index, time, image, change, sampled } of frames) {
      if (o.signal?.aborted) break; // stops ffmpeg; the tracks so far are still summarized below
      // A cut between two analysed frames counts even if sampling skipped the frame it happened on.
      if (change > o.sceneCut) cut = true;
      if (!sampled) {
        if (o.images) yield { type: 'skipped', index, time, image, faces: tracker.liveIds().flatMap((id) => states.get(id)?.last ?? []) };
        continue;
      }

      const result = await recognizer.recognize({ data: image.data, width: image.width, height: image.height, channels: 3 });
      if (result.error !== undefined) throw new EmoscopeError(result.errorCode ?? 'BAD_VIDEO', `${path}: frame ${index}: ${result.error}`);
      const update = tracker.update(result.faces.map((f) => f.box), cut);
      cut = false;
      for (const id of update.ended) yield ended(id);
      const faces = result.faces.map((face, i): VideoFace => {
        const track = update.ids[i]!;
        let state = states.get(track);
        if (state === undefined) {
          state = { smoother: new EmotionSmoother(o.smooth), summary: new TrackSummarizer(track) };
          states.set(track, state);
        }
        const scores = state.smoother.update(face.scores, time);
        state.summary.add(time, scores);
        const last: VideoFace = { track, box: face.box, score: face.score, emotion: topEmotion(scores), scores };
        state.last = last;
        return last;
      });
      yield { type: 'frame', frame: { index, time, faces }, ...(o.images ? { image } : {}) };
    }
  } catch (error) {
    failure = error; // the tracks so far are still summarized below, then the error is thrown
  } finally {
    if (threadsBefore !== undefined) addon!.setThreads(threadsBefore);
  }
  for (const id of [...states.keys()].sort((a, b) => a - b)) yield ended(id);
  if (failure !== undefined) throw failure;
}
