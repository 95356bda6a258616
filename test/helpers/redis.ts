// A real redis-server for the batch tests: started on a Unix socket in a temporary folder (no TCP
// port), optionally with append-only persistence, restartable on the same socket and data, stopped
// by the test that started it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { tempDir } from './paths.js';

export interface TestRedis {
  /** unix:///…/redis.sock */
  url: string;
  /** a client for inspecting keys */
  client: Redis;
  /** SHUTDOWN (saving the append-only file) and wait for the process to end */
  shutdown(): Promise<void>;
  /** start again on the same socket and data folder */
  start(): Promise<void>;
  /** shut down for good and close the client */
  stop(): Promise<void>;
  /** sends the server process a signal (SIGSTOP freezes it with its connections open, SIGCONT resumes it) */
  signal(name: NodeJS.Signals): void;
}

/** Starts redis-server (Debian's `redis-server` package) in a fresh temporary folder. */
export async function startRedis(options: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const dir = await tempDir('emoscope-redis-');
  const socket = join(dir, 'redis.sock');
  let server: ChildProcess | undefined;
  const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no', '--appendfsync', 'always', '--loglevel', 'warning'];
  const start = async (): Promise<void> => {
    server = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    for (let i = 0; ; i++) {
      const probe = new Redis({ path: socket, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (error) {
        if (i > 200 || server?.exitCode !== null) throw new Error(`redis-server did not start: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        probe.disconnect();
      }
    }
  };
  const shutdown = async (): Promise<void> => {
    if (!server || server.exitCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGTERM'); // redis-server saves and exits on SIGTERM, like SHUTDOWN
    await exited;
  };
  await start();
  const client = new Redis({ path: socket, retryStrategy: (times) => Math.min(times * 50, 500) });
  client.on('error', () => undefined);
  return {
    url: `unix://${socket}`,
    client,
    shutdown,
    start,
    signal(name) {
      server?.kill(name);
    },
    async stop() {
      client.disconnect();
      await shutdown();
    },
  };
}
