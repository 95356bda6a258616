// Videos: emotions over time per person. The verb is the recognizer's `recognizeVideo`
// (src/predict/recognizer.ts); these are its types, its options, and the pieces the CLI writes with.
//
//   const recognizer = await loadRecognizer();
//   for await (const e of recognizer.recognizeVideo('talk.mp4', { sampleFps: 5 })) {
//     if (e.type === 'frame') e.frame.faces;   // [{ track: 1, box, score, emotion: 'neutral', scores }, …]
//     if (e.type === 'track') e.track;         // { track: 1, start: 0, end: 41.2, emotion, scores, segments }
//   }
export { DEFAULT_VIDEO_OPTIONS, resolveVideoOptions } from './options.js';
export type { VideoOptions, ResolvedVideoOptions } from './options.js';
export type { VideoEvent, VideoFace, VideoFrame, VideoResult, TrackSummary, Segment, TimelinePoint } from './types.js';
export { probeVideo } from './probe.js';
export type { VideoInfo } from './probe.js';
export { decodeFrames } from './decode.js';
export type { DecodedFrame, DecodeOptions as VideoDecodeOptions } from './decode.js';
export { VIDEO_CSV_HEADER, VideoCsvWriter } from './csv-output.js';
export { VideoJsonWriter } from './json-output.js';
export { openSink } from './sink.js';
export type { TextSink } from './sink.js';
export { writeVideoOutputs } from './outputs.js';
export type { VideoTargets, VideoOutcome } from './outputs.js';
export { timelineSpec, EMOTION_COLORS } from './timeline-spec.js';
