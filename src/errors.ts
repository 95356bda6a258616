// The error catalogue: every failure a user can cause has a code, a message that says what was
// expected and what was received, and (for the HTTP layer) a status.

export const ERROR_CODES = {
  BAD_ARGUMENT: 400,
  BAD_DATA: 422,
  BAD_IMAGE: 422,
  BAD_MODEL: 422,
  NOT_FOUND: 404,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error the user can act on: `code` classifies it, the message names the input and what was expected. */
export class EmoscopeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmoscopeError';
    this.code = code;
    this.status = ERROR_CODES[code];
  }
}

/** "Expected <what> for <name> but received <value>" — the shape of every parameter error. */
export function badArgument(name: string, expected: string, received: unknown): EmoscopeError {
  return new EmoscopeError('BAD_ARGUMENT', `Expected ${expected} for ${name} but received ${describe(received)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  return String(value);
}
