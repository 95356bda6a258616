// The page's "Please read" sentences about the model in use, from its emoscope.json: what it was
// trained on (FER2013 for the shipped model; for one's own, the folder of faces, with no claim either
// way about what faces those are) and how often it was wrong where it was measured.
import { measuredAccuracies, measurements, trainingSource } from '../model/describe.js';
import type { ModelMeta } from '../model/meta.js';

/** The footer's texts: `origin` (what the model learned from), `errors` (how often it is wrong), `about` (the model line). */
export interface ModelNote {
  origin: string;
  errors: string;
  about: string;
}

export function modelNote(meta: ModelMeta): ModelNote {
  const source = trainingSource(meta);
  const origin =
    source.kind === 'fer2013'
      ? 'the model was trained on FER2013, a research data set of 48×48 faces labelled with seven expressions.'
      : source.kind === 'own'
        ? `the model in use was trained on the faces in “${source.name}”${source.faces === undefined ? '' : ` (${source.faces.toLocaleString('en-US')})`}${source.from === undefined ? '' : `, starting from the model “${source.from}”`}: it has learned what those faces and their labels show.`
        : 'the model in use does not say what it was trained on.';
  const first = measurements(meta)[0];
  const where = first?.name ?? `its ${first?.split === 'test' ? 'test' : 'validation'} split`;
  const errors =
    first === undefined
      ? 'how often the model is wrong was not measured'
      : `the model is wrong about ${Math.round((1 - first.accuracy) * 100)} % of the faces of ${where}, and more often on faces unlike them`;
  const measured = measuredAccuracies(meta);
  const about = `Model: ${meta.architecture}, ${meta.parameters.toLocaleString('en-US')} parameters${measured.length ? `; ${measured.join(', ')}` : ''}.`;
  return { origin, errors, about };
}
