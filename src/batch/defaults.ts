// The batch system's settings, each written once: the CLI's defaults and help texts, the library's
// defaults and the tests all read them from here.

/** Settings of `submit`, `worker` and the connection, with the reason for each value. */
export const BATCH_DEFAULTS = {
  /** photos per job: large enough that a job's queue traffic (~10 Redis calls) is shared by many photos, small enough that a killed worker loses little */
  chunk: 32,
  /** jobs one worker process runs at once (photos are decoded while another job's faces are classified) */
  concurrency: 1,
  /** ms a job stays locked to its worker without a heartbeat; past it, the stalled-job check hands the job to another worker */
  lockDuration: 30_000,
  /** ms between a worker's checks for jobs whose worker died */
  stalledInterval: 30_000,
  /** how often a job may be found stalled (its worker died) before it is given up and its photos are recorded as failed: a photo that crashes every worker must not kill them forever */
  maxStalledCount: 3,
  /** attempts of a job whose processing throws (Redis lost for a moment, a backend error); photos that cannot be read are not retried */
  attempts: 5,
  /** first retry after this many ms, doubled each time */
  backoff: 1_000,
  /** ms to wait for the first answer from Redis before giving up with UNAVAILABLE */
  connectTimeout: 5_000,
  /** ms a one-shot command (submit, status, results, clear) waits for any one answer from Redis: a server that froze without closing the connection (stopped, swapping, a dead host behind a live proxy) fails the command with UNAVAILABLE instead of hanging it; workers wait (their blocking calls are long by design) */
  commandTimeout: 10_000,
  /** reconnection attempts of a one-shot command (submit, status, results, clear) that lost Redis, about 3 s in all, before it fails with UNAVAILABLE; workers retry for ever */
  oneShotRetries: 5,
  /** ms a stopping worker waits for a lost Redis before it exits without storing the jobs in hand (they go to another worker once their lock expires) */
  stopTimeout: 10_000,
} as const;

/** Faces kept per photo in a stored result (the highest detector scores): a result's size is bounded whatever the photo. */
export const MAX_STORED_FACES = 256;

/** Characters kept of a failed photo's error message in a stored result. */
export const MAX_STORED_ERROR = 500;

/** Completions counted for `status`'s files per second. */
export const RATE_WINDOW_MS = 60_000;
