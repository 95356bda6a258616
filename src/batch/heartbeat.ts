// Is Redis still answering? A stopping worker must not wait for ever on a Redis that is gone: it
// pings while it stops, and gives up once no answer came for a while.
import type { Redis } from 'ioredis';

/** A watch on `client`: `silent` resolves once no PING was answered for `graceMs`; `stop()` ends the watch. */
export interface Heartbeat {
  silent: Promise<void>;
  stop(): void;
}

/** Pings `client` every `everyMs` (answers refresh the watch) until stopped. */
export function watchRedis(client: Redis, graceMs: number, everyMs = 500): Heartbeat {
  let lastAnswer = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (Date.now() - lastAnswer > graceMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      client.ping().then(() => { lastAnswer = Date.now(); }, () => undefined); // queued while reconnecting: answered once Redis is back
    }, everyMs);
  });
  return { silent, stop: () => clearInterval(timer) };
}
