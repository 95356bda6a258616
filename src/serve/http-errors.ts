// Every failure as the API's JSON error: `{"error": {"code", "message"}}` with the code's status
// from the catalogue (src/errors.ts). Our own errors keep their code; fastify's and its plugins'
// (body too large, unsupported media type, schema validation, multipart limits) are mapped to ours;
// anything else is INTERNAL, logged, and answered without its stack or message.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, isEmoscopeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { ANALYZE_QUERY_SCHEMA } from './schemas.js';

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** fastify's and @fastify/multipart's error codes → ours, with a message that names the request part. */
const FASTIFY_ERRORS: Record<string, (request: FastifyRequest, maxBytes: number) => { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_r, max) => ({ code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than the limit of ${max} bytes (--max-bytes)` }),
  FST_REQ_FILE_TOO_LARGE: (_r, max) => ({ code: 'PAYLOAD_TOO_LARGE', message: `The uploaded file is larger than the limit of ${max} bytes (--max-bytes)` }),
  FST_PARTS_LIMIT: () => ({ code: 'PAYLOAD_TOO_LARGE', message: 'The multipart body has more parts than accepted: send one field named image' }),
  FST_FILES_LIMIT: () => ({ code: 'BAD_ARGUMENT', message: 'Expected one file, the photo in the field image, but the multipart body has more' }),
  FST_FIELDS_LIMIT: () => ({ code: 'PAYLOAD_TOO_LARGE', message: 'The multipart body has more fields than accepted: send one field named image' }),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (r) => ({
    code: 'UNSUPPORTED_IMAGE',
    message: `Expected a multipart/form-data body with a field named image, or an image/* body, but received Content-Type ${JSON.stringify(r.headers['content-type'] ?? '')}`,
  }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => ({ code: 'BAD_ARGUMENT', message: 'The Content-Length header does not match the body received' }),
  FST_MP_PREMATURE_CLOSE: () => ({ code: 'BAD_ARGUMENT', message: 'The request was closed before the multipart body was complete' }),
};

/** The code and message an error is answered with; `internal` is set for errors that are bugs (to be logged). */
export function toErrorBody(error: unknown, request: FastifyRequest, maxBytes: number): { status: number; body: ErrorBody; internal: boolean } {
  const answer = (code: ErrorCode, message: string, internal = false) => ({ status: ERROR_CATALOGUE[code].status, body: { error: { code, message } }, internal });
  if (isEmoscopeError(error)) return answer(error.code, error.message);
  const e = error as Partial<FastifyError> & { part?: unknown };
  if (e.validation && e.validation.length > 0) return answer('BAD_ARGUMENT', validationMessage(e as FastifyError, request));
  const mapped = e.code ? FASTIFY_ERRORS[e.code] : undefined;
  if (mapped) {
    const { code, message } = mapped(request, maxBytes);
    return answer(code, message);
  }
  const status = e.statusCode ?? 500;
  // The page's files refusing a path: @fastify/static's FST_STATIC_FORBIDDEN_PATH or @fastify/send's own 403, both a bare "Forbidden"
  if (status === 403) return answer('BAD_ARGUMENT', forbiddenPathMessage(request));
  if (status >= 400 && status < 500) {
    // Another client error from fastify or a plugin (malformed header, multipart syntax …): keep its message.
    const code = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).find((c) => ERROR_CATALOGUE[c].status === status) ?? 'BAD_ARGUMENT';
    return answer(code, e.message ?? 'Bad request');
  }
  return answer('INTERNAL', `Internal error (request ${request.id}); it has been logged. Please report it.`, true);
}

/**
 * Why the page's files refuse a path (@fastify/static answers a bare "Forbidden"): it is not written
 * the one plain way, so it could reach a file by another name or outside the page's folder.
 */
function forbiddenPathMessage(request: FastifyRequest): string {
  const path = request.url.split('?')[0]!;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch { /* shown as sent */ }
  const segments = decoded.split('/').slice(1);
  const what = segments.includes('..') ? 'a ".." segment'
    : segments.includes('.') ? 'a "." segment'
      : decoded.includes('\\') ? 'a backslash'
        : segments.slice(0, -1).includes('') ? 'an empty segment ("//")'
          : 'a spelling other than the file\'s own';
  return `The request path ${JSON.stringify(path)} has ${what}: expected a path without "..", ".", empty segments or backslashes, such as /index.html`;
}

/** "Expected <what the schema asks> for query parameter <name> but received <value>", from ajv's first error. */
function validationMessage(error: FastifyError, request: FastifyRequest): string {
  const first = error.validation![0]!;
  const params = first.params as Record<string, unknown>;
  const part = error.validationContext === 'querystring' ? 'query parameter' : `${error.validationContext ?? 'request'} field`;
  // What the client sent, before ajv coerced it.
  const source: Record<string, string> = error.validationContext === 'querystring' ? Object.fromEntries(new URLSearchParams(request.url.split('?')[1] ?? '')) : {};
  if (first.keyword === 'additionalProperties') {
    const name = String(params['additionalProperty']);
    return `Unknown ${part} ${name} (received ${JSON.stringify(source[name])}): expected only ${Object.keys(ANALYZE_QUERY_SCHEMA.properties).join(', ')}`;
  }
  const field = first.instancePath.replace(/^\//, '') || String(params['missingProperty'] ?? '');
  const values = error.validationContext === 'querystring' ? new URLSearchParams(request.url.split('?')[1] ?? '').getAll(field) : [];
  if (values.length > 1) return `Expected one value for ${part} ${field} but received ${values.length}: ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  const received = Object.hasOwn(source, field) ? JSON.stringify(source[field]) : 'nothing';
  return `Expected ${expectation(first.keyword, params, first.message)} for ${part} ${field} but received ${received}`;
}

/** What an ajv keyword asks for, in words. */
function expectation(keyword: string, params: Record<string, unknown>, message: string | undefined): string {
  switch (keyword) {
    case 'type': return params['type'] === 'boolean' ? 'true or false' : `a ${String(params['type'])}`;
    case 'enum': return `one of ${(params['allowedValues'] as unknown[]).join(', ')}`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return `a number ${String(params['comparison'])} ${String(params['limit'])}`;
    default: return `a value that ${(message ?? 'is valid').replace(/^must /, 'is ')}`;
  }
}

/** Sends an error answer (and Retry-After when the error carries one). */
export function sendError(reply: FastifyReply, status: number, body: ErrorBody, retryAfter?: number): FastifyReply {
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** The codes the API answers with (the README's error table lists these, from the catalogue). */
export const API_ERROR_CODES: readonly ErrorCode[] = [
  'BAD_ARGUMENT', 'UNAUTHORIZED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_IMAGE', 'UNSUPPORTED_ENCODING', 'BAD_IMAGE',
  'IMAGE_TOO_LARGE', 'BUSY', 'NOT_READY', 'SHUTTING_DOWN', 'TIMEOUT', 'INTERNAL',
];

/** The API's error table in Markdown, written from the catalogue (README.md holds a copy; a test compares them). */
export function apiErrorTable(): string {
  const rows = API_ERROR_CODES.map((code) => `| ${ERROR_CATALOGUE[code].status} | \`${code}\` | ${ERROR_CATALOGUE[code].summary} |`);
  return ['| status | code | meaning |', '|---|---|---|', ...rows].join('\n');
}
