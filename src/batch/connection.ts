// Connecting to Redis from a `--redis` URL: the URL is checked (BAD_ARGUMENT naming it), the first
// answer is awaited under a deadline (UNAVAILABLE naming the server, within seconds instead of a
// hang). Afterwards a worker's connection retries with backoff forever (a Redis restart costs it a
// pause, not its life), while a one-shot command's gives up after a few seconds (UNAVAILABLE), and
// so does its wait for any one answer from a server that froze with the connection open.
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { closeHandler } from 'ioredis/built/redis/event_handler.js';
import { EmoscopeError, badArgument } from '../errors.js';
import { BATCH_DEFAULTS } from './defaults.js';
import { optionKeys } from '../util/option-keys.js';

/** The options of batchStatus, batchResults and clearBatch: only where Redis is. */
export interface RedisConnectionOptions {
  /** Redis URL: redis://host:port, rediss://…, unix:///path/to/redis.sock */
  redis: string;
}

export const REDIS_OPTION_KEYS = optionKeys<RedisConnectionOptions>({ redis: true });

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

/**
 * ioredis's client with one fix. `disconnect()` while the client waits out a retry delay (status
 * "reconnecting": Redis went away, no socket) clears ioredis's retry timer but never ends the
 * client: no socket is left whose "close" would say so, so "end" never comes and the client stays
 * "reconnecting" for ever. BullMQ's Worker.close() waits for that "end", so a worker stopped
 * during or just after a Redis outage never finished closing. Here such a client ends the way
 * ioredis ends one that never connected. Duplicates (BullMQ's own connections) are RedisClients
 * too, and belong to the same family, so that all of them can be dropped at once.
 */
export class RedisClient extends Redis {
  /** this client and every duplicate made from it (or from them) */
  readonly family: Set<RedisClient>;

  constructor(options: RedisOptions, family: Set<RedisClient> = new Set()) {
    super(options);
    this.family = family.add(this);
  }

  override disconnect(reconnect = false): void {
    const stranded = !reconnect && this.status === 'reconnecting';
    super.disconnect(reconnect);
    if (stranded) closeHandler(this)(); // status "close" then "end", queued commands rejected
  }

  override duplicate(override?: Partial<RedisOptions>): RedisClient {
    return new RedisClient({ ...this.options, ...override }, this.family);
  }

  /** Drops this client and all its duplicates at once, without waiting for Redis (their pending commands are rejected). */
  disconnectFamily(): void {
    for (const client of this.family) client.disconnect();
  }
}

/**
 * A connected client for `url`, its first PING answered. Throws BAD_ARGUMENT for a bad URL and
 * UNAVAILABLE (naming the server and the reason) when no answer comes within `deadline` ms.
 * Afterwards, commands wait while the client reconnects: `durable` clients (workers and BullMQ's
 * connections duplicated from them) reconnect for ever; the others (one-shot commands such as
 * status) give up after BATCH_DEFAULTS.oneShotRetries attempts, a few seconds, and their pending
 * commands fail (see `lostRedis`); and each of their commands fails when no answer comes within
 * `commandTimeout` ms (default BATCH_DEFAULTS.commandTimeout), as from a frozen server.
 */
export async function connectRedis(url: string, options: { durable?: boolean; deadline?: number; commandTimeout?: number } = {}): Promise<RedisClient> {
  const base = redisOptions(url);
  let connected = false;
  let lastError: Error | undefined;
  const client = new RedisClient({
    ...base,
    lazyConnect: true,
    connectTimeout: BATCH_DEFAULTS.connectTimeout,
    maxRetriesPerRequest: null, // BullMQ's blocking connections require it; the retry strategy bounds the wait instead
    ...(options.durable ? {} : { commandTimeout: options.commandTimeout ?? BATCH_DEFAULTS.commandTimeout }),
    retryStrategy: (times) => {
      if (!connected) return null; // no retries before the first answer: fail fast
      return options.durable || times <= BATCH_DEFAULTS.oneShotRetries ? reconnectDelay(times) : null;
    },
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

/**
 * `error` as thrown by a command on `client`: when the connection is what failed (the client is
 * not ready any more, or the server did not answer within the command timeout), UNAVAILABLE naming
 * the server; anything else unchanged.
 */
export function lostRedis(client: Redis, url: string, error: unknown): unknown {
  const timeout = client.options.commandTimeout;
  if (timeout !== undefined && error instanceof Error && error.message === 'Command timed out') { // ioredis's words (Command.js)
    return new EmoscopeError('UNAVAILABLE', `Redis at ${displayUrl(url)} did not answer within ${timeout / 1000} s (stopped or overloaded?)`, { cause: error });
  }
  if (error instanceof EmoscopeError || client.status === 'ready') return error;
  return new EmoscopeError('UNAVAILABLE', `Redis at ${displayUrl(url)} was lost: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}
