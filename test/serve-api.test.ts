// The HTTP API through inject(): every route, predict's exact result for a photo sent either way,
// the query options, and every error status as JSON from the catalogue (never a stack trace).
// One server (1 worker, a tiny random model, small limits) serves most tests; a second one whose
// model cannot load, with an API key, serves the readiness, key and shutdown tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import SwaggerParser from '@apidevtools/swagger-parser';
import { buildServer, resolveServeOptions } from '../src/serve/index.js';
import { loadRecognizer } from '../src/predict/index.js';
import type { CallOptions, Recognizer } from '../src/predict/index.js';
import { ERROR_CATALOGUE } from '../src/errors.js';
import { COUPLE, SINGLE, saveTinyModel } from './predict-fixtures.js';
import { tempDir } from './helpers/paths.js';
import { assertError, blackPng, facelessJpeg, multipart, multipartParts } from './serve-fixtures.js';

const MAX_BYTES = 100_000;
const MAX_PIXELS = 4_000_000;
const KEY = 'test-key-4a1f';

let app: FastifyInstance;
let broken: FastifyInstance;
let library: Recognizer;
let couple: Buffer;
let webRoot: string;

before(async () => {
  const model = await saveTinyModel();
  webRoot = join(await tempDir('emoscope-web-'), 'web');
  app = await buildServer({ model, workers: 1, queueSize: 4, maxBytes: MAX_BYTES, maxPixels: MAX_PIXELS, webRoot: join(webRoot, 'missing') });
  await mkdir(webRoot);
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>emoscope page</title>');
  broken = await buildServer({ model: join(webRoot, 'no-model-here'), workers: 1, apiKey: KEY, webRoot });
  library = await loadRecognizer({ model });
  couple = await readFile(COUPLE);
  await app.emoscope.ready;
});
after(async () => {
  library.dispose();
  await Promise.all([app.emoscope.shutdown(), broken.emoscope.shutdown()]);
});

test('buildServer checks its options by name: a misspelt one, or the address (which goes to listen), is refused before any worker starts', async () => {
  const refused = (message: RegExp) => (e: unknown): boolean => e instanceof Error && (e as { code?: string }).code === 'BAD_ARGUMENT' && message.test(e.message);
  await assert.rejects(buildServer({ prot: 1 } as never), refused(/^Expected options named model, workers, queueSize, maxBytes, maxPixels, timeoutMs, requestTimeoutMs, apiKey, webRoot, logger for buildServer but received "prot"$/));
  await assert.rejects(buildServer({ workers: 1, port: 8080 } as never), refused(/\(port is given to listen: app\.listen\(\{ host, port \}\)\) for buildServer but received "port"$/));
  await assert.rejects(buildServer('model' as never), refused(/^Expected an options object for buildServer but received "model"$/));
  assert.throws(() => resolveServeOptions({ queue: 1 } as never), refused(/for resolveServeOptions but received "queue"$/));
});

const raw = (bytes: Uint8Array, query = '', type = 'image/jpeg') =>
  app.inject({ method: 'POST', url: `/v1/analyze${query}`, headers: { 'content-type': type }, payload: Buffer.from(bytes) });

/** predict's object for one photo, as the library gives it, without `file`. */
async function expected(bytes: Uint8Array, options: CallOptions = {}): Promise<unknown> {
  const { file: _file, ...result } = await library.recognize(bytes, options);
  return result;
}

test('POST /v1/analyze with a multipart field image answers predict\'s object for the photo plus timings', async () => {
  const response = await app.inject({ method: 'POST', url: '/v1/analyze', ...multipart('image', couple) });
  assert.equal(response.statusCode, 200, response.body);
  const { timings, ...result } = response.json() as { timings: Record<string, number> };
  assert.deepEqual(result, await expected(couple));
  assert.equal((result as { faces: unknown[] }).faces.length, 2);
  assert.deepEqual(Object.keys(timings).sort(), ['classify', 'decode', 'detect', 'total']);
  for (const step of ['decode', 'detect', 'classify'] as const) {
    assert.ok(timings[step]! > 0 && timings[step]! <= timings.total!, `${step} measured within total: ${JSON.stringify(timings)}`);
  }
});

test('POST /v1/analyze with the raw photo as an image/* body gives the same result', async () => {
  const single = await readFile(SINGLE);
  const response = await raw(single);
  assert.equal(response.statusCode, 200, response.body);
  const { timings: _t, ...result } = response.json() as { timings: unknown };
  assert.deepEqual(result, await expected(single));
  const withParameter = await raw(single, '', 'image/jpeg; charset=binary');
  assert.equal(withParameter.statusCode, 200, `a parameter after the media type is no reason to refuse: ${withParameter.body}`);
});

test('query options: largestFace, minFaceScore and tta change the result as predict\'s flags do', async () => {
  const largest = (await raw(couple, '?largestFace=true')).json() as { faces: unknown[] };
  assert.equal(largest.faces.length, 1);
  const flip = (await raw(couple, '?tta=flip&minFaceScore=0.5')).json() as { timings?: unknown };
  delete flip.timings;
  assert.deepEqual(flip, await expected(couple, { tta: 'flip', minFaceScore: 0.5 }));
  assert.notDeepEqual(flip, await expected(couple), 'flip changes the scores');
  const none = (await raw(couple, '?minFaceScore=1')).json() as { faces: unknown[] };
  assert.deepEqual(none.faces, []);
});

test('a photo without a face is 200 with faces: []', async () => {
  const response = await raw(await facelessJpeg());
  assert.equal(response.statusCode, 200);
  const body = response.json() as { width: number; height: number; faces: unknown[] };
  assert.deepEqual([body.width, body.height, body.faces], [320, 240, []]);
});

test('400 BAD_ARGUMENT: bad query values, unknown parameters, no photo, the wrong multipart field', async () => {
  assertError(await raw(couple, '?minFaceScore=2'), 'BAD_ARGUMENT', /Expected a number <= 1 for query parameter minFaceScore but received "2"/);
  for (const [sent, shown] of [['%20', '" "'], ['0x1', '"0x1"'], ['0.5abc', '"0.5abc"']]) {
    assertError(await raw(couple, `?minFaceScore=${sent}`), 'BAD_ARGUMENT', new RegExp(`decimal number from 0 to 1 for query parameter minFaceScore but received ${shown}`));
  }
  assert.equal((await raw(couple, '?minFaceScore=.5')).statusCode, 200, 'a decimal without its 0 is a decimal');
  assertError(await raw(couple, '?tta=sideways'), 'BAD_ARGUMENT', /one of none, flip, crops for query parameter tta/);
  assertError(await raw(couple, '?largestFace=maybe'), 'BAD_ARGUMENT', /true or false for query parameter largestFace/);
  assertError(await raw(couple, '?tta=flip&tta=crops'), 'BAD_ARGUMENT', /Expected one value for query parameter tta but received 2: "flip", "crops"/);
  assertError(await raw(couple, '?minFaceScor=0.5'), 'BAD_ARGUMENT', /Unknown query parameter minFaceScor .*expected only largestFace, minFaceScore, tta/);
  assertError(await app.inject({ method: 'POST', url: '/v1/analyze' }), 'BAD_ARGUMENT', /multipart\/form-data field named image or as an image\/\* body/);
  assertError(await app.inject({ method: 'POST', url: '/v1/analyze', ...multipart('photo', couple) }), 'BAD_ARGUMENT', /field image but received a file in the field "photo"/);
});

test('422 BAD_IMAGE, as the catalogue says of an empty image: a 0-byte body or multipart file, the message saying what was expected', async () => {
  assertError(await raw(new Uint8Array(0)), 'BAD_IMAGE', /^The image\/jpeg body is empty \(0 bytes\): expected the photo's bytes \(JPEG, PNG, WebP, GIF, TIFF or BMP\)$/);
  assertError(await app.inject({ method: 'POST', url: '/v1/analyze', ...multipart('image', new Uint8Array(0)) }), 'BAD_IMAGE', /^The file in the multipart field image is empty \(0 bytes\): expected the photo's bytes/);
});

test('400 BAD_ARGUMENT, not 500: a multipart body without a boundary, or cut off before its end', async () => {
  const noBoundary = await app.inject({ method: 'POST', url: '/v1/analyze', payload: 'not multipart', headers: { 'content-type': 'multipart/form-data' } });
  assertError(noBoundary, 'BAD_ARGUMENT', /Expected a multipart\/form-data body with one part named image .*could not be read \(Multipart: Boundary not found\)/);
  const whole = multipart('image', couple);
  const cut = { ...whole, payload: whole.payload.subarray(0, 2000) };
  assertError(await app.inject({ method: 'POST', url: '/v1/analyze', ...cut }), 'BAD_ARGUMENT', /part named image .*could not be read \((Part terminated early|Unexpected end)/);
  assert.equal((await app.inject({ method: 'POST', url: '/v1/analyze', ...whole })).statusCode, 200, 'the server goes on');
});

test('two files in one multipart body are 400 BAD_ARGUMENT naming the second one\'s field, not the first analysed and the second ignored', async () => {
  const twoFiles = (second: string) => app.inject({ method: 'POST', url: '/v1/analyze', ...multipartParts([['image', couple], [second, couple]]) });
  assertError(await twoFiles('x'), 'BAD_ARGUMENT', /^Expected one file, the photo in the field image, but received a second file in the field "x"$/);
  assertError(await twoFiles('image'), 'BAD_ARGUMENT', /a second file in the field "image"/);
});

test('multipart form fields are refused with 400 naming them, not ignored: options are query parameters', async () => {
  const send = (...parts: Array<readonly [string, Uint8Array | string]>) => app.inject({ method: 'POST', url: '/v1/analyze', ...multipartParts(parts) });
  assertError(await send(['image', couple], ['minFaceScore', '1']), 'BAD_ARGUMENT', /^Unknown multipart field "minFaceScore" \(received "1"\): expected only the file field image; options go in the query string \(\/v1\/analyze\?minFaceScore=…\)$/);
  assertError(await send(['tta', 'flip'], ['image', couple]), 'BAD_ARGUMENT', /Unknown multipart field "tta" \(received "flip"\).*query string/);
  assertError(await send(['image', couple], ['comment', 'hi']), 'BAD_ARGUMENT', /^Unknown multipart field "comment" \(received "hi"\): expected only the file field image$/);
  assertError(await send(['image', couple], ['comment', 'x'.repeat(5000)]), 'BAD_ARGUMENT', /^Unknown multipart field "comment" \(received "x{100}"… \(5000 characters\)\): expected only/);
  assertError(await send(['image', 'photo.jpg']), 'BAD_ARGUMENT', /Expected a file in the multipart field image but received a text value/);
  assert.equal((await app.inject({ method: 'POST', url: '/v1/analyze?minFaceScore=1', ...multipart('image', couple) })).statusCode, 200, 'in the query string, as documented');
});

test('415 UNSUPPORTED_ENCODING: a compressed body is refused naming its Content-Encoding, with Accept-Encoding: identity', async () => {
  const send = (encoding: string, payload: Buffer) => app.inject({ method: 'POST', url: '/v1/analyze', headers: { 'content-type': 'image/jpeg', 'content-encoding': encoding }, payload });
  const gzipped = await send('gzip', gzipSync(couple));
  assertError(gzipped, 'UNSUPPORTED_ENCODING', /^Content-Encoding "gzip" is not supported: expected the photo unencoded \(no Content-Encoding, or identity\)$/);
  assert.equal(gzipped.headers['accept-encoding'], 'identity');
  const form = multipart('image', couple);
  assertError(await app.inject({ method: 'POST', url: '/v1/analyze', headers: { ...form.headers, 'content-encoding': 'br' }, payload: form.payload }), 'UNSUPPORTED_ENCODING', /"br"/);
  assert.equal((await send('identity', couple)).statusCode, 200, 'identity is no encoding');
});

test('413 PAYLOAD_TOO_LARGE: a raw body or an upload over maxBytes, refused before decoding', async () => {
  const big = new Uint8Array(MAX_BYTES + 1);
  assertError(await raw(big), 'PAYLOAD_TOO_LARGE', new RegExp(`limit of ${MAX_BYTES} bytes`));
  assertError(await app.inject({ method: 'POST', url: '/v1/analyze', ...multipart('image', big) }), 'PAYLOAD_TOO_LARGE', new RegExp(`limit of ${MAX_BYTES} bytes`));
});

test('415 UNSUPPORTED_IMAGE: a body that is not an image, by its Content-Type or by its bytes', async () => {
  assertError(await raw(Buffer.from('{"image": "x"}'), '', 'application/json'), 'UNSUPPORTED_IMAGE', /received Content-Type "application\/json"/);
  assertError(await raw(Buffer.from('hello, not a photo'), '', 'image/png'), 'UNSUPPORTED_IMAGE', /not an image/);
});

test('422: a truncated photo is BAD_IMAGE; a decompression bomb over maxPixels is IMAGE_TOO_LARGE', async () => {
  assertError(await raw(couple.subarray(0, couple.length >> 1)), 'BAD_IMAGE', /the uploaded photo: damaged or truncated/);
  const bomb = await blackPng(2500, 2000); // 5 megapixels in a few kilobytes
  assert.ok(bomb.length < MAX_BYTES);
  assertError(await raw(bomb, '', 'image/png'), 'IMAGE_TOO_LARGE', new RegExp(`limit of ${MAX_PIXELS} pixels`));
});

test('404 NOT_FOUND for an unknown route, as JSON', async () => {
  assertError(await app.inject({ method: 'GET', url: '/v2/analyze?x=1' }), 'NOT_FOUND', /No route GET \/v2\/analyze: see \/docs/);
  assertError(await app.inject({ method: 'DELETE', url: '/health' }), 'NOT_FOUND', /No route DELETE \/health:/);
});

test('405 METHOD_NOT_ALLOWED with Allow for a known route asked with another method, as JSON', async () => {
  const getAnalyze = await app.inject({ method: 'GET', url: '/v1/analyze?tta=flip' });
  assertError(getAnalyze, 'METHOD_NOT_ALLOWED', /^\/v1\/analyze does not answer GET: expected POST \(see \/docs for the API\)$/);
  assert.equal(getAnalyze.headers.allow, 'POST');
  const deleteHealth = await app.inject({ method: 'DELETE', url: '/healthz' });
  assertError(deleteHealth, 'METHOD_NOT_ALLOWED', /^\/healthz does not answer DELETE: expected one of GET, HEAD/);
  assert.equal(deleteHealth.headers.allow, 'GET, HEAD');
  assert.equal((await app.inject({ method: 'POST', url: '/v1/model' })).headers.allow, 'GET, HEAD');
  // The page's catch-all route does not make every path a known one
  assertError(await broken.inject({ method: 'POST', url: '/v2/analyze' }), 'NOT_FOUND');
  const page = await broken.inject({ method: 'DELETE', url: '/models/default/model.json' });
  assertError(page, 'METHOD_NOT_ALLOWED');
  assert.equal(page.headers.allow, 'GET, HEAD');
});

test('a page path with "..", "." or an empty segment is 400 BAD_ARGUMENT naming the path and what was expected, not a bare "Forbidden"', async () => {
  const message = (answer: { body: string }) => (JSON.parse(answer.body) as { error: { message: string } }).error.message;
  const expected = 'expected a path without "..", ".", empty segments or backslashes, such as /index.html';
  const empty = await broken.inject('//index.html');
  assertError(empty, 'BAD_ARGUMENT');
  assert.equal(message(empty), `The request path "//index.html" has an empty segment ("//"): ${expected}`);
  // inject() resolves ".." itself: over a socket, as a client sends it
  const { port } = new URL(await broken.listen({ host: '127.0.0.1', port: 0 }));
  for (const [path, what] of [['/../index.html', '".."'], ['/a/%2e%2e/index.html', '".."'], ['/./index.html', '"."']] as const) {
    const answer = await new Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: Number(port), path }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => { body += chunk.toString(); });
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body }));
      });
      request.on('error', reject);
      request.end();
    });
    assertError(answer, 'BAD_ARGUMENT');
    assert.equal(message(answer), `The request path ${JSON.stringify(path)} has a ${what} segment: ${expected}`);
  }
});

test('GET /v1/model describes the model: labels, architecture, input, metrics, detector', async () => {
  const response = await app.inject('/v1/model');
  assert.equal(response.statusCode, 200);
  const body = response.json() as Record<string, unknown>;
  assert.deepEqual(body['labels'], library.meta.labels);
  assert.equal(body['architecture'], 'test-tiny');
  assert.deepEqual(body['inputShape'], [48, 48, 1]);
  assert.equal(body['detector'], 'blazeface');
  assert.deepEqual(body['metrics'], {});
  assert.match(String(body['note']), /FER2013/);
});

test('GET /healthz and /readyz answer 200 once the models are loaded', async () => {
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  const ready = await app.inject('/readyz');
  assert.equal(ready.statusCode, 200);
  assert.equal((ready.json() as { status: string }).status, 'ready');
});

test('/readyz is 503 NOT_READY while the models cannot be loaded, and analyze is refused the same way', async () => {
  await assert.rejects(broken.emoscope.ready, /No model at/);
  assertError(await broken.inject('/readyz'), 'NOT_READY', /could not be loaded: No model at/);
  const auth = { authorization: `Bearer ${KEY}` };
  assertError(await broken.inject({ method: 'POST', url: '/v1/analyze', headers: { ...auth, 'content-type': 'image/jpeg' }, payload: couple }), 'NOT_READY');
  assertError(await broken.inject({ url: '/v1/model', headers: auth }), 'NOT_READY');
});

test('401 UNAUTHORIZED without the API key or with a wrong one; /healthz, /readyz and /docs stay open', async () => {
  const none = await broken.inject('/v1/model');
  assertError(none, 'UNAUTHORIZED', /Authorization: Bearer/);
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="emoscope"', 'the challenge of the scheme (RFC 6750 §3)');
  const wrong = await broken.inject({ url: '/v1/model', headers: { authorization: 'Bearer wrong' } });
  assertError(wrong, 'UNAUTHORIZED', /wrong/);
  assert.equal(wrong.headers['www-authenticate'], 'Bearer realm="emoscope", error="invalid_token"');
  const basic = await broken.inject({ url: '/v1/model', headers: { authorization: `Basic ${KEY}` } });
  assertError(basic, 'UNAUTHORIZED');
  assert.equal(basic.headers['www-authenticate'], 'Bearer realm="emoscope"');
  assertError(await broken.inject({ method: 'POST', url: '/v1/analyze', headers: { 'content-type': 'image/jpeg' }, payload: couple }), 'UNAUTHORIZED');
  assertError(await broken.inject('/metrics'), 'UNAUTHORIZED');
  assert.equal((await broken.inject('/healthz')).statusCode, 200);
  assert.equal((await broken.inject('/readyz')).statusCode, 503); // open, and not ready
  assert.equal((await broken.inject('/docs/json')).statusCode, 200);
  const doc = (await broken.inject('/docs/json')).json() as { paths: Record<string, { post?: { security?: unknown } }> };
  assert.deepEqual(doc.paths['/v1/analyze']!.post!.security, [{ bearer: [] }], 'the document says the key is needed');
});

test('503 BUSY with Retry-After when the worker and the queue are full, 504 TIMEOUT over timeoutMs', async () => {
  const model = await saveTinyModel();
  const tight = await buildServer({ model, workers: 1, queueSize: 0, timeoutMs: 1, webRoot });
  try {
    await tight.emoscope.ready;
    const send = () => tight.inject({ method: 'POST', url: '/v1/analyze', headers: { 'content-type': 'image/jpeg' }, payload: couple });
    const [first, second] = await Promise.all([send(), send()]);
    assertError(first!, 'TIMEOUT', /longer than the limit of 1 ms/);
    assertError(second!, 'BUSY', /queue is full \((\d+ photos|1 photo) waiting\)/);
    assert.match(String(second!.headers['retry-after']), /^[1-9]\d*$/);
  } finally {
    await tight.emoscope.shutdown();
  }
});

test('GET /metrics: requests by route and status, latency, faces found, queue depth, worker busy time', async () => {
  const response = await app.inject('/metrics');
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain/);
  const text = response.body;
  assert.match(text, /emoscope_http_requests_total\{route="\/v1\/analyze",method="POST",status="200"\} [1-9]/);
  assert.match(text, /emoscope_http_requests_total\{route="\/v1\/analyze",method="POST",status="413"\} 2/); // two bodies over maxBytes
  assert.match(text, /emoscope_http_request_duration_seconds_count\{route="\/v1\/analyze"\} [1-9]/);
  assert.match(text, /emoscope_faces_found_total [1-9]/);
  assert.match(text, /emoscope_queue_depth 0/);
  assert.ok(Number(/^emoscope_worker_busy_seconds_total (\S+)$/m.exec(text)?.[1]) > 0, 'busy time counted');
});

test('/docs/json is a valid OpenAPI 3 document describing /v1/analyze, its binary upload and its answers', async () => {
  const doc = (await app.inject('/docs/json')).json() as Record<string, unknown>;
  await SwaggerParser.validate(structuredClone(doc) as never);
  assert.match(String(doc['openapi']), /^3\./);
  const api = await SwaggerParser.dereference(structuredClone(doc) as never) as unknown as {
    paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { type: string; format?: string; properties?: Record<string, { format: string }> } }> }; parameters: Array<{ name: string; in: string }>; responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> }>>;
  };
  const analyze = api.paths['/v1/analyze']!['post']!;
  assert.equal(analyze.requestBody.content['multipart/form-data']!.schema.properties!['image']!.format, 'binary');
  assert.deepEqual(analyze.requestBody.content['image/jpeg']!.schema, { type: 'string', format: 'binary' });
  assert.deepEqual(analyze.parameters.map((p) => `${p.in}:${p.name}`).sort(), ['query:largestFace', 'query:minFaceScore', 'query:tta']);
  assert.deepEqual(Object.keys(analyze.responses['200']!.content['application/json']!.schema.properties).sort(), ['faces', 'height', 'timings', 'width']);
  const errorSchema = analyze.responses['4XX']!.content['application/json']!.schema as unknown as { properties: { error: { properties: { code: { enum: string[] } } } } };
  assert.deepEqual(errorSchema.properties.error.properties.code.enum, Object.keys(ERROR_CATALOGUE));
  for (const path of ['/v1/model', '/healthz', '/readyz', '/metrics']) assert.ok(api.paths[path]?.['get'], `${path} documented`);
});

test('GET /docs serves Swagger UI from the server itself, with no script or style from elsewhere', async () => {
  const page = await app.inject('/docs/');
  const html = page.statusCode === 302 ? (await app.inject(String(page.headers.location))).body : page.body;
  assert.match(html, /swagger-ui/);
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'nothing loaded from another host');
  const bundle = await app.inject('/docs/static/swagger-ui-bundle.js');
  assert.equal(bundle.statusCode, 200);
});

test('GET / serves the browser page when it is built, and otherwise points to /docs', async () => {
  const page = await broken.inject('/');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<title>emoscope page<\/title>/);
  // cross-origin isolated, so that the page's wasm backend may run on threads
  assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
  const pointer = (await app.inject('/')).json() as { docs: string };
  assert.equal(pointer.docs, '/docs');
});

test('the page runs the server\'s own model: models/default/ serves --model\'s files, not the copy built beside the page', async () => {
  const model = await saveTinyModel();
  const page = join(await tempDir('emoscope-web-'), 'web');
  await mkdir(join(page, 'models', 'default'), { recursive: true });
  await writeFile(join(page, 'index.html'), '<!doctype html><title>emoscope page</title>');
  await writeFile(join(page, 'models', 'default', 'model.json'), '{"built": "with another model"}');
  const server = await buildServer({ model, workers: 1, webRoot: page });
  try {
    for (const file of ['model.json', 'weights.bin', 'emoscope.json']) {
      const r = await server.inject(`/models/default/${file}`);
      assert.equal(r.statusCode, 200, `${file}: ${r.body.slice(0, 200)}`);
      assert.deepEqual(r.rawPayload, await readFile(join(model, file)), `${file} is the served model's`);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    }
    // A revisit revalidates (no-cache) and costs a 304, not the weights again
    const first = await server.inject('/models/default/weights.bin');
    assert.equal(first.headers['cache-control'], 'no-cache');
    assert.equal((await server.inject({ url: '/models/default/weights.bin', headers: { 'if-none-match': String(first.headers.etag) } })).statusCode, 304);
    // Nothing else of the model's folder, and nothing outside it
    await writeFile(join(model, 'notes.txt'), 'private');
    assertError(await server.inject('/models/default/notes.txt'), 'NOT_FOUND', /the page's model has model\.json, emoscope\.json, weights\.bin/);
    assertError(await server.inject('/models/default/..%2Fnotes.txt'), 'NOT_FOUND');
  } finally {
    await server.emoscope.shutdown();
  }
});

test('the page\'s files go gzipped, as build:web packed them, to a browser that accepts gzip, and as they are to one that does not', async () => {
  const model = await saveTinyModel();
  const page = join(await tempDir('emoscope-web-'), 'web');
  await mkdir(page, { recursive: true });
  const html = '<!doctype html><title>emoscope page</title>'.padEnd(3000, ' ');
  const script = `export const answer = ${JSON.stringify('x'.repeat(5000))};`;
  for (const [name, text] of [['index.html', html], ['app.js', script]] as const) {
    await writeFile(join(page, name), text);
    await writeFile(join(page, `${name}.gz`), gzipSync(text));
  }
  const server = await buildServer({ model, workers: 1, webRoot: page });
  try {
    for (const [url, text, type] of [['/', html, /text\/html/], ['/index.html', html, /text\/html/], ['/app.js', script, /javascript/]] as const) {
      const packed = await server.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(packed.statusCode, 200, `${url}: ${packed.body.slice(0, 100)}`);
      assert.equal(packed.headers['content-encoding'], 'gzip', url);
      assert.match(String(packed.headers['content-type']), type);
      assert.match(String(packed.headers.vary), /accept-encoding/);
      assert.equal(packed.headers['cross-origin-embedder-policy'], 'require-corp');
      assert.equal(gunzipSync(packed.rawPayload).toString(), text);
      const plain = await server.inject(url);
      assert.equal(plain.headers['content-encoding'], undefined, `${url} without accept-encoding`);
      assert.equal(plain.body, text);
    }
  } finally {
    await server.emoscope.shutdown();
  }
});

test('on the wire: a stalled upload is cut off with 408 TIMEOUT, non-HTTP and undecodable URLs get our JSON, and shutdown does not wait for a stalled client', { timeout: 30_000 }, async () => {
  const model = await saveTinyModel();
  const server = await buildServer({ model, workers: 1, requestTimeoutMs: 500 });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.server.address() as AddressInfo;
  /** What the server answers to `text` sent raw (the socket left open), or '' if it closes without a word. */
  const exchange = (text: string, hold = true) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      if (!hold) socket.end();
    });
    let answer = '';
    socket.on('data', (d) => { answer += d.toString(); });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
  const body = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };
  try {
    const stalled = await exchange('POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\nab');
    assert.match(stalled, /^HTTP\/1\.1 408 /);
    assert.equal(body(stalled).error.code, 'TIMEOUT');
    const garbage = await exchange('GARBAGE\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(body(garbage).error.message, /not valid HTTP/);
    const badUrl = await exchange('GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false);
    assert.match(badUrl, /^HTTP\/1\.1 400 /);
    assert.equal(body(badUrl).error.code, 'BAD_ARGUMENT');
  } finally {
    // a client that sent half its headers and waits: shutdown still ends
    const lingering = connect(port, '127.0.0.1', () => lingering.write('POST /v1/analyze HTTP/1.1\r\nHost: x\r\n'));
    lingering.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.emoscope.shutdown();
    assert.ok(Date.now() - started < 5000, `shutdown took ${Date.now() - started} ms`);
    lingering.destroy();
  }
});

test('after shutdown begins, new requests are 503 SHUTTING_DOWN while one in flight is answered', async () => {
  // The last test: it stops the shared server (after() finds it stopped).
  const inFlight = raw(couple);
  while (app.emoscope.pool.active === 0) await new Promise((resolve) => setImmediate(resolve));
  const stopping = app.emoscope.shutdown();
  assertError(await app.inject('/readyz'), 'SHUTTING_DOWN');
  assertError(await raw(couple), 'SHUTTING_DOWN');
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'shutting-down' }, 'liveness still answers');
  assert.equal((await inFlight).statusCode, 200);
  await stopping;
});
