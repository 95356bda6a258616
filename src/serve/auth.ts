// The API key: only when the server is given one (--api-key-file). Clients send
// `Authorization: Bearer <key>`; keys are compared in constant time (both hashed first, so that
// neither the length nor the content of the key leaks through the time taken).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import { EmoscopeError } from '../errors.js';

/** Reads the key from a file (surrounding whitespace and the final newline removed). */
export async function readApiKeyFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EmoscopeError(code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_ARGUMENT', `--api-key-file ${file}: cannot read (${code ?? (error as Error).message})`);
  }
  const key = text.trim();
  if (key === '') throw new EmoscopeError('BAD_ARGUMENT', `Expected a key in --api-key-file ${file} but the file is empty`);
  return key;
}

/** A check of the Authorization header against `key`: throws UNAUTHORIZED when missing or wrong. */
export function bearerCheck(key: string): (request: FastifyRequest) => void {
  const expected = digest(key);
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined) throw new EmoscopeError('UNAUTHORIZED', 'Expected the header "Authorization: Bearer <key>" but received none');
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) throw new EmoscopeError('UNAUTHORIZED', 'Expected the header "Authorization: Bearer <key>" but received another scheme');
    if (!timingSafeEqual(digest(match[1]!), expected)) throw new EmoscopeError('UNAUTHORIZED', 'The API key is wrong');
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
