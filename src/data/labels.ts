// Folder names → emotion labels. One label order everywhere (EMOTIONS, FER2013's); the folder names
// people use for their own data sets map onto it through a table of synonyms.
import { EmoscopeError } from '../errors.js';
import { EMOTIONS, type Emotion } from '../types.js';

/** Folder names accepted for each emotion besides its own name (compared case-insensitively). */
export const EMOTION_SYNONYMS: Record<Emotion, readonly string[]> = {
  angry: ['anger'],
  disgust: ['disgusted'],
  fear: ['fearful'],
  happy: ['happiness'],
  sad: ['sadness'],
  surprise: ['surprised'],
  neutral: [],
};

const LABEL_BY_NAME = new Map<string, number>(
  EMOTIONS.flatMap((emotion, label) => [emotion, ...EMOTION_SYNONYMS[emotion]].map((name) => [name, label] as const)),
);

/** The label (index into EMOTIONS) of a folder name, or undefined when it names no emotion. */
export function labelOfName(name: string): number | undefined {
  return LABEL_BY_NAME.get(name.trim().toLowerCase());
}

/** "angry (anger), disgust (disgusted), …, neutral" — the accepted names, for error messages. */
export function acceptedNames(): string {
  return EMOTIONS.map((emotion) => {
    const synonyms = EMOTION_SYNONYMS[emotion];
    return synonyms.length > 0 ? `${emotion} (${synonyms.join(', ')})` : emotion;
  }).join(', ');
}

/** The label of class folder `name` found in `parent`; an unknown name is a BAD_DATA error listing the accepted ones. */
export function labelOfFolder(name: string, parent: string): number {
  const label = labelOfName(name);
  if (label === undefined) {
    throw new EmoscopeError(
      'BAD_DATA',
      `Unknown emotion folder "${name}" in ${parent}: expected one of ${acceptedNames()}`,
    );
  }
  return label;
}
