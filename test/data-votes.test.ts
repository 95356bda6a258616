// Annotators' votes (FER+): FER+'s majority and outlier rules, matching votes to faces by file name
// or fer2013.csv row, errors that name the line and column, `train --soft-labels` (a student learns
// the votes) and `evaluate --labels` (the relabelled test figure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset } from '../src/data/load.js';
import { majorityLabel, readVotes, relabelByMajority, voteShares, voteTargets, votesOf } from '../src/data/votes.js';
import type { FaceVotes } from '../src/data/votes.js';
import { evaluate } from '../src/evaluate/evaluate-model.js';
import { train } from '../src/train/train.js';
import { EMOTIONS } from '../src/types.js';
import { CLI, FER_FOLDERS, tempDir } from './helpers/paths.js';

const run = promisify(execFile);
const FERPLUS_HEADER = 'row,usage,msambare_file,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF';
const ORDER = ['neutral', 'happy', 'surprise', 'sad', 'angry', 'disgust', 'fear'] as const;

/** FaceVotes from FER+'s column order: neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF. */
function votes(counts: number[]): FaceVotes {
  const emotions = new Float32Array(EMOTIONS.length);
  ORDER.forEach((name, i) => (emotions[EMOTIONS.indexOf(name)] = counts[i]!));
  return { emotions, others: new Map([['contempt', counts[7]!], ['unknown', counts[8]!], ['nf', counts[9]!]]) };
}
const label = (name: (typeof EMOTIONS)[number]) => EMOTIONS.indexOf(name);

test('FER+ rules: single votes are outliers, a majority is more than half of what remains, non-emotions say why', () => {
  // FER2013 row 0 (labelled angry): neutral 4, sad 1, anger 3, disgust 2.
  const row0 = votes([4, 0, 0, 1, 3, 2, 0, 0, 0, 0]);
  assert.equal(majorityLabel(row0), 'no majority', '4 of 9 is not more than half');
  assert.deepEqual([...voteShares(row0)!].map((v) => +v.toFixed(3)), EMOTIONS.map((e) => ({ neutral: 0.444, angry: 0.333, disgust: 0.222 } as Record<string, number>)[e] ?? 0));
  assert.equal(majorityLabel(votes([1, 8, 0, 0, 0, 0, 0, 0, 1, 0])), label('happy'), 'the single neutral and unknown votes are dropped');
  assert.equal(majorityLabel(votes([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])), 'no majority', 'a tie is no majority');
  assert.equal(majorityLabel(votes([0, 4, 0, 0, 0, 0, 0, 0, 6, 0])), 'unknown');
  assert.equal(majorityLabel(votes([0, 0, 0, 0, 0, 0, 0, 0, 0, 10])), 'nf');
  assert.equal(majorityLabel(votes([2, 0, 0, 0, 0, 0, 0, 8, 0, 0])), 'contempt');
  assert.equal(majorityLabel(votes([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])), 'no votes', 'only single votes');
  assert.equal(voteShares(votes([1, 1, 0, 0, 0, 0, 0, 0, 9, 0])), undefined, 'no emotion keeps a vote');
});

test('votes are found by file name (any folder, any extension) or by fer2013.csv row', async () => {
  const dir = await tempDir();
  const file = join(dir, 'votes.csv');
  await writeFile(file, `${FERPLUS_HEADER}\n0,Training,train/angry/Training_1.jpg,0,10,0,0,0,0,0,0,0,0\n1,Training,train/sad/Training_2.jpg,0,0,0,9,0,0,0,0,1,0\n`);
  const table = await readVotes(file);
  assert.equal(table.rows, 2);
  assert.equal(votesOf(table, '/elsewhere/det/Training_1.png')?.emotions[label('happy')], 10);
  assert.equal(votesOf(table, 'data/fer2013.csv:3')?.emotions[label('sad')], 9, 'line 3 is row 1 (line 1 is the header)');
  assert.equal(votesOf(table, 'Training_3.jpg'), undefined);

  // FER+'s own file: no face column, rows in fer2013.csv's order
  const ferplus = join(dir, 'fer2013new.csv');
  await writeFile(ferplus, 'Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\nTraining,fer0000000.png,4,0,0,1,3,2,0,0,0,0\nTraining,fer0000001.png,6,0,1,1,0,0,0,0,2,0\n');
  const inOrder = await readVotes(ferplus);
  assert.equal(votesOf(inOrder, 'fer2013.csv:3')?.emotions[label('neutral')], 6, 'line 3 of fer2013.csv is the second row');
});

test('a votes file with a missing emotion column, a bad count or no face column is refused with its line and column', async () => {
  const dir = await tempDir();
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  await assert.rejects(readVotes(await write('a.csv', 'file,neutral,happy,surprise,sad,angry,fear\nx.jpg,1,2,3,4,5,6\n')), (e: Error) => /a\.csv line 1: expected a vote column for every emotion but disgust has none/.test(e.message));
  await assert.rejects(readVotes(await write('b.csv', `${FERPLUS_HEADER}\n0,Training,x.jpg,0,ten,0,0,0,0,0,0,0,0\n`)), (e: Error) => /b\.csv line 2, column happiness: expected a vote count of at least 0 but found "ten"/.test(e.message));
  await assert.rejects(readVotes(await write('c.csv', 'who,neutral,happy,surprise,sad,angry,disgust,fear\nx,1,1,1,1,1,1,1\n')), (e: Error) => /c\.csv line 1: expected a column naming the face/.test(e.message));
  await assert.rejects(readVotes(join(dir, 'missing.csv')), (e: Error & { code?: string }) => e.code === 'NOT_FOUND' && /missing\.csv does not exist/.test(e.message));
  await assert.rejects(readVotes(dir), (e: Error & { code?: string }) => e.code === 'BAD_DATA' && /is a folder; expected a CSV file of votes/.test(e.message));
});

/** A votes file for the fixture's faces: every training face voted `trainAs`; test faces: the first half happy, the rest split. */
async function fixtureVotes(dir: string, trainAs: (typeof ORDER)[number]): Promise<string> {
  const data = await loadDataset(FER_FOLDERS, { cacheDir: false });
  const rows = [FERPLUS_HEADER];
  data.splits.train.origins.forEach((origin, i) => {
    const counts = ORDER.map((name) => (name === trainAs ? 10 : 0));
    rows.push(`${i},Training,${origin},${counts.join(',')},0,0,0`);
  });
  data.splits.test.origins.forEach((origin, i) => {
    const counts = i % 2 === 0 ? [0, 9, 0, 0, 0, 0, 0] : [5, 0, 0, 0, 5, 0, 0];
    rows.push(`${1000 + i},PrivateTest,${origin},${counts.join(',')},0,1,0`);
  });
  const file = join(dir, 'votes.csv');
  await writeFile(file, `${rows.join('\n')}\n`);
  return file;
}

test('voteTargets uses the vote shares where a face has votes and its own label elsewhere', async () => {
  const dir = await tempDir();
  const file = await fixtureVotes(dir, 'disgust');
  const data = await loadDataset(FER_FOLDERS, { cacheDir: false });
  const train = data.splits.train;
  const { targets, matched } = voteTargets(await readVotes(file), train);
  assert.equal(matched, train.count);
  for (let i = 0; i < train.count; i++) assert.equal(targets[i * EMOTIONS.length + label('disgust')], 1);
  const test = data.splits.test;
  const own = voteTargets(await readVotes(file), { ...test, origins: test.origins.map((o) => `${o}.unmatched`) });
  assert.equal(own.matched, 0);
  for (let i = 0; i < test.count; i++) assert.equal(own.targets[i * EMOTIONS.length + test.labels[i]!], 1);
});

test('train --soft-labels: a student taught votes of disgust for every face answers disgust; a file naming no face is refused', async () => {
  const dir = await tempDir();
  const file = await fixtureVotes(dir, 'disgust');
  const status: string[] = [];
  const common = { data: FER_FOLDERS, model: 'tiny', epochs: 4, patience: 0, seed: 5 };
  await train({ ...common, out: join(dir, 'student'), softLabels: file, distill: 1, callbacks: { onStatus: (m) => status.push(m) } });
  assert.match(status.join('\n'), /Soft labels from .*votes\.csv: votes for \d+ of \d+ training faces/);
  const { report } = await evaluate({ model: join(dir, 'student', 'last'), data: FER_FOLDERS, split: 'train' });
  const disgust = report.confusionMatrix.reduce((a, row) => a + row[label('disgust')]!, 0) / report.confusionMatrix.flat().reduce((a, b) => a + b, 0);
  assert.ok(disgust > 0.8, `the student answers disgust for ${disgust} of the faces`);
  const config = JSON.parse(await readFile(join(dir, 'student', 'config.json'), 'utf8')) as { softLabels: string };
  assert.equal(config.softLabels, file, 'the run records its soft labels');

  const none = join(dir, 'none.csv');
  await writeFile(none, `${FERPLUS_HEADER}\n0,Training,nobody.jpg,0,10,0,0,0,0,0,0,0,0\n`);
  await assert.rejects(train({ ...common, epochs: 1, out: join(dir, 'none'), softLabels: none, callbacks: {} }), /none\.csv: none of its rows names one of the \d+ training faces/);
  await assert.rejects(train({ ...common, epochs: 1, out: join(dir, 'both'), softLabels: file, teacher: join(dir, 'student'), callbacks: {} }), /either a teacher or soft labels, not both/);
});

test('evaluate --labels relabels by majority, leaves out faces without one, and says how many', async () => {
  const dir = await tempDir();
  const file = await fixtureVotes(dir, 'happy');
  await train({ data: FER_FOLDERS, model: 'tiny', out: join(dir, 'run'), epochs: 1, callbacks: {} });
  const data = await loadDataset(FER_FOLDERS, { splits: ['test'], cacheDir: false });
  const relabelled = relabelByMajority(await readVotes(file), data.splits.test);
  const half = Math.ceil(data.splits.test.count / 2);
  assert.equal(relabelled.kept, half);
  assert.deepEqual(relabelled.leftOut, { 'no votes': 0, 'no majority': data.splits.test.count - half, contempt: 0, unknown: 0, nf: 0 });
  assert.ok([...relabelled.faces.labels].every((l) => l === label('happy')));

  const json = join(dir, 'eval.json');
  const { stdout } = await run(process.execPath, [CLI, 'evaluate', '--model', join(dir, 'run'), '--data', FER_FOLDERS, '--split', 'test', '--labels', file, '--json', json]);
  assert.match(stdout, new RegExp(`Labels from .*votes\\.csv: ${half} faces kept \\(\\d+ with a new label\\), left out: ${data.splits.test.count - half} no majority`));
  assert.match(stdout, new RegExp(`on ${half} faces`));
  const written = JSON.parse(await readFile(json, 'utf8')) as { relabelled: { kept: number }; perClass: Record<string, { support: number }> };
  assert.equal(written.relabelled.kept, half);
  assert.equal(written.perClass.happy!.support, half, 'every kept face is happy now');
});
