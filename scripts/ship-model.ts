// Makes a training run's best model a shipped model: evaluates it on the validation split
// (PublicTest) and the test split (PrivateTest), with and without test-time augmentation, records
// the figures in its emoscope.json, and writes the folder atomically (a temporary folder, then a
// rename); files of the old folder that are not the model's (MODEL_CARD.md) are carried over. Prints
// the evaluations as the tables of `emoscope evaluate`, for the model card.
//
//   npx tsc -p tsconfig.json && node dist/scripts/ship-model.js --run runs/emo-vgg --data ../shared/datasets/fer2013 --out models/default
import { parseArgs } from 'node:util';
import { cp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import type { Split } from '../src/types.js';
import type { Tta } from '../src/model/inference.js';
import { formatEvaluation } from '../src/metrics/format.js';
import { balancedAccuracy } from '../src/metrics/metrics.js';
import { META_JSON, loadModelFolder } from '../src/model/folder.js';
import { portablePaths } from '../src/util/portable-path.js';
import { resolveModelDir } from '../src/runs/locate.js';
import { countParameters } from '../src/model/inference.js';

const { values: args } = parseArgs({
  options: {
    run: { type: 'string' },
    data: { type: 'string' },
    out: { type: 'string', default: 'models/default' },
  },
});
if (!args.run || !args.data) throw new Error('usage: ship-model --run <run folder or model folder> --data <FER2013 path> [--out models/default]');

const source = await resolveModelDir(args.run);
const out = resolve(args.out!);
const metrics: Record<string, unknown> = {};
for (const split of ['val', 'test'] as Split[]) {
  for (const tta of ['none', 'flip', 'crops'] as Tta[]) {
    const { report } = await evaluate({ model: source, data: args.data, split, tta });
    const name = `${split === 'val' ? 'PublicTest' : 'PrivateTest'} (${split}), tta ${tta}`;
    process.stdout.write(`\n${formatEvaluation(report, name)}\n`);
    const entry = {
      accuracy: report.accuracy,
      balancedAccuracy: balancedAccuracy(report),
      n: report.n,
      ...(tta === 'none' && { perClass: report.perClass, confusionMatrix: report.confusionMatrix }),
    };
    metrics[tta === 'none' ? split : `${split}-tta-${tta}`] = entry;
  }
}

const tmp = join(dirname(out), `.${Date.now()}-ship`);
await cp(source, tmp, { recursive: true });
const metaFile = join(tmp, META_JSON);
const meta = JSON.parse(await readFile(metaFile, 'utf8')) as Record<string, unknown>;
const { model } = await loadModelFolder(source);
meta['parameters'] = countParameters(model);
model.dispose();
meta['metrics'] = { ...metrics, evaluatedOn: args.data, splits: { val: 'FER2013 PublicTest', test: 'FER2013 PrivateTest' } };
await writeFile(metaFile, `${JSON.stringify(portablePaths(meta), null, 2)}\n`); // no absolute paths of this machine
const old = `${out}.old-${Date.now()}`;
const exists = await stat(out).then(() => true, () => false);
// The folder's own documents (the model card, its pictures) stay: only the model's files are replaced.
if (exists) {
  const modelFiles = new Set(await readdir(tmp));
  for (const name of await readdir(out)) if (!modelFiles.has(name)) await cp(join(out, name), join(tmp, name), { recursive: true });
  await rename(out, old);
}
await rename(tmp, out);
if (exists) await rm(old, { recursive: true, force: true });
const bytes = (await stat(join(out, 'weights.bin'))).size + (await stat(join(out, 'model.json'))).size;
process.stdout.write(`\nShipped ${source} → ${out} (${bytes} bytes of model.json + weights.bin)\n`);
