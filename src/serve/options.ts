// The server's settings: one typed defaults object (the CLI's flags and buildServer's options share
// it), user overrides merged on top and checked, each error naming the option, what was expected
// and what was received.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { badArgument } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../util/option-keys.js';
import { DEFAULT_MAX_PIXELS } from '../vision/image.js';

/** The browser page's folder, built by `npm run build:web` (this file is compiled to dist/src/serve/). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

export interface ServeOptions {
  /** model folder (or run folder, whose best/ is used); default: the shipped model */
  model?: string;
  /** inference worker threads; default: one per core */
  workers?: number;
  /** photos waiting for a worker beyond those being analysed; more are answered 503 BUSY */
  queueSize?: number;
  /** largest request body in bytes (raw image or the multipart upload) */
  maxBytes?: number;
  /** photos with more pixels are refused (422 IMAGE_TOO_LARGE) before they are decoded */
  maxPixels?: number;
  /** longest time a photo may take, waiting in the queue included (504 TIMEOUT) */
  timeoutMs?: number;
  /** longest time a whole request (headers and body) may take to arrive; a slower one is cut off with 408 TIMEOUT */
  requestTimeoutMs?: number;
  /** when set, /v1/* and /metrics need `Authorization: Bearer <apiKey>` */
  apiKey?: string;
  /** folder served at `/` when it exists (the browser page) */
  webRoot?: string;
  /** fastify's logger: false (default), true, or pino options */
  logger?: boolean | { level: string };
}

/** The names of `ServeOptions`. */
const SERVE_OPTION_KEYS = optionKeys<ServeOptions>({
  model: true, workers: true, queueSize: true, maxBytes: true, maxPixels: true, timeoutMs: true, requestTimeoutMs: true, apiKey: true, webRoot: true, logger: true,
});

/**
 * Fails unless `options` is an options object of buildServer's names (`name`: the function, for the
 * message). The address is not one of them: it is given to `listen`.
 */
export function checkServeOptionKeys(options: unknown, name: string): void {
  if (typeof options === 'object' && options !== null) {
    const address = Object.keys(options).find((key) => key === 'host' || key === 'port');
    if (address !== undefined) throw badArgument(name, `options named ${SERVE_OPTION_KEYS.join(', ')} (${address} is given to listen: app.listen({ host, port }))`, address);
  }
  checkOptionKeys(options, SERVE_OPTION_KEYS, name);
}

export type ResolvedServeOptions = Required<Omit<ServeOptions, 'model' | 'apiKey'>> & Pick<ServeOptions, 'model' | 'apiKey'>;

/** Defaults; `workers` is the number of cores of this machine, the queue 8 photos per worker. */
export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  workers: availableParallelism(),
  queuePerWorker: 8,
  maxBytes: 20 * 1024 * 1024,
  maxPixels: DEFAULT_MAX_PIXELS,
  timeoutMs: 30_000,
  requestTimeoutMs: 60_000,
} as const;

/** Merges `options` over the defaults and checks every value. */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  checkServeOptionKeys(options, 'resolveServeOptions');
  const workers = options.workers ?? SERVE_DEFAULTS.workers;
  const o: ResolvedServeOptions = {
    model: options.model,
    workers,
    queueSize: options.queueSize ?? workers * SERVE_DEFAULTS.queuePerWorker,
    maxBytes: options.maxBytes ?? SERVE_DEFAULTS.maxBytes,
    maxPixels: options.maxPixels ?? SERVE_DEFAULTS.maxPixels,
    timeoutMs: options.timeoutMs ?? SERVE_DEFAULTS.timeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? SERVE_DEFAULTS.requestTimeoutMs,
    apiKey: options.apiKey,
    webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
    logger: options.logger ?? false,
  };
  for (const key of ['workers', 'maxBytes', 'maxPixels', 'timeoutMs', 'requestTimeoutMs'] as const) {
    if (!Number.isSafeInteger(o[key]) || o[key] < 1) throw badArgument(key, 'a whole number of at least 1', o[key]);
  }
  if (!Number.isSafeInteger(o.queueSize) || o.queueSize < 0) throw badArgument('queueSize', 'a whole number of at least 0', o.queueSize);
  if (o.apiKey !== undefined && (typeof o.apiKey !== 'string' || o.apiKey.trim() === '')) throw badArgument('apiKey', 'a non-empty string', o.apiKey);
  if (o.model !== undefined && (typeof o.model !== 'string' || o.model === '')) throw badArgument('model', 'a folder path', o.model);
  return o;
}
