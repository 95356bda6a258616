// The inference pool: piscina worker threads, each holding a loaded recognizer, behind a bounded
// queue of our own. Our queue (not piscina's) decides admission, so that a full queue is refused at
// once (BUSY, with a Retry-After estimate), a photo still waiting when its time is up leaves the
// queue (TIMEOUT), and one being analysed when its time is up finishes in its worker (a thread
// cannot be interrupted without being killed and its models reloaded) while its request is answered.
//
//   const pool = InferencePool.start({ workers: 2, queueSize: 16, timeoutMs: 30000, maxPixels: 1e8 });
//   await pool.ready;                      // models loaded and warmed in every worker
//   const reply = await pool.analyze({ image, options: { tta: 'flip' } });
//   await pool.close();                    // waits for the photos admitted, then ends the threads
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { EmoscopeError } from '../errors.js';
import { plural } from '../util/format.js';
import type { AnalyzeReply, AnalyzeTask, ModelInfo, WireError, WorkerSettings, WorkerStatus } from './protocol.js';

export interface PoolOptions {
  model?: string;
  workers: number;
  queueSize: number;
  timeoutMs: number;
  maxPixels: number;
}

/** Where the pool is in its life. */
export type PoolState = 'loading' | 'ready' | 'failed' | 'closing';

interface Job {
  task: AnalyzeTask;
  resolve: (reply: AnalyzeReply) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/** Called when a worker finishes a photo, for the metrics. */
export type BusyListener = (busyMs: number) => void;

export class InferencePool {
  /** resolves when every worker has loaded and warmed its models; rejects with the first worker's failure */
  readonly ready: Promise<ModelInfo>;
  private readonly piscina: Piscina<AnalyzeTask, AnalyzeReply>;
  private readonly waiting: Job[] = [];
  private running = 0;
  private stateNow: PoolState = 'loading';
  private failure: WireError | undefined;
  private modelInfo: ModelInfo | undefined;
  private averageMs = 1000; // a first guess for Retry-After, replaced by measurements
  private idleWaiters: Array<() => void> = [];
  private readonly busyListeners: BusyListener[] = [];
  private closed: Promise<void> | undefined;
  private closeChannel = (): void => undefined; // the readiness channel keeps the process alive while models load

  private constructor(private readonly options: PoolOptions) {
    const channel = `emoscope-serve-${randomUUID()}`;
    const settings: WorkerSettings = { model: options.model, maxPixels: options.maxPixels, channel };
    this.ready = this.watchWorkers(channel, options.workers);
    this.ready.catch(() => undefined); // the state says it; callers that await `ready` see the error
    this.piscina = new Piscina({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: Infinity, // a thread holds loaded models: never let it go
      atomics: 'disabled', // an idle worker waiting on Atomics would block its own loading of the models
      workerData: settings,
    });
  }

  /** Starts the worker threads; they load the models meanwhile (`ready`). */
  static start(options: PoolOptions): InferencePool {
    return new InferencePool(options);
  }

  get state(): PoolState {
    return this.stateNow;
  }

  /** Why the pool could not start (state 'failed'). */
  get error(): WireError | undefined {
    return this.failure;
  }

  /** The model the workers hold, once ready. */
  get model(): ModelInfo | undefined {
    return this.modelInfo;
  }

  /** Photos waiting for a worker. */
  get queueDepth(): number {
    return this.waiting.length;
  }

  /** Photos being analysed. */
  get active(): number {
    return this.running;
  }

  get workers(): number {
    return this.options.workers;
  }

  onBusy(listener: BusyListener): void {
    this.busyListeners.push(listener);
  }

  /**
   * Analyses a photo in a worker. Rejects with EmoscopeError NOT_READY, SHUTTING_DOWN, BUSY (with
   * `retryAfter` seconds) or TIMEOUT; a photo's own failure is a reply with `ok: false`.
   */
  analyze(task: AnalyzeTask): Promise<AnalyzeReply> {
    if (this.stateNow === 'closing') return Promise.reject(new EmoscopeError('SHUTTING_DOWN', 'The server is shutting down and accepts no new photos'));
    if (this.stateNow !== 'ready') return Promise.reject(this.notReady());
    if (this.running >= this.options.workers && this.waiting.length >= this.options.queueSize) {
      return Promise.reject(Object.assign(
        new EmoscopeError('BUSY', `Every worker is busy (${this.options.workers}) and the queue is full (${plural(this.options.queueSize, 'photo')} waiting); retry later`),
        { retryAfter: this.retryAfter() },
      ));
    }
    return new Promise<AnalyzeReply>((resolve, reject) => {
      const job: Job = { task, resolve, reject, settled: false, timer: setTimeout(() => this.expire(job), this.options.timeoutMs) };
      if (this.running < this.options.workers) this.dispatch(job);
      else this.waiting.push(job);
    });
  }

  /** Seconds after which a refused client may find room: the time the queue ahead of it takes, at least 1. */
  retryAfter(): number {
    const perPhoto = this.averageMs / this.options.workers;
    return Math.max(1, Math.ceil(((this.waiting.length + this.running) * perPhoto) / 1000));
  }

  /** Refuses new photos, waits for those admitted (queued ones included), then ends the threads. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stateNow = 'closing';
      this.closeChannel();
      if (this.running > 0 || this.waiting.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await this.piscina.destroy();
    })();
    return this.closed;
  }

  private notReady(): EmoscopeError {
    if (this.stateNow === 'failed' && this.failure) {
      return new EmoscopeError('NOT_READY', `The models could not be loaded: ${this.failure.message}`);
    }
    return new EmoscopeError('NOT_READY', 'The models are still loading; retry when /readyz answers 200');
  }

  private dispatch(job: Job): void {
    this.running++;
    this.piscina.run(job.task).then(
      (reply) => {
        this.averageMs = 0.8 * this.averageMs + 0.2 * reply.busyMs;
        for (const listener of this.busyListeners) listener(reply.busyMs);
        this.settle(job, () => job.resolve(reply));
      },
      (error: unknown) => this.settle(job, () => job.reject(error)),
    ).finally(() => {
      this.running--;
      const next = this.waiting.shift();
      if (next) this.dispatch(next);
      else if (this.running === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    });
  }

  private settle(job: Job, action: () => void): void {
    clearTimeout(job.timer);
    if (job.settled) return;
    job.settled = true;
    action();
  }

  private expire(job: Job): void {
    const queued = this.waiting.indexOf(job);
    if (queued >= 0) this.waiting.splice(queued, 1);
    const where = queued >= 0 ? 'waiting for a worker' : 'being analysed';
    this.settle(job, () => job.reject(new EmoscopeError('TIMEOUT', `The photo took longer than the limit of ${this.options.timeoutMs} ms (still ${where})`)));
    if (this.running === 0 && this.waiting.length === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
  }

  /** Resolves when each of `count` workers has said it is ready; rejects at the first that failed. */
  private watchWorkers(name: string, count: number): Promise<ModelInfo> {
    const channel = new BroadcastChannel(name);
    const seen = new Set<number>();
    return new Promise<ModelInfo>((resolve, reject) => {
      channel.onmessage = (event) => {
        const status = (event as { data: WorkerStatus }).data;
        if (!status.ready) {
          this.stateNow = this.stateNow === 'closing' ? 'closing' : 'failed';
          this.failure = status.error;
          channel.close();
          reject(new EmoscopeError(status.error.code, status.error.message));
          return;
        }
        seen.add(status.threadId);
        this.modelInfo ??= status.model;
        if (seen.size === count) {
          if (this.stateNow === 'loading') this.stateNow = 'ready';
          channel.close();
          resolve(status.model);
        }
      };
      this.closeChannel = () => channel.close();
    });
  }
}
