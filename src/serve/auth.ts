// The API key: only when the server is given one (--api-key-file). Clients send
// `Authorization: Bearer <key>`; keys are compared in constant time (both hashed first, so that
// neither the length nor the content of the key leaks through the time taken).
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/** The realm named in the challenge of a 401 (RFC 6750 §3). */
const REALM = 'emoscope';

/**
 * A check of the Authorization header against `key`: throws UNAUTHORIZED when missing or wrong, after
 * setting the challenge a 401 carries (RFC 9110 §11.6.1, RFC 6750 §3): `Bearer realm="emoscope"`, with
 * `error="invalid_token"` when a Bearer key was sent but is wrong (none when no credentials were sent).
 */
export function bearerCheck(key: string): (request: FastifyRequest, reply: FastifyReply) => void {
  const expected = digest(key);
  const refuse = (reply: FastifyReply, message: string, invalidToken = false): never => {
    void reply.header('www-authenticate', `Bearer realm="${REALM}"${invalidToken ? ', error="invalid_token"' : ''}`);
    throw new EmoscopeError('UNAUTHORIZED', message);
  };
  return (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined) return refuse(reply, 'Expected the header "Authorization: Bearer <key>" but received none');
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) return refuse(reply, 'Expected the header "Authorization: Bearer <key>" but received another scheme');
    if (!timingSafeEqual(digest(match[1]!), expected)) refuse(reply, 'The API key is wrong', true);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
