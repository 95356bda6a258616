// Parsers for numeric CLI options (each names the flag and says what was expected), and the flags several commands share.
import { InvalidArgumentError, Option } from 'commander';
import { TTA_MODES } from '../choices.js';
import type { Command } from 'commander';
import { LOAD_DEFAULTS } from '../data/load.js';
import { DEFAULT_RECOGNIZER_OPTIONS } from '../predict/options.js';

/** A whole number ≥ `min`, for commander's option parser argument. */
export function intOption(flag: string, min = 0, max = Infinity): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`Expected a whole number ${range} for ${flag} but received "${value}"`);
    }
    return n;
  };
}

/** A number in [min, max), or in [min, max] with `maxIncluded`. */
export function numberOption(flag: string, min: number, max = Infinity, maxIncluded = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (n === max && !maxIncluded)) {
      const lowest = min === Number.MIN_VALUE ? 'above 0' : `of at least ${min}`; // the smallest positive number: "positive"
      const range = max === Infinity ? lowest : `from ${min} to ${maxIncluded ? '' : 'below '}${max}`;
      throw new InvalidArgumentError(`Expected a number ${range} for ${flag} but received "${value}"`);
    }
    return n;
  };
}

/** The --tta flag of every command that classifies faces: the modes of src/choices.ts, default none. */
export function ttaOption(context = ''): Option {
  return new Option('--tta <mode>', `${context}test-time augmentation: flip averages each face with its mirror image, crops 10 views (4 shifts of 2 px and the face, each mirrored)`)
    .choices([...TTA_MODES])
    .default(DEFAULT_RECOGNIZER_OPTIONS.tta);
}

/** Help of the --model flag of every command that uses a trained model. */
export const MODEL_HELP = 'a model folder, or a run folder (its best/ is used); default: the shipped model';

/** Help of the --data flag of every command that reads a data set. */
export const DATA_HELP = 'fer2013.csv, a FER2013 image-folder tree, or a tree of <class>/ folders';

/** The flags that choose which faces of a data set are used (the library's `DataSelection`). */
export function addDataSelectionOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'at most N faces per split, every class kept', intOption('--limit', 1))
    .option('--skip-bad', 'skip malformed CSV rows and undecodable images, listing them')
    .option('--val-fraction <x>', `fraction held out for validation when no folder or FER2013 file name gives val (default ${LOAD_DEFAULTS.valFraction})`, numberOption('--val-fraction', 0, 1))
    .option('--test-fraction <x>', `fraction held out for testing when no folder or FER2013 file name gives test (default ${LOAD_DEFAULTS.testFraction})`, numberOption('--test-fraction', 0, 1))
    .option('--seed <n>', `seed of class-folder splits and of --limit (default ${LOAD_DEFAULTS.seed})`, intOption('--seed', 0));
}

/** --min-face-score of every command that finds faces (predict, video). */
export function minFaceScoreOption(): Option {
  return new Option('--min-face-score <n>', 'keep faces the detector scores at least n, 0 to 1')
    .argParser(numberOption('--min-face-score', 0, 1, true))
    .default(DEFAULT_RECOGNIZER_OPTIONS.minFaceScore);
}
