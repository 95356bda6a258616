// POST /v1/analyze: a photo in (a multipart field named `image`, or the raw body with an image/*
// Content-Type), predict's result for it out, with the time each step took. In a scope of its own
// whose only body parsers are those two: any other Content-Type is 415.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { EmoscopeError, isEmoscopeError } from '../../errors.js';
import type { CallOptions, PhotoTimings } from '../../predict/recognizer.js';
import type { ServeContext } from '../context.js';
import { ANALYZE_BODY_DOC, ANALYZE_QUERY_SCHEMA, ANALYZE_RESULT_SCHEMA, ERROR_RESPONSES, FER_NOTE } from '../schemas.js';

/** What a photo may be, for the messages about an empty one. */
const PHOTO_FORMATS = 'JPEG, PNG, WebP, GIF, TIFF or BMP';

export async function analyzeRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  const maxBytes = ctx.options.maxBytes;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^image\/[\w.+-]+\s*(;.*)?$/i, { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));
  // files: 2, so that a second file is seen (and refused by its field's name) rather than cut off by the limit
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 2, fields: 8, parts: 10, fieldSize: 64 * 1024 } });
  // Bodies are read as they are sent: a compressed one is refused before it is read (415, RFC 7694: Accept-Encoding says what is taken)
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers['content-encoding'];
    if (header === undefined) return;
    const codings = header.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
    if (codings.every((c) => c === 'identity')) return;
    void reply.header('accept-encoding', 'identity');
    throw new EmoscopeError('UNSUPPORTED_ENCODING', `Content-Encoding ${JSON.stringify(header)} is not supported: expected the photo unencoded (no Content-Encoding, or identity)`);
  });

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
  if (body.length === 0) throw new EmoscopeError('BAD_IMAGE', `The ${request.headers['content-type']} body is empty (0 bytes): expected the photo's bytes (${PHOTO_FORMATS})`);
  return body;
}

/**
 * The photo's bytes from the multipart field `image`. The whole body is read, so that a second file
 * or a form field is refused (400, naming it) instead of left unread or ignored while the first is
 * analysed. Options are query parameters, not form fields: a field that names one says so.
 */
async function readImagePart(request: FastifyRequest): Promise<Uint8Array> {
  let bytes: Uint8Array | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.fieldname === 'image') throw new EmoscopeError('BAD_ARGUMENT', 'Expected a file in the multipart field image but received a text value (with curl: -F image=@photo.jpg)');
      const option = Object.hasOwn(ANALYZE_QUERY_SCHEMA.properties, part.fieldname);
      throw new EmoscopeError('BAD_ARGUMENT', `Unknown multipart field ${JSON.stringify(part.fieldname)} (received ${quotedShort(String(part.value))}): expected only the file field image${option ? `; options go in the query string (/v1/analyze?${part.fieldname}=…)` : ''}`);
    }
    if (part.fieldname !== 'image' || bytes !== undefined) {
      part.file.resume(); // drain it, so the request can end
      if (bytes !== undefined) throw new EmoscopeError('BAD_ARGUMENT', `Expected one file, the photo in the field image, but received a second file in the field ${JSON.stringify(part.fieldname)}`);
      throw new EmoscopeError('BAD_ARGUMENT', `Expected the photo in the multipart field image but received a file in the field ${JSON.stringify(part.fieldname)}`);
    }
    bytes = await part.toBuffer();
  }
  if (bytes === undefined) throw new EmoscopeError('BAD_ARGUMENT', 'Expected a file in the multipart field image but received no file');
  if (bytes.length === 0) throw new EmoscopeError('BAD_IMAGE', `The file in the multipart field image is empty (0 bytes): expected the photo's bytes (${PHOTO_FORMATS})`);
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

/** A form value quoted for a message: its first 100 characters, and how long it was when cut. */
function quotedShort(value: string): string {
  return value.length > 100 ? `${JSON.stringify(value.slice(0, 100))}… (${value.length} characters)` : JSON.stringify(value);
}
