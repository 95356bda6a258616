// The server's own routes: liveness (/healthz, answered on the event loop, never waiting for a
// worker), readiness (/readyz: 503 until every worker has loaded and warmed its models), the
// model (/v1/model) and the Prometheus metrics (/metrics).
import type { FastifyInstance } from 'fastify';
import { EmoscopeError } from '../../errors.js';
import type { ServeContext } from '../context.js';
import { ERROR_RESPONSES, FER_NOTE, MODEL_SCHEMA, STATUS_SCHEMA } from '../schemas.js';

export async function statusRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  app.get('/healthz', {
    schema: { summary: 'Liveness: the process answers (no API key needed)', tags: ['status'], response: { 200: STATUS_SCHEMA, ...ERROR_RESPONSES } },
  }, async () => ({ status: ctx.closing ? 'shutting-down' : 'ok' }));

  app.get('/readyz', {
    schema: {
      summary: 'Readiness: 200 when every worker has loaded and warmed its models, 503 before and while shutting down (no API key needed)',
      tags: ['status'],
      response: { 200: STATUS_SCHEMA, ...ERROR_RESPONSES },
    },
  }, async () => {
    if (ctx.pool.state === 'loading') throw new EmoscopeError('NOT_READY', 'The models are still loading');
    if (ctx.pool.state === 'failed') throw new EmoscopeError('NOT_READY', `The models could not be loaded: ${ctx.pool.error?.message ?? 'unknown error'}`);
    return { status: 'ready', workers: ctx.pool.workers, queueDepth: ctx.pool.queueDepth };
  });

  app.get('/v1/model', {
    schema: {
      summary: 'The model the server uses: labels, architecture, input, recorded metrics, detector',
      description: FER_NOTE,
      tags: ['model'],
      response: { 200: MODEL_SCHEMA, ...ERROR_RESPONSES },
    },
  }, async () => {
    const model = ctx.pool.model;
    if (model === undefined) throw new EmoscopeError('NOT_READY', 'The models are still loading');
    return { ...model, note: FER_NOTE };
  });

  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics (text format)', tags: ['status'], produces: ['text/plain'] },
  }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
