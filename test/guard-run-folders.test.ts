// A run folder is written by its trainer only: loading its models or reading it for a report never
// deletes or renames anything (a live trainer's temporary folders survive), while the trainer
// cleans up what dead processes left. Its files are read only from inside it. A crash between the
// last checkpoint and history.json is repaired by --resume, and --resume refuses flags that differ
// from the run's settings instead of silently ignoring them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { train } from '../src/train/train.js';
import type { History } from '../src/metrics/history.js';
import { loadModelFolder, readModelMeta } from '../src/model/folder.js';
import { readRunFolder } from '../src/runs/run-folder.js';
import { EmoscopeError } from '../src/errors.js';
import { FER_FOLDERS, tempDir } from './helpers/paths.js';

let baseRun: Promise<string> | undefined;

/** A copy of a finished 2-epoch `tiny` run. */
async function runCopy(): Promise<string> {
  baseRun ??= tempDir().then(async (dir) => {
    await train({ data: FER_FOLDERS, model: 'tiny', out: join(dir, 'run'), epochs: 2, patience: 0, workers: 1, callbacks: {} });
    return join(dir, 'run');
  });
  const out = join(await tempDir(), 'run');
  await cp(await baseRun, out, { recursive: true });
  return out;
}

/** The pid of a process that has exited (and so cannot own a temporary folder any more). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

function rejectsWith(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof EmoscopeError, `expected an EmoscopeError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

test('loading a run\'s models and reading it for a report leave a live trainer\'s temporary folders alone', async () => {
  const out = await runCopy();
  const live = process.ppid; // the test runner: alive, and not this process
  for (const name of [`best.tmp-${live}`, `last.tmp-${live}`, `last.old-${live}`]) {
    await mkdir(join(out, name));
    await writeFile(join(out, name, 'model.json'), '{"in progress": true}');
  }
  const before = (await readdir(out)).sort();
  for (const dir of ['best', 'last']) {
    const loaded = await loadModelFolder(join(out, dir));
    loaded.model.dispose();
    await readModelMeta(join(out, dir));
  }
  await readRunFolder(out);
  assert.deepEqual((await readdir(out)).sort(), before, 'a reader deleted or renamed files of the run');
  assert.equal(await readFile(join(out, `last.tmp-${live}`, 'model.json'), 'utf8'), '{"in progress": true}');
});

test('the trainer (--resume) removes the temporaries of dead processes, keeps a live one\'s, restores a dead writer\'s moved-aside folder', async () => {
  const out = await runCopy();
  const live = process.ppid;
  const dead = await deadPid();
  for (const name of [`best.tmp-${live}`, `best.tmp-${dead}`, `last.tmp-${dead}`]) await mkdir(join(out, name));
  await cp(join(out, 'best'), join(out, `best.old-${dead}`), { recursive: true });
  await rm(join(out, 'best'), { recursive: true }); // died between moving best/ aside and renaming the new one in
  await train({ out, data: '', model: '', epochs: 3, resume: true, callbacks: {} });
  const entries = await readdir(out);
  assert.ok(entries.includes(`best.tmp-${live}`), 'the live process\'s temporary folder was deleted');
  for (const name of [`best.tmp-${dead}`, `last.tmp-${dead}`, `best.old-${dead}`]) assert.ok(!entries.includes(name), `${name} was left behind`);
  assert.ok(entries.includes('best'));
});

test('history.json or config.json a link out of the run folder → refused naming the file, not read', async () => {
  const out = await runCopy();
  const outside = join(await tempDir(), 'history.json');
  await cp(join(out, 'history.json'), outside);
  await rm(join(out, 'history.json'));
  await symlink(outside, join(out, 'history.json'));
  await assert.rejects(readRunFolder(out), rejectsWith('BAD_DATA', /history\.json.*inside the folder/));

  const other = await runCopy();
  await rm(join(other, 'config.json'));
  await symlink('/etc/passwd', join(other, 'config.json'));
  await assert.rejects(train({ out: other, data: '', model: '', resume: true, callbacks: {} }), rejectsWith('BAD_CHECKPOINT', /config\.json.*inside the folder/));

  const third = await runCopy();
  await rm(join(third, 'last', 'train-state.json'));
  await symlink('/dev/zero', join(third, 'last', 'train-state.json'));
  await assert.rejects(train({ out: third, data: '', model: '', resume: true, callbacks: {} }), rejectsWith('BAD_CHECKPOINT', /train-state\.json/));
});

test('a crash after the last checkpoint but before history.json: --resume rewrites the history from the checkpoint', async () => {
  const out = await runCopy();
  const full = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as History;
  assert.equal(full.epochs.length, 2);
  await writeFile(join(out, 'history.json'), JSON.stringify({ epochs: full.epochs.slice(0, 1) })); // the crash state
  const warnings: string[] = [];
  const done = await train({ out, data: '', model: '', resume: true, callbacks: { onWarning: (m) => warnings.push(m) } });
  assert.equal(done.stopped, 'completed');
  assert.deepEqual(JSON.parse(await readFile(join(out, 'history.json'), 'utf8')), full);
  assert.match(warnings.join('\n'), /history\.json held 1 epochs, the checkpoint 2/);

  await writeFile(join(out, 'history.json'), JSON.stringify({ epochs: full.epochs.slice(0, 1) }));
  await train({ out, data: '', model: '', epochs: 3, resume: true, callbacks: {} });
  const three = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as History;
  assert.deepEqual(three.epochs.map((e) => e.epoch), [1, 2, 3]);
  assert.deepEqual(three.epochs.slice(0, 2), full.epochs);
});

test('--resume refuses --data, --model, --limit, --learning-rate that differ from the run, naming each; the run\'s own values are accepted', async () => {
  const out = await runCopy();
  const resume = (flags: Record<string, unknown>) => train({ out, data: '', model: '', resume: true, callbacks: {}, ...flags });
  await assert.rejects(resume({ learningRate: 0.5 }), rejectsWith('BAD_ARGUMENT', /--learning-rate 0\.5 \(the run's: 0\.003\)/));
  await assert.rejects(resume({ data: '/elsewhere/fer2013.csv', limit: 10 }), rejectsWith('BAD_ARGUMENT', /--limit 10 \(the run's: 0\), --data \/elsewhere\/fer2013\.csv \(the run's: ".*fer2013"\)/));
  await assert.rejects(resume({ model: 'seed-tuned' }), rejectsWith('BAD_ARGUMENT', /--model seed-tuned \(the run's: "tiny"\)/));
  const history = await readFile(join(out, 'history.json'), 'utf8');
  const again = await resume({ data: FER_FOLDERS, model: 'tiny', learningRate: 0.003, epochs: 2 });
  assert.equal(again.stopped, 'completed');
  assert.equal(await readFile(join(out, 'history.json'), 'utf8'), history);
});
