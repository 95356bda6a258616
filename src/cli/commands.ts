// The registry of CLI commands: one entry per file under src/cli/, in the order `--help` lists them.
import type { Command } from 'commander';
import { registerTrain } from './train.js';
import { registerEvaluate } from './evaluate.js';
import { registerCalibrate } from './calibrate.js';
import { registerAverage } from './average.js';
import { registerRefreshBn } from './refresh-bn.js';
import { registerTemperature } from './temperature.js';
import { registerFloat16 } from './float16.js';
import { registerData } from './data.js';
import { registerPredict } from './predict.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerVersion } from './version.js';
import { registerBatch } from './batch.js';
import { registerVideo } from './video.js';

/** Adds one command (or a group) to the program; `setExitCode` lets a command end with a non-zero code without throwing. */
export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [
  registerTrain,
  registerEvaluate,
  registerCalibrate,
  registerAverage,
  registerRefreshBn,
  registerTemperature,
  registerFloat16,
  registerData,
  registerPredict,
  registerReport,
  registerServe,
  registerVersion,
  registerBatch,
  registerVideo,
];
