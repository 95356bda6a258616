// `emoscope calibrate`: fit per-class offsets on held-out faces and write the calibrated model.
import { InvalidArgumentError, Option } from 'commander';
import { calibrateModel } from '../derive/calibrate.js';
import type { CalibrateOptions } from '../derive/calibrate.js';
import { EMOTIONS } from '../types.js';
import type { Emotion } from '../types.js';
import type { RegisterCommand } from './commands.js';
import { DATA_HELP, MODEL_HELP, addDataSelectionOptions, numberOption } from './options.js';
import { checkOutput } from '../util/check-output.js';

/** The library's options, with the defaults commander fills in. */
type CalibrateFlags = CalibrateOptions & { split: 'val' | 'train'; minRecall: number };

export const registerCalibrate: RegisterCommand = (program, setExitCode) => {
  const command = program
    .command('calibrate')
    .description('Shift each class\'s score so that accuracy is highest while every class keeps a minimum recall, fitted on held-out faces; writes a new model folder (one forward pass per face, as before)')
    .option('--model <dir>', MODEL_HELP)
    .requiredOption('--data <path>', DATA_HELP)
    .requiredOption('--out <dir>', 'where to write the calibrated model folder')
    .addOption(new Option('--split <split>', 'faces the offsets are fitted on (never the test split you report)').choices(['val', 'train']).default('val'))
    .option('--min-recall <x>', 'recall every class must keep on those faces', numberOption('--min-recall', 0, 1), 0.4)
    .option('--class-min-recall <list>', 'higher minimums for some classes, e.g. disgust=0.55,fear=0.45', classMinimums);
  addDataSelectionOptions(command)
    .action(async (flags: CalibrateFlags) => {
      await checkOutput(flags.out, 'folder', '--out');
      const r = await calibrateModel({ ...flags });
      const pct = (x: number) => x.toFixed(3);
      const lines = [
        `Calibrated ${r.modelDir} on ${r.faces} ${flags.split} faces (every class's recall at least ${flags.minRecall}${flags.classMinRecall ? `; ${Object.entries(flags.classMinRecall).map(([e, v]) => `${e} ${v}`).join(', ')}` : ''}${r.feasible ? '' : ': NOT reached'})`,
        '',
        '| class | offset | recall before | recall after |',
        '|---|---|---|---|',
        ...EMOTIONS.map((e, i) => `| ${e} | ${r.offsets[i]! >= 0 ? '+' : ''}${r.offsets[i]!.toFixed(2)} | ${pct(r.before.recall[i]!)} | ${pct(r.after.recall[i]!)} |`),
        `| accuracy | | ${pct(r.before.accuracy)} | ${pct(r.after.accuracy)} |`,
        '',
        r.crossCheck
          ? `Cross-check (offsets fitted on one half of these faces, measured on the other, both ways): accuracy ${pct(r.crossCheck.before.accuracy)} → ${pct(r.crossCheck.after.accuracy)}, lowest recall ${pct(Math.min(...r.crossCheck.before.recall))} → ${pct(Math.min(...r.crossCheck.after.recall))}`
          : 'Cross-check skipped: a class has fewer than two faces.',
        '',
        `Written: ${r.out} (measure it on the test split with \`emoscope evaluate --model ${r.out}\`)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (!r.feasible) {
        // the model is written (the closest the offsets came), but a script must not take it for one that meets the floors
        const floors = EMOTIONS.map((e) => flags.classMinRecall?.[e] ?? flags.minRecall);
        const short = EMOTIONS.flatMap((e, i) => (r.after.recall[i]! < floors[i]! ? [`${e} ${pct(r.after.recall[i]!)} < ${floors[i]}`] : []));
        process.stderr.write(`emoscope: the minimum recalls were not all reached on these faces (${short.join(', ')}): ${r.out} holds the closest the offsets came; lower --min-recall or --class-min-recall to get one that meets them\n`);
        setExitCode(1);
      }
    });
};

/** Parses `disgust=0.55,fear=0.45`. */
function classMinimums(value: string): Partial<Record<Emotion, number>> {
  const out: Partial<Record<Emotion, number>> = {};
  for (const part of value.split(',')) {
    const [name, number] = part.split('=').map((t) => t.trim());
    const x = Number(number);
    if (!EMOTIONS.includes(name as Emotion) || number === undefined || number === '' || !(x >= 0 && x < 1)) {
      throw new InvalidArgumentError(`Expected class=recall pairs such as disgust=0.55 (classes: ${EMOTIONS.join(', ')}; recall from 0 to below 1) for --class-min-recall but received "${part}"`);
    }
    out[name as Emotion] = x;
  }
  return out;
}
