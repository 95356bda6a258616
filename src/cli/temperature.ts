// `emoscope temperature`: fit a temperature on the validation faces (negative log-likelihood) and fold
// it into the model's final layer, so that its probabilities mean what they say; accuracy is unchanged.
import { Option } from 'commander';
import type { TemperatureOptions } from '../derive/temperature.js';
import { temperatureScaleModel } from '../derive/temperature.js';
import type { RegisterCommand } from './commands.js';
import { DATA_HELP, MODEL_HELP, addDataSelectionOptions } from './options.js';
import { checkOutput } from '../util/check-output.js';

export const registerTemperature: RegisterCommand = (program) => {
  const command = program
    .command('temperature')
    .description('Fit a temperature on held-out faces (minimum negative log-likelihood) and fold it into the final layer: calibrated probabilities, the same top emotion; writes a new model folder')
    .option('--model <dir>', MODEL_HELP)
    .requiredOption('--data <path>', DATA_HELP)
    .requiredOption('--out <dir>', 'where to write the scaled model folder')
    .addOption(new Option('--split <split>', 'the faces the temperature is fitted on (never test: it is for reporting)').choices(['val', 'train']).default('val'));
  addDataSelectionOptions(command)
    .action(async (flags: TemperatureOptions) => {
      await checkOutput(flags.out, 'folder', '--out');
      const r = await temperatureScaleModel(flags);
      const lines = [
        `Temperature ${r.temperature.toFixed(4)} fitted on ${r.faces} faces of ${flags.split ?? 'val'} for ${r.modelDir}`,
        `Negative log-likelihood ${r.nllBefore.toFixed(4)} → ${r.nllAfter.toFixed(4)}; expected calibration error (15 bins) ${r.eceBefore.toFixed(4)} → ${r.eceAfter.toFixed(4)} (on the same faces)`,
        `Written: ${r.out} (measure it on the test split with \`emoscope evaluate --model ${r.out}\`)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
};
