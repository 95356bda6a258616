// The line `emoscope video` prints per video when stderr is not a terminal: frames, tracks, time
// taken, and its pace against real time only when the analysed frames span some video time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { videoProgress } from '../src/cli/video-progress.js';

function lines(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string) => { text += chunk; return true; } };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

test('a one-frame video gets no "0.00× real time"; a longer one gets its pace', () => {
  const out = lines();
  const progress = videoProgress(out.stream);
  progress.start('still.mp4', 1);
  progress.stop({ frames: 1, tracks: 1, time: 0 });
  progress.start('clip.mp4', 30);
  progress.stop({ frames: 30, tracks: 2, time: 2.9, interrupted: true });
  const [still, clip] = out.text().trim().split('\n');
  assert.match(still!, /^still\.mp4: 1 frame analysed, 1 track, \d+\.\d s$/);
  assert.match(clip!, /^clip\.mp4: 30 frames analysed, 2 tracks, \d+\.\d s \([\d.]+× real time\); interrupted$/);
});
