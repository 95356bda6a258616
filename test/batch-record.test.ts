// The pieces of the batch system that need no Redis: the stored form of a result (compact, bounded,
// turned back into exactly predict's result), the streamed JSON array (byte for byte predict's
// format), and the --redis URL check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResult, encodeResult } from '../src/batch/record.js';
import { JsonArrayWriter } from '../src/batch/json-stream.js';
import { redisOptions } from '../src/batch/connection.js';
import { MAX_STORED_FACES } from '../src/batch/defaults.js';
import { EmoscopeError } from '../src/errors.js';
import type { FaceResult, PhotoResult } from '../src/types.js';

const face = (x: number, score: number, emotion: FaceResult['emotion'] = 'happy'): FaceResult => ({
  box: { x, y: 12, width: 80, height: 81 },
  score,
  emotion,
  scores: { angry: 0.01, disgust: 0.0011, fear: 0.02, happy: emotion === 'happy' ? 0.8 : 0.1, sad: 0.015, surprise: 0.0189, neutral: emotion === 'neutral' ? 0.7 : 0.05 },
});

test('a result with faces and a failed photo come back from their stored form unchanged, JSON text included', () => {
  const results: PhotoResult[] = [
    { file: '/photos/a "quoted", name.jpg', width: 640, height: 446, faces: [face(10, 0.9577), face(300, 0.5, 'neutral')] },
    { file: '/photos/none.jpg', width: 200, height: 150, faces: [] },
    { file: '/photos/b.jpg', width: 0, height: 0, faces: [], error: '/photos/b.jpg: not an image', errorCode: 'UNSUPPORTED_IMAGE' },
  ];
  for (const r of results) {
    const stored = encodeResult(r);
    assert.equal(JSON.stringify(decodeResult(stored), null, 2), JSON.stringify(r, null, 2));
  }
  assert.ok(encodeResult(results[0]!).length < JSON.stringify(results[0]).length / 2, 'the stored form is compact');
});

test(`a photo with more than ${MAX_STORED_FACES} faces keeps the ${MAX_STORED_FACES} best-scored, in their order`, () => {
  const faces = Array.from({ length: MAX_STORED_FACES + 10 }, (_, i) => face(i, i < 10 ? 0.1 : 0.9));
  const back = decodeResult(encodeResult({ file: 'crowd.jpg', width: 4000, height: 3000, faces }));
  assert.equal(back.faces.length, MAX_STORED_FACES);
  assert.deepEqual(back.faces.map((f) => f.box.x), faces.slice(10).map((f) => f.box.x));
});

test('a stored value of another form is an INTERNAL error, not a wrong result', () => {
  assert.throws(() => decodeResult('x[1,2]'), (e: unknown) => e instanceof EmoscopeError && e.code === 'INTERNAL');
  assert.throws(() => decodeResult('d{"a":1}'), (e: unknown) => e instanceof EmoscopeError && e.code === 'INTERNAL');
});

test('the streamed JSON array is byte for byte JSON.stringify(array, null, 2) with a newline, for 0, 1 and 3 elements', async () => {
  for (const items of [[], [{ a: 1 }], [{ a: [1, { b: 'x\ny' }] }, { faces: [] }, 'text']]) {
    let text = '';
    const writer = new JsonArrayWriter(async (t) => { text += t; });
    for (const item of items) await writer.add(item);
    assert.equal(await writer.end(), items.length);
    assert.equal(text, `${JSON.stringify(items, null, 2)}\n`);
  }
});

test('--redis: redis://, rediss:// and unix:// URLs are understood; anything else is BAD_ARGUMENT naming the URL', () => {
  assert.deepEqual(redisOptions('redis://queue-host'), { host: 'queue-host', port: 6379, db: 0 });
  assert.deepEqual(redisOptions('rediss://me:s%40cret@10.0.0.5:6380/2'), { host: '10.0.0.5', port: 6380, db: 2, username: 'me', password: 's@cret', tls: {} });
  assert.deepEqual(redisOptions('redis://[::1]:7000'), { host: '::1', port: 7000, db: 0 });
  assert.deepEqual(redisOptions('unix:///run/redis/redis.sock?db=3'), { path: '/run/redis/redis.sock', db: 3 });
  for (const bad of ['localhost:6379', 'http://localhost:6379', 'redis://', 'redis://host/x', 'unix://', 'nonsense']) {
    assert.throws(() => redisOptions(bad), (e: unknown) => e instanceof EmoscopeError && e.code === 'BAD_ARGUMENT' && e.message.includes('--redis') && e.message.includes(JSON.stringify(bad)), bad);
  }
});
