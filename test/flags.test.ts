// The CLI's number flags (src/cli/options.ts): what they accept, and messages that say the range in
// words a user can act on (a port above 65535, a learning rate of 0 or less).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intOption, numberOption } from '../src/cli/options.js';

test('a whole-number flag with a range names both ends; without one, its least value', () => {
  const port = intOption('--port', 0, 65535);
  assert.equal(port('8080'), 8080);
  assert.equal(port('65535'), 65535);
  assert.throws(() => port('99999'), /Expected a whole number from 0 to 65535 for --port but received "99999"/);
  assert.throws(() => port('-1'), /from 0 to 65535/);
  assert.throws(() => intOption('--workers', 1)('0'), /Expected a whole number of at least 1 for --workers but received "0"/);
  assert.throws(() => intOption('--workers', 1)('1.5'), /whole number/);
});

test('a flag that must be positive says "above 0", not the smallest float', () => {
  const rate = numberOption('--learning-rate', Number.MIN_VALUE);
  assert.equal(rate('0.01'), 0.01);
  for (const bad of ['-1', '0', 'NaN', '']) assert.throws(() => rate(bad), new RegExp(`Expected a number above 0 for --learning-rate but received "${bad}"`));
  assert.throws(() => numberOption('--val-fraction', 0, 1)('1'), /Expected a number from 0 to below 1 for --val-fraction/);
});
