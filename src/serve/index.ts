// The HTTP API: buildServer and what it is configured with. Re-exported from src/index.ts.
export { buildServer } from './server.js';
export type { ServeHandle } from './server.js';
export { SERVE_DEFAULTS, DEFAULT_WEB_ROOT, resolveServeOptions } from './options.js';
export type { ServeOptions, ResolvedServeOptions } from './options.js';
export { readApiKeyFile } from './auth.js';
export { apiErrorTable, API_ERROR_CODES } from './http-errors.js';
export type { ModelInfo } from './protocol.js';
