// The shapes a video's results take: a face in a frame with its track, a frame, a track's summary,
// and the events `recognizeVideo` yields. Times are seconds from the start of the video, boxes
// pixels of the upright frame.
import type { ErrorCode } from '../errors.js';
import type { Box, Emotion, EmotionScores } from '../types.js';
import type { RgbImage } from '../vision/image.js';
import type { VideoInfo } from './probe.js';

/** One face in one analysed frame. */
export interface VideoFace {
  /** the person's track id: the same number for the same person from frame to frame (1, 2, …) */
  track: number;
  /** the detector's box in pixels of the upright frame */
  box: Box;
  /** the detector's confidence that this is a face, 0..1 */
  score: number;
  /** the most probable emotion after temporal smoothing */
  emotion: Emotion;
  /** the seven probabilities after temporal smoothing (`smooth` seconds) */
  scores: EmotionScores;
}

/** One analysed frame. */
export interface VideoFrame {
  /** the frame's 0-based position among all the video's frames (with sampling, some are skipped) */
  index: number;
  /** seconds from the start of the video */
  time: number;
  /** faces from left to right */
  faces: VideoFace[];
}

/** A run of frames of one track in which one emotion dominates. */
export interface Segment {
  start: number;
  end: number;
  emotion: Emotion;
}

/** One person followed through the video. */
export interface TrackSummary {
  track: number;
  /** time of the first and the last frame the face was seen in */
  start: number;
  end: number;
  /** the emotion with the highest mean probability */
  emotion: Emotion;
  /** the mean of the track's (smoothed) probabilities over its frames */
  scores: EmotionScores;
  /** consecutive runs of one dominant emotion; each ends where the next starts, the last at `end` */
  segments: Segment[];
}

/** A point of a track's timeline: the mean probabilities over a short span of time starting at `time`. */
export interface TimelinePoint {
  time: number;
  scores: EmotionScores;
}

/** What `recognizeVideo` yields, in this order: the video, its frames, its tracks as they end. */
export type VideoEvent =
  | { type: 'video'; file: string; info: VideoInfo }
  /** an analysed frame; `image` (valid until the next event) only with the `images` option */
  | { type: 'frame'; frame: VideoFrame; image?: RgbImage }
  /** a frame not analysed (sampling), only with the `images` option; `faces` are the live tracks' last */
  | { type: 'skipped'; index: number; time: number; image: RgbImage; faces: VideoFace[] }
  /** a track that ended (lost, a scene cut, or the end of the video); `timeline` at most TIMELINE_POINTS long */
  | { type: 'track'; track: TrackSummary; timeline: TimelinePoint[] };

/** One video's results as the JSON output writes them. */
export interface VideoResult {
  file: string;
  width: number;
  height: number;
  fps: number;
  duration: number;
  frames: VideoFrame[];
  tracks: TrackSummary[];
  /** set when the video could not be read, or broke off (the frames before stay) */
  error?: string;
  errorCode?: ErrorCode;
}
