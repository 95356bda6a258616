// `predict --out`: an annotated copy of each photo and a confidence chart per face, under names
// that cannot overwrite an input or each other. A photo's files are named after it plus a short
// hash of its absolute path, `<stem>.<hash>.jpg` and `<stem>.<hash>.face<N>.png`, so that a/x.jpg
// and b/x.jpg get different files in this run and in later runs into the same folder, and a rerun
// replaces the files of the same photo only. A name that would be an input is refused up front.
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { EmoscopeError } from '../errors.js';
import { confidenceBarsSpec } from '../charts/specs/confidence-bars.js';
import { renderPng } from '../charts/render.js';
import { writeFileAtomic } from '../util/atomic.js';
import { hasOutputMark } from '../util/output-mark.js';
import { realOrResolved } from '../util/check-output.js';
import { annotatePhoto } from '../vision/annotate.js';
import type { PhotoResult } from '../types.js';

/** The files written for one photo, as the JSON reports them beside its result. */
export interface AnnotatedFiles {
  /** the photo with boxes and labels */
  annotated: string;
  /** the confidence chart of each face, in face order */
  charts: string[];
}

/** Hex digits of the path hash; more where two photos of one name would share it. */
const HASH_DIGITS = 8;

/**
 * The base name (`<out>/<stem>.<hash>`, without extension) of each input's files.
 * @param inputs the real paths of every input of the run (`realPaths`)
 * @throws EmoscopeError BAD_OUTPUT when a file to write would be one of the inputs
 */
export async function planAnnotatedNames(files: readonly string[], out: string, inputs: ReadonlySet<string>): Promise<Map<string, string>> {
  const realOut = await realOrResolved(out);
  const used = new Map<string, string>(); // base → the file it belongs to
  const plan = new Map<string, string>();
  const inputBases = new Set<string>(); // inputs named like a chart, minus `.face<N>.png`
  for (const input of inputs) if (/\.face\d+\.png$/i.test(input)) inputBases.add(input.replace(/\.face\d+\.png$/i, ''));
  for (const file of files) {
    const absolute = resolve(file);
    const digest = createHash('sha256').update(absolute).digest('hex');
    const stem = basename(file, extname(file));
    let name = `${stem}.${digest.slice(0, HASH_DIGITS)}`;
    if (used.has(name) && used.get(name) !== absolute) name = `${stem}.${digest}`;
    used.set(name, absolute);
    const real = join(realOut, name);
    if (inputs.has(`${real}.jpg`) || inputBases.has(real)) {
      throw new EmoscopeError('BAD_OUTPUT', `Cannot write --out ${out}: the annotated copy of ${file} would replace the input ${real}.jpg (or one of its charts); emoscope never overwrites an input`);
    }
    plan.set(file, join(out, name));
  }
  return plan;
}

/** Writes `<base>.jpg` with boxes and labels and `<base>.face<N>.png`, the confidence chart of face N. */
export async function writeAnnotated(base: string, result: PhotoResult): Promise<AnnotatedFiles> {
  await mkdir(resolve(base, '..'), { recursive: true });
  const labels = result.faces.map((f, i) => ({ box: f.box, label: `${i + 1} ${f.emotion} ${Math.round(f.scores[f.emotion] * 100)}%` }));
  const annotated = `${base}.jpg`;
  await writeFileAtomic(annotated, await annotatePhoto(result.file, labels));
  const charts: string[] = [];
  for (const [i, face] of result.faces.entries()) {
    const spec = confidenceBarsSpec(face.scores, { title: `${basename(result.file)}, face ${i + 1}` });
    const chart = `${base}.face${i + 1}.png`;
    await writeFileAtomic(chart, await renderPng(spec));
    charts.push(chart);
  }
  await removeStaleCharts(base, charts.length);
  return { annotated, charts };
}

/**
 * Deletes the charts an earlier run wrote for faces this run did not find (`<base>.face<N>.png`,
 * N above `count`), so the folder does not show faces that are no longer there. Only files that
 * carry emoscope's mark go: a user's own file of that name stays.
 */
async function removeStaleCharts(base: string, count: number): Promise<void> {
  const folder = dirname(base);
  const prefix = `${basename(base)}.face`;
  for (const entry of await readdir(folder)) {
    const n = entry.startsWith(prefix) ? /^(\d+)\.png$/.exec(entry.slice(prefix.length))?.[1] : undefined;
    if (n === undefined || Number(n) <= count) continue;
    const file = join(folder, entry);
    if (await hasOutputMark(file)) await rm(file, { force: true });
  }
}
