// `emoscope refresh-bn`: re-estimate a model's batch normalization statistics on plain training faces.
import type { RefreshModelOptions } from '../derive/refresh-bn.js';
import { refreshModelBatchNorm } from '../derive/refresh-bn.js';
import type { RegisterCommand } from './commands.js';
import { DATA_HELP, MODEL_HELP, addDataSelectionOptions, intOption } from './options.js';
import { checkOutput } from '../util/check-output.js';

export const registerRefreshBn: RegisterCommand = (program) => {
  const command = program
    .command('refresh-bn')
    .description('Re-estimate batch normalization\'s statistics on the training faces without augmentation (one pass, every batch weighted equally); writes a new model folder, measured on the validation faces before and after')
    .option('--model <dir>', MODEL_HELP)
    .requiredOption('--data <path>', `${DATA_HELP} (its training faces are used)`)
    .requiredOption('--out <dir>', 'where to write the refreshed model folder')
    .option('--batch-size <n>', 'faces per batch', intOption('--batch-size', 2), 256);
  addDataSelectionOptions(command)
    .action(async (flags: RefreshModelOptions) => {
      await checkOutput(flags.out, 'folder', '--out');
      const r = await refreshModelBatchNorm(flags);
      const lines = [
        `Refreshed ${r.layers} batch normalization layers of ${r.modelDir} on ${r.faces} training faces (${r.batches} batches)`,
        r.val ? `Validation accuracy on ${r.val.faces} faces: ${r.val.before.toFixed(4)} before, ${r.val.after.toFixed(4)} after` : 'No validation faces: nothing measured',
        `Written: ${r.out} (measure it on the test split with \`emoscope evaluate --model ${r.out}\`)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
};
