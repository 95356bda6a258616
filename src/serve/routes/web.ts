// `/`: the browser page (`npm run build:web` writes it to dist/web/) when it is built, served with
// its scripts, wasm and model files, cross-origin isolated (so that TF.js's wasm backend may use
// threads: browser/isolation.ts); otherwise a short JSON that points to the API's documentation.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../browser/isolation.js';
import type { ServeContext } from '../context.js';
import { FER_NOTE } from '../schemas.js';

export async function webRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  const root = ctx.options.webRoot;
  if (existsSync(join(root, 'index.html'))) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: 'index.html',
      setHeaders(response) {
        for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION_HEADERS)) void response.header(name, value);
      },
    });
    return;
  }
  app.get('/', { schema: { hide: true } }, async () => ({
    name: 'emoscope',
    about: 'Facial expression recognition over HTTP: POST a photo to /v1/analyze.',
    docs: '/docs',
    openapi: '/docs/json',
    page: 'The browser page is not built; run npm run build:web to serve it here.',
    note: FER_NOTE,
  }));
}
