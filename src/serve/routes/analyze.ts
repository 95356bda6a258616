// POST /v1/analyze: a photo in (a multipart field named `image`, or the raw body with an image/*
// Content-Type), predict's result for it out, with the time each step took. In a scope of its own
// whose only body parsers are those two: any other Content-Type is 415.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { EmoscopeError, isEmoscopeError } from '../../errors.js';
import type { CallOptions, PhotoTimings } from '../../predict/recognizer.js';
import type { ServeContext } from '../context.js';
import { ANALYZE_BODY_DOC, ANALYZE_QUERY_SCHEMA, ANALYZE_RESULT_SCHEMA, ERROR_RESPONSES, FER_NOTE } from '../schemas.js';

export async function analyzeRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  const maxBytes = ctx.options.maxBytes;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^image\/[\w.+-]+\s*(;.*)?$/i, { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 8, parts: 10, fieldSize: 64 * 1024 } });

  app.post<{ Querystring: CallOptions }>('/v1/analyze', {
    schema: {
      summary: 'Find the faces in a photo and recognize their expressions',
      description: `Answers what \`emoscope predict --json\` writes for one photo (without \`file\`), plus \`timings\`. A photo without a face is 200 with \`faces: []\`. ${FER_NOTE}`,
      tags: ['analyze'],
      querystring: ANALYZE_QUERY_SCHEMA,
      response: { 200: ANALYZE_RESULT_SCHEMA, ...ERROR_RESPONSES },
    },
    config: { bodyDoc: ANALYZE_BODY_DOC },
    // The schema's number coercion reads " " as 0 and "0x1" as 1: a score is written in decimals or not at all
    preValidation: async (request) => {
      const raw = (request.query as Record<string, unknown>).minFaceScore;
      if (typeof raw === 'string' && !/^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) {
        throw new EmoscopeError('BAD_ARGUMENT', `Expected a decimal number from 0 to 1 for query parameter minFaceScore but received ${JSON.stringify(raw)}`);
      }
    },
  }, async (request) => {
    const image = await readImage(request);
    const reply = await ctx.pool.analyze({ image, options: request.query });
    if (!reply.ok) throw new EmoscopeError(reply.error.code, reply.error.message);
    ctx.metrics.faces.inc(reply.result.faces.length);
    return { ...reply.result, timings: roundTimings(reply.timings) };
  });
}

/** The photo's bytes from a multipart field `image` or the raw body; 400 when there is none. */
async function readImage(request: FastifyRequest): Promise<Uint8Array> {
  if (request.isMultipart()) {
    try {
      return await readImagePart(request);
    } catch (error) {
      throw multipartError(error);
    }
  }
  const body = request.body;
  if (!(body instanceof Uint8Array)) {
    throw new EmoscopeError('BAD_ARGUMENT', 'Expected the photo as a multipart/form-data field named image or as an image/* body but received no body');
  }
  if (body.length === 0) throw new EmoscopeError('BAD_ARGUMENT', `Expected a photo as the ${request.headers['content-type']} body but the body is empty`);
  return body;
}

/**
 * The photo's bytes from the multipart field `image`. The whole body is read, so that a second file
 * is refused (FST_FILES_LIMIT: 413) instead of left unread while the first is analysed.
 */
async function readImagePart(request: FastifyRequest): Promise<Uint8Array> {
  let bytes: Uint8Array | undefined;
  for await (const part of request.parts()) {
    if (part.type !== 'file') continue; // form fields are not options here (those are query parameters)
    if (part.fieldname !== 'image') {
      part.file.resume(); // drain it, so the request can end
      throw new EmoscopeError('BAD_ARGUMENT', `Expected the photo in the multipart field image but received a file in the field ${JSON.stringify(part.fieldname)}`);
    }
    bytes = await part.toBuffer();
  }
  if (bytes === undefined) throw new EmoscopeError('BAD_ARGUMENT', 'Expected a file in the multipart field image but received no file');
  if (bytes.length === 0) throw new EmoscopeError('BAD_ARGUMENT', 'Expected a photo in the multipart field image but the file is empty');
  return bytes;
}

/**
 * A multipart body that cannot be read is the client's fault (400), not ours: no boundary, a part cut
 * short, a connection closed mid-upload. Our errors and fastify's coded ones (limits) pass through.
 */
function multipartError(error: unknown): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (isEmoscopeError(error) || (typeof code === 'string' && code.startsWith('FST_'))) return error;
  if (code === 'ECONNRESET' || message === 'aborted') {
    return new EmoscopeError('BAD_ARGUMENT', 'The request was closed before the multipart body was complete', { cause: error });
  }
  return new EmoscopeError('BAD_ARGUMENT', `Expected a multipart/form-data body with one part named image holding the photo, but it could not be read (${String(message)})`, { cause: error });
}

/** Tenths of a millisecond. */
function roundTimings(t: PhotoTimings): PhotoTimings {
  const r = (ms: number) => Math.round(ms * 10) / 10;
  return { decode: r(t.decode), detect: r(t.detect), classify: r(t.classify), total: r(t.total) };
}
