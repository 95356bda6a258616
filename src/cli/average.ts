// `emoscope average`: average the weights of fine-tuned models ("model soup") into one model.
import { InvalidArgumentError, Option } from 'commander';
import { averageModels } from '../derive/average.js';
import type { AverageOptions } from '../derive/average.js';
import type { RegisterCommand } from './commands.js';
import { addDataSelectionOptions } from './options.js';
import { checkOutput } from '../util/check-output.js';

/** The library's options (models come as arguments), with the defaults commander fills in. */
type AverageFlags = Omit<AverageOptions, 'models'> & { split: 'val' | 'train' };

/** --weights 3,1: positive numbers, comma-separated (the count is checked against the models later). */
function weightList(value: string): number[] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  if (parts.length === 0 || parts.some((p) => !Number.isFinite(p) || p <= 0) || value.split(',').some((p) => p.trim() === '')) {
    throw new InvalidArgumentError(`Expected positive numbers separated by commas (one per model, e.g. 3,1) for --weights but received "${value}"`);
  }
  return parts;
}

export const registerAverage: RegisterCommand = (program) => {
  const command = program
    .command('average')
    .description('Average the weights of models of one architecture fine-tuned from the same start ("model soup"); writes one model folder (one forward pass per face)')
    .argument('<models...>', 'model folders, or run folders (their best/ is used)')
    .requiredOption('--out <dir>', 'where to write the averaged model folder')
    .option('--data <path>', 'measure each model and the average on held-out faces of this data set')
    .option('--greedy', 'with --data: add models best first, keeping each only if the average\'s accuracy does not drop')
    .option('--weights <parts>', 'comma-separated parts of the average, one per model in the order given (3,1: three quarters of the way to the first; default: equal parts)', weightList)
    .addOption(new Option('--split <split>', 'faces measured on (never the test split you report)').choices(['val', 'train']).default('val'));
  addDataSelectionOptions(command)
    .action(async (models: string[], flags: AverageFlags) => {
      await checkOutput(flags.out, 'folder', '--out');
      const r = await averageModels({ ...flags, models });
      const acc = (x: number | null) => (x === null ? '–' : x.toFixed(4));
      const lines = [
        r.faces > 0 ? `Accuracy on ${r.faces} ${r.split} faces:` : 'Averaged (no --data: nothing measured):',
        '',
        '| model | accuracy | in the average |',
        '|---|---|---|',
        ...r.ingredients.map((g) => `| ${g.model} | ${acc(g.accuracy)} | ${g.used ? (flags.weights ? `${g.weight} part${g.weight === 1 ? '' : 's'}` : 'yes') : 'no'} |`),
        `| average of ${r.ingredients.filter((g) => g.used).length} | ${acc(r.accuracy)} | |`,
        '',
        `Written: ${r.out} (measure it on the test split with \`emoscope evaluate --model ${r.out}\`)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
};
