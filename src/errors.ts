// The error catalogue: every failure a user can cause has a code, a message that says what was
// expected and what was received, and (for the HTTP layer) a status. In the manner of fastify's
// lib/errors.js: one table, one code per kind of failure, shared by the library, the CLI, the
// server and the batch workers. The library throws EmoscopeError; the CLI prints its message and
// exits 1; the server answers `{"error": {"code", "message"}}` with the code's status; a photo's
// failure inside results carries `error` (the message) and `errorCode` (the code).

/** Every kind of failure: its HTTP status and what it means, for documentation and the API's error table. */
export const ERROR_CATALOGUE = {
  BAD_ARGUMENT: { status: 400, summary: 'an option, flag, query parameter or request field has a value outside what it accepts' },
  BAD_OUTPUT: { status: 400, summary: 'an output path cannot be written (checked before any work starts)' },
  UNAUTHORIZED: { status: 401, summary: 'the API key is missing or wrong' },
  NOT_FOUND: { status: 404, summary: 'a file, folder or route that does not exist' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'a route asked with a method it does not answer; the Allow header lists those it does' },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'the request body is larger than the server accepts' },
  UNSUPPORTED_IMAGE: { status: 415, summary: 'the input is not an image, or not in a format emoscope decodes' },
  UNSUPPORTED_ENCODING: { status: 415, summary: 'the request body is compressed (a Content-Encoding other than identity), which the server does not decode' },
  BAD_IMAGE: { status: 422, summary: 'an image that is corrupt, truncated, empty or unreadable' },
  IMAGE_TOO_LARGE: { status: 422, summary: 'an image with more pixels than allowed (refused before decoding)' },
  BAD_VIDEO: { status: 422, summary: 'a video that is corrupt, truncated, empty or unreadable' },
  BAD_DATA: { status: 422, summary: 'a data set file, row or folder that is not what was expected' },
  BAD_MODEL: { status: 422, summary: 'a model folder whose files are missing, outside the folder, of the wrong size or inconsistent' },
  BAD_CHECKPOINT: { status: 422, summary: 'a training run whose checkpoint or state is corrupt or inconsistent' },
  BUSY: { status: 503, summary: 'every worker is busy and the queue is full; retry after the time in Retry-After' },
  NOT_READY: { status: 503, summary: 'the models are still loading' },
  SHUTTING_DOWN: { status: 503, summary: 'the server is stopping and accepts no new work' },
  UNAVAILABLE: { status: 503, summary: 'a service emoscope needs (Redis, ffmpeg) cannot be reached or is not installed' },
  INTERRUPTED: { status: 503, summary: 'the work was stopped before its end (Ctrl-C, SIGTERM): the results stop where it was' },
  TIMEOUT: { status: 504, summary: 'the work took longer than allowed' },
  INTERNAL: { status: 500, summary: 'a bug: please report it' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Code → HTTP status. */
export const ERROR_CODES: { readonly [C in ErrorCode]: (typeof ERROR_CATALOGUE)[C]['status'] } = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, entry]) => [code, entry.status]),
) as { readonly [C in ErrorCode]: (typeof ERROR_CATALOGUE)[C]['status'] };

/** An error the user can act on: `code` classifies it, the message names the input and what was expected. */
export class EmoscopeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmoscopeError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
  }
}

/** True for an EmoscopeError (also across worker threads, where only `name` and `code` survive structured cloning). */
export function isEmoscopeError(error: unknown): error is EmoscopeError {
  return error instanceof EmoscopeError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'EmoscopeError' && typeof (error as { code?: unknown }).code === 'string' && Object.hasOwn(ERROR_CATALOGUE, (error as { code: string }).code));
}

/** "Expected <what> for <name> but received <value>" — the shape of every parameter error. */
export function badArgument(name: string, expected: string, received: unknown): EmoscopeError {
  return new EmoscopeError('BAD_ARGUMENT', `Expected ${expected} for ${name} but received ${describeValue(received)}`);
}

/** A short account of a value for a message: never the whole of a large buffer, array or text. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 200 ? `${JSON.stringify(value.slice(0, 200))}… (${value.length} characters)` : JSON.stringify(value);
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `the BigInt ${value}n`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    const name = value.constructor?.name;
    const kind = name !== undefined && name !== 'Object' ? `a ${name}` : 'an object';
    return keys.length === 0 ? kind : `${kind} with ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? `, … (${keys.length} keys)` : ''}`;
  }
  return String(value);
}
