// The data module's public surface: load a data set, count it, take subsets, seeded randomness.
export {
  FACE_BYTES,
  classCounts,
  emptyFaceSet,
  facePixels,
  subsetFaces,
  type BadInput,
  type DataFormat,
  type Dataset,
  type FaceSet,
  type LoadOptions,
} from './dataset.js';
export { LOAD_DEFAULTS, loadDataset } from './load.js';
export { datasetStats, formatStatsTable, type DatasetStats, type SplitStats } from './stats.js';
export { assignSplits, stratifiedSample } from './split.js';
export { createRandom, deriveSeed, randomInt, shuffleInPlace, shuffledIndices } from '../util/random.js';
export { EMOTION_SYNONYMS, labelOfName } from './labels.js';
export { defaultCacheDir } from './face-cache.js';
export { decodeFace } from './decode-face.js';
