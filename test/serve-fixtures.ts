// Shared by the serve tests: request bodies (multipart built by hand, so inject() can send it),
// bad images made on the spot, and the error-body check every failing request goes through.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { ERROR_CATALOGUE } from '../src/errors.js';
import type { ErrorCode } from '../src/errors.js';

/** A multipart/form-data body with one file field. */
export function multipart(field: string, bytes: Uint8Array, type = 'image/jpeg'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----emoscope${randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="photo.jpg"\r\nContent-Type: ${type}\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A multipart/form-data body with several parts: files (bytes) and text fields (strings), in order. */
export function multipartParts(parts: ReadonlyArray<readonly [field: string, content: Uint8Array | string]>): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----emoscope${randomBytes(8).toString('hex')}`;
  const part = ([field, content]: readonly [string, Uint8Array | string]) => Buffer.concat([
    Buffer.from(typeof content === 'string'
      ? `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    typeof content === 'string' ? Buffer.from(content) : content,
    Buffer.from('\r\n'),
  ]);
  const payload = Buffer.concat([...parts.map(part), Buffer.from(`--${boundary}--\r\n`)]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A gray picture without a face. */
export function facelessJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: '#8899aa' } }).jpeg().toBuffer();
}

/** A PNG of width×height black pixels: a few kilobytes that decode to width×height×3 bytes (a decompression bomb when large). */
export function blackPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
}

/** Asserts the answer is `{"error": {"code", "message"}}` with `code` and its catalogue status, and no stack trace. */
export function assertError(response: { statusCode: number; headers: Record<string, unknown>; body: string }, code: ErrorCode, message?: RegExp): void {
  assert.equal(response.statusCode, ERROR_CATALOGUE[code].status, `status of ${code}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = JSON.parse(response.body) as { error: { code: string; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message']);
  assert.equal(body.error.code, code);
  assert.doesNotMatch(body.error.message, /\n\s+at /, 'no stack trace');
  if (message) assert.match(body.error.message, message);
}
