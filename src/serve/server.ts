// The HTTP API as a fastify application, built (not started) by `buildServer`: the CLI listens on
// it, tests call `inject()` or listen on port 0. Inference runs in a worker pool started here; the
// app answers /healthz at once and /readyz 200 when the pool's models are loaded and warmed.
//
//   const app = await buildServer({ workers: 2 });
//   await app.listen({ host: '127.0.0.1', port: 8080 });
//   await app.emoscope.ready;              // models loaded in every worker
//   await app.emoscope.shutdown();         // refuse new requests, finish those in flight, close the pool
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { EmoscopeError } from '../errors.js';
import type { ModelInfo } from './protocol.js';
import type { ServeContext } from './context.js';
import { bearerCheck } from './auth.js';
import { sendError, toErrorBody } from './http-errors.js';
import type { ErrorBody } from './http-errors.js';
import { createMetrics } from './metrics.js';
import { checkServeOptionKeys, resolveServeOptions } from './options.js';
import type { ServeOptions } from './options.js';
import { InferencePool } from './pool.js';
import { analyzeRoutes } from './routes/analyze.js';
import { statusRoutes } from './routes/status.js';
import { webRoutes } from './routes/web.js';
import { ERROR_SCHEMA, FER_NOTE } from './schemas.js';

/** What buildServer adds to the fastify app. */
export interface ServeHandle {
  /** resolves when every worker has loaded and warmed the models; rejects if they could not be loaded */
  readonly ready: Promise<ModelInfo>;
  readonly pool: InferencePool;
  /**
   * Stops accepting (new requests 503 SHUTTING_DOWN), lets the photos in flight finish and their
   * answers go out, closes the pool and the server. Idempotent.
   */
  shutdown(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    emoscope: ServeHandle;
  }
  interface FastifyContextConfig {
    /** a request body described in the OpenAPI document but read by the handler itself */
    bodyDoc?: unknown;
  }
}

/** Routes that answer without the API key, so that orchestrators and browsers can reach them. */
const OPEN_PREFIXES = ['/healthz', '/readyz', '/docs'];
/** Routes that need the API key when one is set; everything else (the page at `/`) holds no data. */
const KEYED_PREFIXES = ['/v1/', '/metrics'];

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Requests that are not HTTP, too slow or with headers too large, answered before any route in the
 * error format of every other answer (Node's parser finds them; Fastify's default body is not ours).
 */
function answerClientError(requestTimeoutMs: number, error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? [408, 'TIMEOUT', `The request did not arrive whole within ${requestTimeoutMs / 1000} s`] as const
    : error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'PAYLOAD_TOO_LARGE', 'The request\'s headers (or its URL) are larger than the server accepts'] as const
      : [400, 'BAD_ARGUMENT', `The request is not valid HTTP/1.1 (${error.code ?? 'unparsable'})`] as const;
  const answer: ErrorBody = { error: { code, message } };
  const body = JSON.stringify(answer);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy();
}

/**
 * The methods of the routes that match `path` (the static files' and Swagger UI's catch-all routes
 * aside: with them every path would seem to exist), for a 405's Allow header; [] when none does.
 */
function allowedMethods(app: FastifyInstance, path: string): string[] {
  return app.supportedMethods.filter((method) => {
    const route = app.findRoute({ method: method as HTTPMethods, url: path });
    return route !== null && !('*' in route.params);
  });
}

/**
 * Builds the API (routes, schemas, OpenAPI document, metrics, error handling) and starts its
 * inference workers, which load the models meanwhile. The app is not listening.
 */
export async function buildServer(options: ServeOptions = {}): Promise<FastifyInstance> {
  checkServeOptionKeys(options, 'buildServer');
  const o = resolveServeOptions(options);
  const app = Fastify({
    logger: o.logger,
    bodyLimit: o.maxBytes,
    return503OnClosing: false, // we answer 503 ourselves, as JSON in our error format
    // A body that stops arriving is cut off (408) instead of holding a connection, and shutdown, for ever
    requestTimeout: o.requestTimeoutMs,
    // Node looks for requests past their time every 30 s by default: a short timeout is looked for sooner
    // (and the headers' own limit may not exceed the whole request's, or Node never applies the latter)
    http: { headersTimeout: Math.min(60_000, o.requestTimeoutMs), connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.round(o.requestTimeoutMs / 4))) },
    forceCloseConnections: true, // on close, after the admitted photos are answered: no stalled upload keeps the process alive
    clientErrorHandler: (error, socket) => answerClientError(o.requestTimeoutMs, error, socket),
    // A URL the router cannot decode: the same error format as every other answer
    frameworkErrors: (error, _request, reply) => sendError(reply, 400, { error: { code: 'BAD_ARGUMENT', message: `The request's URL cannot be read: ${error.message}` } }),
    ajv: { customOptions: { removeAdditional: false } }, // an unknown query parameter is an error, not ignored
  });
  const pool = InferencePool.start({ model: o.model, workers: o.workers, queueSize: o.queueSize, timeoutMs: o.timeoutMs, maxPixels: o.maxPixels });
  const ctx: ServeContext = { options: o, pool, metrics: createMetrics(pool), closing: false };

  let closing: Promise<void> | undefined;
  app.decorate('emoscope', {
    ready: pool.ready,
    pool,
    shutdown() {
      ctx.closing = true; // from now on every request but /healthz is answered 503 SHUTTING_DOWN
      // The photos admitted finish first (their answers are then sent), then the server closes.
      closing ??= pool.close().then(() => app.close());
      return closing;
    },
  } satisfies ServeHandle);
  app.addHook('onClose', async () => {
    await pool.close();
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body, internal } = toErrorBody(error, request, o.maxBytes);
    if (internal) request.log.error({ err: error }, 'internal error');
    return sendError(reply, status, body, (error as { retryAfter?: number }).retryAfter);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = allowedMethods(app, path);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      // A route that exists, asked with another method: 405 with the methods it answers (RFC 9110 §15.5.6)
      void reply.header('allow', allowed.join(', '));
      const message = `${path} does not answer ${request.method}: expected ${allowed.length === 1 ? '' : 'one of '}${allowed.join(', ')} (see /docs for the API)`;
      return sendError(reply, 405, { error: { code: 'METHOD_NOT_ALLOWED', message } });
    }
    return sendError(reply, 404, { error: { code: 'NOT_FOUND', message: `No route ${request.method} ${path}: see /docs for the API` } });
  });

  const checkKey = o.apiKey === undefined ? undefined : bearerCheck(o.apiKey);
  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (ctx.closing && path !== '/healthz') throw new EmoscopeError('SHUTTING_DOWN', 'The server is shutting down and accepts no new requests');
    if (checkKey && !OPEN_PREFIXES.some((p) => path.startsWith(p)) && KEYED_PREFIXES.some((p) => path.startsWith(p))) checkKey(request, reply);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    ctx.metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });

  app.addSchema(ERROR_SCHEMA);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'emoscope', version: VERSION, description: `Facial expression recognition over HTTP. ${FER_NOTE}` },
      ...(o.apiKey === undefined ? {} : {
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      }),
    },
    // The analyze body is read by its handler (multipart or raw), so fastify must not validate it; it is documented here.
    transform: ({ schema, url, route }) => {
      const bodyDoc = route.config?.bodyDoc;
      const keyed = o.apiKey !== undefined && KEYED_PREFIXES.some((p) => url.startsWith(p));
      const extra = { ...(bodyDoc ? { body: bodyDoc } : {}), ...(keyed ? { security: [{ bearer: [] }] } : {}) };
      return { schema: Object.keys(extra).length === 0 ? schema : { ...schema, ...extra } as typeof schema, url };
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(async (scope) => analyzeRoutes(scope, ctx));
  await app.register(async (scope) => statusRoutes(scope, ctx));
  await app.register(async (scope) => webRoutes(scope, ctx));
  return app;
}
