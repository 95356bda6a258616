// `emoscope predict <image|folder>...`: faces and their emotions in photos, as JSON (stdout or
// --json), CSV (--csv), and annotated photos with a confidence chart per face (--out).
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { EmoscopeError } from '../errors.js';
import type { Tta } from '../model/inference.js';
import { loadRecognizer } from '../predict/recognizer.js';
import { resultsToCsv } from '../predict/csv.js';
import { annotatePhoto } from '../vision/annotate.js';
import { listImageFiles } from '../vision/files.js';
import { confidenceBarsSpec } from '../report/specs/confidence-bars.js';
import { renderPng } from '../report/render.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { PhotoResult } from '../types.js';
import type { RegisterCommand } from './commands.js';
import { MODEL_HELP, minFaceScoreOption, ttaOption } from './options.js';

interface PredictFlags {
  model?: string;
  json?: string;
  csv?: string;
  out?: string;
  largestFace?: boolean;
  minFaceScore: number;
  tiles?: boolean;
  tta: Tta;
}

export const registerPredict: RegisterCommand = (program, setExitCode) => {
  program
    .command('predict')
    .description('Find the faces in photos and recognize their emotions')
    .argument('<inputs...>', 'image files (JPEG, PNG, WebP, GIF, TIFF, BMP) or folders of them')
    .option('--model <dir>', MODEL_HELP)
    .option('--json <file>', 'write the results as JSON to this file instead of stdout')
    .option('--csv <file>', 'also write one CSV row per face')
    .option('--out <dir>', 'write an annotated copy of each photo and a confidence chart per face')
    .option('--largest-face', 'keep only the largest face of each photo')
    .addOption(minFaceScoreOption())
    .option('--tiles', 'also search tiles of each photo, for crowds of small faces (slower, more false faces)')
    .addOption(ttaOption())
    .action(async (inputs: string[], flags: PredictFlags) => {
      const { files, empty } = await listImageFiles(inputs);
      for (const dir of empty) process.stderr.write(`emoscope: ${dir}: no image files in this folder\n`);
      if (files.length === 0) throw new EmoscopeError('BAD_ARGUMENT', `No images to process in ${inputs.join(', ')}`);

      const recognizer = await loadRecognizer({
        model: flags.model,
        largestFace: flags.largestFace ?? false,
        minFaceScore: flags.minFaceScore,
        tiles: flags.tiles ?? false,
        tta: flags.tta,
      });
      const results: PhotoResult[] = [];
      const stems = new Set<string>();
      try {
        for await (const result of recognizer.recognizeEach(files)) {
          const file = result.file;
          results.push(result);
          if (result.error !== undefined) {
            process.stderr.write(`emoscope: ${result.error}\n`);
            setExitCode(1);
            continue;
          }
          if (result.faces.length === 0) process.stderr.write(`emoscope: ${file}: no face found\n`);
          if (flags.out) await writeVisuals(flags.out, uniqueStem(file, stems), result);
        }
      } finally {
        recognizer.dispose();
      }

      const json = `${JSON.stringify(results, null, 2)}\n`;
      if (flags.json) await writeFileAtomic(flags.json, json);
      else process.stdout.write(json);
      if (flags.csv) await writeFileAtomic(flags.csv, resultsToCsv(results));
    });
};

/** `<out>/<stem>.jpg` with boxes and labels, and `<out>/<stem>.face<N>.png`, the confidence chart of face N. */
async function writeVisuals(out: string, stem: string, result: PhotoResult): Promise<void> {
  await mkdir(out, { recursive: true });
  const annotations = result.faces.map((f, i) => ({ box: f.box, label: `${i + 1} ${f.emotion} ${Math.round(f.scores[f.emotion] * 100)}%` }));
  await writeFile(join(out, `${stem}.jpg`), await annotatePhoto(result.file, annotations));
  for (const [i, face] of result.faces.entries()) {
    const spec = confidenceBarsSpec(face.scores, { title: `${basename(result.file)}, face ${i + 1}` });
    await writeFile(join(out, `${stem}.face${i + 1}.png`), await renderPng(spec));
  }
}

/** The file's name without extension, made unique among the photos of this run (photo, photo-2, …). */
export function uniqueStem(file: string, used: Set<string>): string {
  const base = basename(file, extname(file));
  let stem = base;
  for (let n = 2; used.has(stem); n++) stem = `${base}-${n}`;
  used.add(stem);
  return stem;
}
