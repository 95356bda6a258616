// CSV output: one row per face with the seven probabilities in label order, a row per failed photo,
// and file names with commas or quotes quoted so that spreadsheets read them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultsToCsv, CSV_HEADER } from '../src/predict/csv.js';
import type { PhotoResult } from '../src/types.js';

const scores = { angry: 0.1, disgust: 0, fear: 0.05, happy: 0.7, sad: 0.05, surprise: 0.05, neutral: 0.05 };

test('one row per face, a row per failed photo, none for a photo without faces, quoted names', () => {
  const results: PhotoResult[] = [
    {
      file: 'party, "best".jpg',
      width: 100,
      height: 80,
      faces: [
        { box: { x: 1, y: 2, width: 30, height: 31 }, score: 0.97, emotion: 'happy', scores },
        { box: { x: 50, y: 4, width: 20, height: 21 }, score: 0.5, emotion: 'happy', scores },
      ],
    },
    { file: 'wall.png', width: 10, height: 10, faces: [] },
    { file: 'bad.jpg', width: 0, height: 0, faces: [], error: 'bad.jpg: not an image' },
  ];
  const lines = resultsToCsv(results).split('\n');
  assert.deepEqual(lines, [
    CSV_HEADER.join(','),
    '"party, ""best"".jpg",1,1,2,30,31,0.97,happy,0.1,0,0.05,0.7,0.05,0.05,0.05,',
    '"party, ""best"".jpg",2,50,4,20,21,0.5,happy,0.1,0,0.05,0.7,0.05,0.05,0.05,',
    'bad.jpg,,,,,,,,,,,,,,,bad.jpg: not an image',
    '',
  ]);
  assert.deepEqual(CSV_HEADER.slice(8, 15), ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
});
