// emoscope's public entry: a few verbs and the types they speak.
//
//   import { loadRecognizer, loadDataset, train, evaluate } from 'emoscope';
//   const recognizer = await loadRecognizer();                          // the shipped model, offline
//   (await recognizer.recognize('photo.jpg')).faces;                    // [{ box, score, emotion, scores }, …]
//   const data = await loadDataset('fer2013.csv');                      // { splits: { train, val, test }, … }
//   const run = await train({ data: 'fer2013.csv', model: 'seed-tuned', out: 'runs/tuned' });
//   const { report } = await evaluate({ model: 'runs/tuned', data: 'fer2013.csv', split: 'test' });
//   report.accuracy;                                                    // e.g. 0.61
export { EMOTIONS, FACE_SIZE, SPLITS } from './types.js';
export type { Emotion, EmotionScores, Split, Box } from './types.js';
export { EmoscopeError } from './errors.js';
export type { ErrorCode } from './errors.js';

// Data
export { loadDataset } from './data/load.js';
export { classCounts, subsetFaces } from './data/dataset.js';
export type { Dataset, FaceSet, DataFormat, LoadOptions, DataSelection, BadInput } from './data/dataset.js';

// Models
export { getArchitecture, architectureNames, listArchitectures } from './model/registry.js';
export type { Architecture, Recipe, BuildOptions } from './model/architecture.js';
export { loadModelFolder as loadModel, saveModelFolder as saveModel } from './model/folder.js';
export type { SaveOptions } from './model/folder.js';
export type { LoadedModel } from './model/folder.js';
export type { ModelMeta, Preprocessing } from './model/meta.js';
export { DEFAULT_MODEL_DIR } from './runs/locate.js';
export { predictProbabilities } from './model/inference.js';
export { inferenceClassifier } from './model/folded.js';
export type { Classifier } from './model/folded.js';
export type { Predictor, Tta } from './model/inference.js';

// Training
export { train } from './train/train.js';
export type { TrainOptions, TrainResult, TrainCallbacks, BatchInfo, TrainBeginInfo } from './train/train.js';
export type { TrainConfig } from './train/config.js';
export { TRAIN_DEFAULTS } from './train/config.js';
export type { EpochLog, History } from './metrics/history.js';

// Evaluation
export { evaluate, evaluateLoaded } from './evaluate/evaluate-model.js';
export type { EvaluateOptions, EvaluateResult } from './evaluate/evaluate-model.js';
export { evaluatePredictions, confusionMatrix } from './metrics/metrics.js';
export type { EvaluationReport, ClassMetrics } from './metrics/metrics.js';
export { storeRunEvaluation, readRunEvaluation } from './evaluate/run-evaluation.js';
export type { RunEvaluationInput, StoreOptions, StoredEvaluation, StoredEvaluationFiles } from './evaluate/run-evaluation.js';

// After training: models derived from a trained one (each writes a new model folder)
export { calibrateModel } from './derive/calibrate.js';
export type { CalibrateOptions, CalibrateResult } from './derive/calibrate.js';
export { averageModels } from './derive/average.js';
export type { AverageOptions, AverageResult, Ingredient } from './derive/average.js';
export { refreshModelBatchNorm } from './derive/refresh-bn.js';
export type { RefreshModelOptions, RefreshModelResult } from './derive/refresh-bn.js';
export { temperatureScaleModel } from './derive/temperature.js';
export type { TemperatureOptions, TemperatureResult } from './derive/temperature.js';
export { float16Model } from './derive/float16.js';
export type { Float16Check, Float16Options, Float16Result } from './derive/float16.js';

// Reports
export { writeRunReport, gatherRunReport } from './report/gather.js';
export type { RunReportOptions, RunReport } from './report/gather.js';

// Engine
export { initEngine } from './engine/backend.js';

// Photos
export * from './predict/index.js';

// The HTTP API
export { buildServer, SERVE_DEFAULTS } from './serve/index.js';
export type { ServeOptions, ServeHandle, ModelInfo } from './serve/index.js';
// Batches over many machines (BullMQ + Redis)
export { submitBatch, startBatchWorker, batchStatus, batchResults, writeBatchResults, clearBatch, BATCH_DEFAULTS } from './batch/index.js';
export type { ClearResult, SubmitOptions, SubmitResult, PassedOver, PassedOverReason, BatchWorker, BatchWorkerOptions, BatchStatus, WriteResultsOptions } from './batch/index.js';
// Videos (recognizer.recognizeVideo)
export * from './video/index.js';
