// `/`: the browser page (`npm run build:web` writes it to dist/web/) when it is built, served with
// its scripts, wasm and model files, cross-origin isolated (so that TF.js's wasm backend may use
// threads: browser/isolation.ts); otherwise a short JSON that points to the API's documentation.
// The page runs the server's own model (`serve --model`), not the copy built into dist/web: its
// files are served where the page looks for them, models/default/.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../browser/isolation.js';
import { EmoscopeError } from '../../errors.js';
import { MAX_WEIGHTS_BYTES, checkFolderFile } from '../../util/folder-files.js';
import { modelFileNames } from '../../model/folder.js';
import { printable } from '../../util/printable.js';
import { resolveModelDir } from '../../runs/locate.js';
import type { ServeContext } from '../context.js';
import { FER_NOTE } from '../schemas.js';

/** Where the page loads its classifier from (browser/recognizer.ts's default modelUrl). */
const PAGE_MODEL_PREFIX = '/models/default/';

export async function webRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  const root = ctx.options.webRoot;
  if (existsSync(join(root, 'index.html'))) {
    app.get<{ Params: { file: string } }>(`${PAGE_MODEL_PREFIX}:file`, { schema: { hide: true } }, async (request, reply) => {
      const dir = await resolveModelDir(ctx.options.model);
      const files = new Set(await modelFileNames(dir));
      const file = request.params.file;
      if (!files.has(file)) throw new EmoscopeError('NOT_FOUND', `${PAGE_MODEL_PREFIX}${printable(file)}: the page's model has ${[...files].join(', ')}`);
      const { path } = await checkFolderFile(dir, file, { code: 'BAD_MODEL', maxBytes: MAX_WEIGHTS_BYTES }); // inside the folder, a regular file
      // Sent by the static plugin with an ETag, revalidated on each visit (no-cache): a revisit costs a 304, not the
      // weights again, and a retrained model is fetched anew
      return reply.header('cache-control', 'no-cache').sendFile(basename(path), dirname(path), { cacheControl: false, etag: true, lastModified: true });
    });
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      index: ['index.html'], // a list: the plugin looks for index.html.gz only when given one
      preCompressed: true, // build:web's .gz beside a file is sent to a browser that accepts gzip: no compressing per request
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
