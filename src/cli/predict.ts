// `emoscope predict <image|folder>...`: faces and their emotions in photos. On a terminal a table
// (and a progress bar for several photos), elsewhere JSON on stdout as before; --json, --csv and
// --jsonl (JSON Lines as photos finish) to files or `-` (stdout); annotated photos and a confidence
// chart per face with --out. Every output is checked before the first photo, and none may be an input.
import { EmoscopeError } from '../errors.js';
import type { Tta } from '../model/inference.js';
import { loadRecognizer } from '../predict/recognizer.js';
import { resultsToCsv } from '../predict/csv.js';
import { listImageFiles, noImagesMessage } from '../vision/files.js';
import { checkNotAnInput, checkNotInFolders, checkOutput, checkSeparateOutputs, realPaths } from '../util/check-output.js';
import { modelFoldersRead } from '../runs/locate.js';
import type { PhotoResult } from '../types.js';
import { planAnnotatedNames, writeAnnotated } from './annotated.js';
import type { AnnotatedFiles } from './annotated.js';
import type { RegisterCommand } from './commands.js';
import { guardJsonlValue } from './jsonl-value.js';
import { listingNotes, passedOverNote } from './listing.js';
import { MODEL_HELP, minFaceScoreOption, ttaOption } from './options.js';
import { STDOUT, openLineSink, stdoutUse, writeOutput } from './output.js';
import { photoProgress } from './photo-progress.js';
import { formatResultsTable, printable } from './table.js';
import { plural } from '../util/format.js';

/** A photo's result as predict writes it: the library's, plus the files --out wrote for it. */
export type PredictedPhoto = PhotoResult & Partial<AnnotatedFiles>;

interface PredictFlags {
  model?: string;
  json?: string;
  csv?: string;
  jsonl?: string | true;
  out?: string;
  largestFace?: boolean;
  minFaceScore: number;
  tiles?: boolean;
  faceCheck: boolean;
  align: boolean;
  tta: Tta;
}

export const registerPredict: RegisterCommand = (program, setExitCode) => {
  guardJsonlValue(program.command('predict'))
    .description('Find the faces in photos and recognize their emotions')
    .argument('<inputs...>', 'image files (JPEG, PNG, WebP, GIF, TIFF, BMP) or folders of them')
    .option('--model <dir>', MODEL_HELP)
    .option('--json <file>', 'write the results as one JSON array to this file (- = stdout, the default when stdout is not a terminal)')
    .option('--csv <file>', 'write one CSV row per face to this file (- = stdout)')
    .option('--jsonl [file]', 'write one JSON line per photo as each is done, to this file or stdout (- or no value; a folder or image after it is an input)')
    .option('--out <dir>', 'write an annotated copy of each photo and a confidence chart per face (<name>.<hash>.jpg, <name>.<hash>.face<N>.png)')
    .option('--largest-face', 'keep only the largest face of each photo')
    .addOption(minFaceScoreOption())
    .option('--tiles', 'also search tiles of each photo, for crowds of small faces (slower, more false faces)')
    .option('--no-face-check', 'keep every detection scored high enough, even with landmarks unlike a face\'s or tiny in the photo')
    .option('--no-align', 'crop each face straight, without turning it so that its eyes are level')
    .addOption(ttaOption())
    .action(async (inputs: string[], flags: PredictFlags) => {
      const jsonl = flags.jsonl === true ? STDOUT : flags.jsonl;
      const outputs = { json: flags.json, csv: flags.csv, jsonl };
      const onStdout = stdoutUse(outputs, Boolean(process.stdout.isTTY));
      await checkSeparateOutputs(Object.entries(outputs).map(([name, path]) => [`--${name}`, path] as const));
      for (const [name, path] of Object.entries(outputs)) if (path !== undefined) await checkOutput(path, 'file', `--${name}`);
      if (flags.out) await checkOutput(flags.out, 'folder', '--out');
      const modelFolders = await modelFoldersRead(flags.model);
      for (const [name, path] of [...Object.entries(outputs), ['out', flags.out] as const]) if (path !== undefined) await checkNotInFolders(path, `--${name}`, modelFolders);

      const listing = await listImageFiles(inputs);
      const { files } = listing;
      process.stderr.write(listingNotes(listing));
      if (files.length === 0) throw new EmoscopeError('BAD_ARGUMENT', noImagesMessage('process', inputs, listing.passedOver));
      const inputPaths = await realPaths(files);
      for (const [name, path] of Object.entries(outputs)) if (path !== undefined) await checkNotAnInput(path, `--${name}`, inputPaths);
      const annotatedBase = flags.out ? await planAnnotatedNames(files, flags.out, inputPaths) : undefined;

      const recognizer = await loadRecognizer({
        model: flags.model,
        largestFace: flags.largestFace ?? false,
        minFaceScore: flags.minFaceScore,
        tiles: flags.tiles ?? false,
        faceCheck: flags.faceCheck,
        align: flags.align,
        tta: flags.tta,
      });
      // The whole array is kept only for outputs that need it; --jsonl alone streams.
      const keep = onStdout === 'table' || flags.json !== undefined || flags.csv !== undefined || onStdout === 'json';
      const results: PredictedPhoto[] = [];
      const lines = jsonl === undefined ? undefined : await openLineSink(jsonl);
      const progress = photoProgress(files.length);
      const counts = { photos: 0, faces: 0, failed: 0, annotated: 0, charts: 0 };
      try {
        for await (const result of recognizer.recognizeEach(files)) {
          let photo: PredictedPhoto = result;
          counts.photos++;
          if (result.error !== undefined) {
            progress.log(`emoscope: ${printable(result.error)}`);
            counts.failed++;
            setExitCode(1);
          } else {
            if (result.faces.length === 0) progress.log(`emoscope: ${printable(result.file)}: no face found`);
            counts.faces += result.faces.length;
            if (annotatedBase) {
              const files = await writeAnnotated(annotatedBase.get(result.file)!, result);
              photo = { ...result, ...files };
              counts.annotated++;
              counts.charts += files.charts.length;
            }
          }
          if (keep) results.push(photo);
          await lines?.write(`${JSON.stringify(photo)}\n`);
          progress.tick(result.faces.length);
        }
      } finally {
        progress.stop();
        recognizer.dispose();
        await lines?.close();
      }

      const written: string[] = [];
      if (flags.json !== undefined || onStdout === 'json') await writeOutput(flags.json ?? STDOUT, `${JSON.stringify(results, null, 2)}\n`);
      if (flags.csv !== undefined) await writeOutput(flags.csv, resultsToCsv(results));
      if (onStdout === 'table') process.stdout.write(formatResultsTable(results));
      for (const path of [flags.json, flags.csv, jsonl]) if (path !== undefined && path !== STDOUT) written.push(path);
      if (flags.out) written.push(`${counts.annotated} annotated photo${counts.annotated === 1 ? '' : 's'} and ${counts.charts} face chart${counts.charts === 1 ? '' : 's'} in ${flags.out}`);
      process.stderr.write(`${summaryLine(counts, written)}\n${passedOverNote(listing)}`);
    });
};

/** `3 photos, 4 faces, 1 unreadable; wrote faces.json, 2 annotated photos in out/` */
export function summaryLine(counts: { photos: number; faces: number; failed: number }, written: readonly string[]): string {
  const parts = [plural(counts.photos, 'photo'), plural(counts.faces, 'face')];
  if (counts.failed > 0) parts.push(`${counts.failed} unreadable`);
  return `${parts.join(', ')}${written.length ? `; wrote ${written.map(printable).join(', ')}` : ''}`;
}
