// The domain in one place: the label order, faces, boxes and results shared by every module.

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
