// `emoscope train`: parse flags, train, print progress; Ctrl-C stops after saving a checkpoint.
import { Option } from 'commander';
import { EmoscopeError } from '../errors.js';
import { architectureNames } from '../model/registry.js';
import { TTA_MODES } from '../model/inference.js';
import type { Tta } from '../model/inference.js';
import { AUGMENT_PRESET_NAMES } from '../data/augment.js';
import type { AugmentPreset } from '../data/augment.js';
import { MIX_MODES } from '../data/mix.js';
import type { MixMode } from '../data/mix.js';
import { CLASS_WEIGHTINGS, OPTIMIZERS } from '../choices.js';
import type { Optimizer } from '../choices.js';
import { TRAIN_DEFAULTS } from '../train/config.js';
import type { ClassWeighting } from '../train/config.js';
import { SCHEDULES } from '../train/schedule.js';
import type { Schedule } from '../train/schedule.js';
import { train } from '../train/train.js';
import { checkOutput } from '../util/check-output.js';
import type { RegisterCommand } from './commands.js';
import { DATA_HELP, intOption, numberOption } from './options.js';
import { progressCallbacks } from './progress.js';

interface TrainFlags {
  data?: string;
  model?: string;
  out: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  limit?: number;
  patience?: number;
  seed?: number;
  resume?: boolean;
  skipBad?: boolean;
  valFraction?: number;
  testFraction?: number;
  optimizer?: Optimizer;
  augment?: AugmentPreset;
  labelSmoothing?: number;
  mix?: MixMode;
  mixAlpha?: number;
  classWeighting?: ClassWeighting;
  weightDecay?: number;
  schedule?: Schedule;
  warmup?: number;
  workers?: number;
  init?: string;
  teacher?: string[];
  teacherTta?: Tta;
  distill?: number;
  softLabels?: string;
}

export const registerTrain: RegisterCommand = (program, setExitCode) => {
  program
    .command('train')
    .description('Train an architecture on a data set; writes a run folder with best/, last/, history.json and config.json')
    .option('--data <path>', DATA_HELP)
    .addOption(new Option('--model <name>', 'architecture').choices(architectureNames()))
    .requiredOption('--out <dir>', 'run folder')
    .option('--epochs <n>', 'passes over the training split (default: the architecture\'s recipe)', intOption('--epochs', 1))
    .option('--batch-size <n>', 'faces per step (default: the architecture\'s recipe)', intOption('--batch-size', 1))
    .option('--learning-rate <x>', 'optimizer step size (default: the architecture\'s recipe)', numberOption('--learning-rate', Number.MIN_VALUE))
    .option('--limit <n>', 'at most N faces per split, every class kept (quick runs)', intOption('--limit', 1))
    .option('--patience <n>', `early stopping after N epochs without a better validation accuracy (0 = off; default ${TRAIN_DEFAULTS.patience})`, intOption('--patience', 0))
    .option('--seed <n>', `seed of initialization, shuffling and splits (default ${TRAIN_DEFAULTS.seed})`, intOption('--seed', 0))
    .option('--val-fraction <x>', `fraction held out for validation when no folder or FER2013 file name gives val (default ${TRAIN_DEFAULTS.valFraction})`, numberOption('--val-fraction', 0, 1))
    .option('--test-fraction <x>', `fraction held out for testing when no folder or FER2013 file name gives test (default ${TRAIN_DEFAULTS.testFraction})`, numberOption('--test-fraction', 0, 1))
    .addOption(new Option('--optimizer <name>', "optimizer (default: the architecture's recipe)").choices(OPTIMIZERS))
    .addOption(new Option('--augment <preset>', 'data augmentation: shifts, zoom, rotation, flips, brightness/contrast, erasing (light: half the geometry, no erasing; capture: flips, strong brightness/contrast, blur, low resolution and noise as phones and webcams deliver faces)').choices(AUGMENT_PRESET_NAMES))
    .option('--label-smoothing <x>', `label smoothing ε (default ${TRAIN_DEFAULTS.labelSmoothing})`, numberOption('--label-smoothing', 0, 1))
    .addOption(new Option('--class-weighting <mode>', 'loss weight per class from its frequency').choices(CLASS_WEIGHTINGS))
    .option('--weight-decay <x>', `L2 decay on conv and dense kernels (default ${TRAIN_DEFAULTS.weightDecay})`, numberOption('--weight-decay', 0))
    .addOption(new Option('--schedule <name>', 'learning-rate schedule').choices(SCHEDULES))
    .option('--warmup <x>', 'learning-rate warm-up as a fraction of the run', numberOption('--warmup', 0, 1))
    .option('--workers <n>', 'worker threads computing each step in parallel; 1 = no workers (default: 1 with the native kernels, which use every core already; else the number of cores)', intOption('--workers', 1))
    .option('--init <model-dir>', 'start from the weights of a trained model folder instead of random ones (fine-tuning; --model defaults to its architecture)')
    .option('--teacher <model-dir...>', 'knowledge distillation: blend this model\'s probabilities on each training face into the targets; several models (--teacher a b, or the flag repeated): their probabilities averaged, an ensemble taught to one model')
    .addOption(new Option('--teacher-tta <mode>', `test-time augmentation of the teacher (default ${TRAIN_DEFAULTS.teacherTta})`).choices([...TTA_MODES]))
    .option('--soft-labels <votes.csv>', 'blend annotators\' votes per face into the targets instead of a teacher\'s probabilities (a CSV with a face column — file, msambare_file, path, image or row — and a vote count per emotion; or FER+\'s fer2013new.csv with --data fer2013.csv)')
    .option('--distill <x>', `weight α of the teacher or of the soft labels: targets = (1-α)·label + α·teacher (default ${TRAIN_DEFAULTS.distill})`, numberOption('--distill', 0, 1, true))
    .addOption(new Option('--mix <mode>', 'mix each batch\'s faces in pairs and their targets alike: mixup blends whole faces, cutmix pastes a rectangle of one face into another (default none)').choices(MIX_MODES))
    .option('--mix-alpha <x>', `α of the Beta(α, α) distribution of the mixing weight (default ${TRAIN_DEFAULTS.mixAlpha}: uniform)`, numberOption('--mix-alpha', Number.MIN_VALUE))
    .option('--skip-bad', 'skip malformed CSV rows and undecodable images, listing them')
    .option('--resume', 'continue the run in --out from its last checkpoint, with the run\'s settings (config.json): only --epochs, --patience and --workers may be changed; other flags that differ are refused')
    .action(async (flags: TrainFlags) => {
      if (!flags.resume && (!flags.data || !(flags.model || flags.init))) {
        throw new EmoscopeError('BAD_ARGUMENT', 'train needs --data <path> and --model <name> or --init <model-dir> (or --resume with the --out of an earlier run)');
      }
      await checkOutput(flags.out, 'folder', '--out'); // before the data loads and the first epoch
      const controller = new AbortController();
      const onSigint = () => {
        if (controller.signal.aborted) process.exit(130); // a second Ctrl-C quits at once
        process.stderr.write('\nStopping after this batch and saving a checkpoint (Ctrl-C again to quit now)…\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await train({
          data: flags.data ?? '',
          model: flags.model ?? '',
          out: flags.out,
          epochs: flags.epochs,
          batchSize: flags.batchSize,
          learningRate: flags.learningRate,
          limit: flags.limit,
          patience: flags.patience,
          seed: flags.seed,
          valFraction: flags.valFraction,
          testFraction: flags.testFraction,
          skipBad: flags.skipBad,
          optimizer: flags.optimizer,
          augment: flags.augment,
          labelSmoothing: flags.labelSmoothing,
          classWeighting: flags.classWeighting,
          weightDecay: flags.weightDecay,
          schedule: flags.schedule,
          warmup: flags.warmup,
          workers: flags.workers,
          init: flags.init,
          teacher: flags.teacher,
          teacherTta: flags.teacherTta,
          distill: flags.distill,
          softLabels: flags.softLabels,
          mix: flags.mix,
          mixAlpha: flags.mixAlpha,
          resume: flags.resume,
          signal: controller.signal,
          callbacks: progressCallbacks(),
        });
        if (result.stopped === 'interrupted') setExitCode(130);
        else if (result.best) process.stderr.write(`Next: \`emoscope report ${flags.out}\` writes one HTML page about this run (add --data <path> to evaluate on the test split)\n`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
};
