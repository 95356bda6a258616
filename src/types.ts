// The domain in one place: the label order, faces, boxes and results shared by every module.
import type { ErrorCode } from './errors.js';

/** The seven FER2013 emotions in the original label order of `fer2013.csv` (0 = angry … 6 = neutral). */
export const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;

/** One of the seven FER2013 emotions. */
export type Emotion = (typeof EMOTIONS)[number];

/** Probability per emotion, all seven present, summing to 1. */
export type EmotionScores = Record<Emotion, number>;

/** Side of the square grayscale faces the models take (FER2013's 48×48). */
export const FACE_SIZE = 48;

/** The three splits of a data set: FER2013's Training, PublicTest and PrivateTest. */
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** A box in pixels of the upright image: top-left corner, width and height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face in a photo: where it is, how sure the detector is that it is a face, and its emotions. */
export interface FaceResult {
  /** the detector's box, in pixels of the upright photo */
  box: Box;
  /** the detector's confidence that this is a face, 0..1 */
  score: number;
  /** the most probable emotion */
  emotion: Emotion;
  /** the classifier's probability for each of the seven emotions */
  scores: EmotionScores;
}

/** What recognizing one photo gives: its upright size and its faces, or why it could not be read. */
export interface PhotoResult {
  /** the path given, or `<buffer N>` / `<pixels N>` for inputs that are not files */
  file: string;
  /** upright width and height in pixels (0 when the photo could not be read) */
  width: number;
  height: number;
  /** faces from left to right; empty when none was found */
  faces: FaceResult[];
  /** set only when the photo could not be processed: what went wrong */
  error?: string;
  /** set with `error`: its code in the error catalogue (src/errors.ts), e.g. BAD_IMAGE */
  errorCode?: ErrorCode;
}
