// Connecting to Redis from a `--redis` URL: the URL is checked (BAD_ARGUMENT naming it), the first
// answer is awaited under a deadline (UNAVAILABLE naming the server, within seconds instead of a
// hang), and afterwards a lost connection is retried with backoff, so that a Redis restart costs
// a worker a pause, not its life.
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { RedisOptions as QueueRedisOptions } from 'bullmq';
import { EmoscopeError, badArgument } from '../errors.js';
import { BATCH_DEFAULTS } from './defaults.js';

const URL_FORMS = 'a Redis URL (redis://host:6379, rediss://user:password@host:6380/0 or unix:///path/to/redis.sock)';

/** ioredis options for `url` (no connection made). Throws BAD_ARGUMENT for anything else than the forms above. */
export function redisOptions(url: string): Omit<RedisOptions, 'retryStrategy'> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badArgument('--redis', URL_FORMS, url);
  }
  const db = (value: string | null): number => {
    if (value === null || value === '') return 0;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw badArgument('--redis', `${URL_FORMS} with a database number`, url);
    return n;
  };
  const auth = {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
  if (u.protocol === 'unix:') {
    if (u.pathname === '' || u.pathname === '/') throw badArgument('--redis', URL_FORMS, url);
    return { path: decodeURIComponent(u.pathname), db: db(u.searchParams.get('db')), ...auth };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw badArgument('--redis', URL_FORMS, url);
  if (u.hostname === '') throw badArgument('--redis', URL_FORMS, url);
  const port = u.port === '' ? 6379 : Number(u.port);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'), // IPv6 literals come bracketed
    port,
    db: db(u.pathname.slice(1)),
    ...auth,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** `url` with its password hidden, for messages. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Reconnection delays once connected: 100 ms, 200 ms, … at most 3 s, forever (a restart is waited out). */
export function reconnectDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 10), 3_000);
}

/** Options for clients that may wait through an outage (workers, BullMQ): keep commands queued while reconnecting. */
export function durableOptions(url: string): QueueRedisOptions {
  return { ...redisOptions(url), connectTimeout: BATCH_DEFAULTS.connectTimeout, retryStrategy: reconnectDelay, maxRetriesPerRequest: null };
}

/**
 * A connected client for `url`, its first PING answered. Throws BAD_ARGUMENT for a bad URL and
 * UNAVAILABLE (naming the server and the reason) when no answer comes within `deadline` ms.
 * `durable`: after connecting, commands wait through outages (workers) instead of failing after
 * a few retries (one-shot commands such as status).
 */
export async function connectRedis(url: string, options: { durable?: boolean; deadline?: number } = {}): Promise<Redis> {
  const base = redisOptions(url);
  let connected = false;
  let lastError: Error | undefined;
  const client = new Redis({
    ...base,
    lazyConnect: true,
    connectTimeout: BATCH_DEFAULTS.connectTimeout,
    maxRetriesPerRequest: options.durable ? null : 3,
    retryStrategy: (times) => (connected ? reconnectDelay(times) : null), // no retries before the first answer: fail fast
  });
  client.on('error', (error: Error) => {
    lastError = error;
  });
  const deadline = options.deadline ?? BATCH_DEFAULTS.connectTimeout + 1_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadline / 1000} s`)), deadline);
      }),
    ]);
    connected = true;
    return client;
  } catch (error) {
    client.disconnect();
    const reason = (lastError ?? (error as Error)).message;
    throw new EmoscopeError('UNAVAILABLE', `Redis at ${displayUrl(url)} cannot be reached: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
