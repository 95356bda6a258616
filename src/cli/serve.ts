// `emoscope serve`: the HTTP API (src/serve/) on a host and port. Prints where it listens and
// when the models are ready; SIGTERM or SIGINT stops accepting, finishes the requests in flight,
// closes the worker pool and exits 0.
import { buildServer } from '../serve/server.js';
import { readApiKeyFile } from '../serve/auth.js';
import { SERVE_DEFAULTS } from '../serve/options.js';
import { resolveModelDir } from '../runs/locate.js';
import type { RegisterCommand } from './commands.js';
import { MODEL_HELP, intOption } from './options.js';

interface ServeFlags {
  host: string;
  port: number;
  model?: string;
  workers: number;
  queueSize?: number;
  maxBytes: number;
  maxPixels: number;
  timeoutMs: number;
  apiKeyFile?: string;
}

export const registerServe: RegisterCommand = (program, setExitCode) => {
  program
    .command('serve')
    .description('Serve the recognizer over HTTP: POST /v1/analyze, /docs, /metrics, /healthz, /readyz')
    .option('--host <host>', 'address to listen on', SERVE_DEFAULTS.host)
    .option('--port <n>', 'port to listen on (0: any free port)', intOption('--port', 0, 65535), SERVE_DEFAULTS.port)
    .option('--model <dir>', MODEL_HELP)
    .option('--workers <n>', 'inference worker threads, one per core unless given', intOption('--workers', 1), SERVE_DEFAULTS.workers)
    .option('--queue-size <n>', `photos that may wait for a worker before new ones are refused with 503 (default: ${SERVE_DEFAULTS.queuePerWorker} per worker)`, intOption('--queue-size', 0))
    .option('--max-bytes <n>', 'largest request body in bytes', intOption('--max-bytes', 1), SERVE_DEFAULTS.maxBytes)
    .option('--max-pixels <n>', 'refuse photos with more pixels, before decoding them', intOption('--max-pixels', 1), SERVE_DEFAULTS.maxPixels)
    .option('--timeout-ms <n>', 'longest time a photo may take, queue included (504 after)', intOption('--timeout-ms', 1), SERVE_DEFAULTS.timeoutMs)
    .option('--api-key-file <file>', 'require "Authorization: Bearer <key>" with the key in this file on /v1/* and /metrics')
    .action(async (flags: ServeFlags) => {
      const apiKey = flags.apiKeyFile === undefined ? undefined : await readApiKeyFile(flags.apiKeyFile);
      await resolveModelDir(flags.model); // a missing model fails here, before the server says it listens
      const app = await buildServer({
        model: flags.model,
        workers: flags.workers,
        queueSize: flags.queueSize,
        maxBytes: flags.maxBytes,
        maxPixels: flags.maxPixels,
        timeoutMs: flags.timeoutMs,
        apiKey,
        logger: { level: 'warn' },
      });
      const stopped = new Promise<string>((resolve) => {
        for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
      });
      const address = await app.listen({ host: flags.host, port: flags.port });
      process.stderr.write(`emoscope: listening on ${address} (${flags.workers} workers; loading the models, /readyz says when ready)\n`);
      const loaded = app.emoscope.ready.then(
        () => { process.stderr.write(`emoscope: ready; API documentation at ${address}/docs\n`); return undefined; },
        (error: unknown) => error,
      );
      const first = await Promise.race([stopped, loaded]);
      if (first !== undefined && typeof first !== 'string') {
        process.stderr.write(`emoscope: ${first instanceof Error ? first.message : String(first)}\n`);
        await app.emoscope.shutdown();
        setExitCode(1);
        return;
      }
      const signal = typeof first === 'string' ? first : await stopped;
      process.stderr.write(`emoscope: ${signal}: finishing the requests in flight, then stopping\n`);
      await app.emoscope.shutdown();
      process.stderr.write('emoscope: stopped\n');
    });
};
