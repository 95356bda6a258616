// `emoscope float16`: a model folder with its weights stored as 16-bit floats, half the size.
import { Option } from 'commander';
import type { Float16Options } from '../derive/float16.js';
import { float16Model } from '../derive/float16.js';
import type { RegisterCommand } from './commands.js';
import { DATA_HELP, MODEL_HELP, addDataSelectionOptions } from './options.js';
import { checkOutput } from '../util/check-output.js';

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export const registerFloat16: RegisterCommand = (program) => {
  const command = program
    .command('float16')
    .description('Store a model\'s weights as 16-bit floats: half the bytes to install and for the web page to download, the same network; with --data, the two are compared on those faces; writes a new model folder')
    .option('--model <dir>', MODEL_HELP)
    .requiredOption('--out <dir>', 'where to write the float16 model folder')
    .option('--data <path>', `${DATA_HELP}: compare the two models on its faces`)
    .addOption(new Option('--split <split>', 'the split compared with --data').choices(['train', 'val', 'test']).default('val'));
  addDataSelectionOptions(command)
    .action(async (flags: Float16Options) => {
      await checkOutput(flags.out, 'folder', '--out');
      const r = await float16Model(flags);
      const lines = [r.precisionBefore === 'float32'
        ? `Weights of ${r.modelDir}: ${megabytes(r.bytesBefore)} as float32, ${megabytes(r.bytesAfter)} as float16`
        : `Weights of ${r.modelDir}: ${megabytes(r.bytesBefore)}, float16 already; written again as float16 (${megabytes(r.bytesAfter)}), nothing gained`];
      if (r.check) {
        const c = r.check;
        lines.push(
          `On ${c.faces} faces of ${c.split}: accuracy ${c.accuracyBefore.toFixed(4)} before, ${c.accuracyAfter.toFixed(4)} after; ` +
          `${c.topChanged} ${c.topChanged === 1 ? 'face changes its' : 'faces change their'} top emotion; the largest change of a probability is ${c.largestChange.toPrecision(2)}`,
        );
      }
      lines.push(`Written: ${r.out}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
};
