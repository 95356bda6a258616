// What the routes of one server share: its settings, the inference pool, the metrics and whether
// it is shutting down. Built once by buildServer and handed to each route plugin.
import type { InferencePool } from './pool.js';
import type { ServeMetrics } from './metrics.js';
import type { ResolvedServeOptions } from './options.js';

export interface ServeContext {
  readonly options: ResolvedServeOptions;
  readonly pool: InferencePool;
  readonly metrics: ServeMetrics;
  /** set by shutdown(): every request but /healthz is answered 503 SHUTTING_DOWN */
  closing: boolean;
}
