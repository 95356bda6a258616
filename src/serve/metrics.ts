// The server's Prometheus metrics (prom-client), in a registry of its own so that several servers
// in one process (tests) do not share counters: requests by route and status, their latency,
// faces found, the queue's depth and the workers' busy time, plus the process's default metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InferencePool } from './pool.js';

export interface ServeMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  latency: Histogram<'route'>;
  faces: Counter;
}

/** Creates the metrics of one server, reading the pool's gauges when scraped. */
export function createMetrics(pool: InferencePool): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'emoscope_' });
  const requests = new Counter({
    name: 'emoscope_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'emoscope_http_request_duration_seconds',
    help: 'Time from request to answer, by route',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const faces = new Counter({ name: 'emoscope_faces_found_total', help: 'Faces found in analysed photos', registers: [registry] });
  new Gauge({
    name: 'emoscope_queue_depth',
    help: 'Photos waiting for a worker',
    registers: [registry],
    collect() { this.set(pool.queueDepth); },
  });
  new Gauge({
    name: 'emoscope_workers_active',
    help: 'Workers analysing a photo now',
    registers: [registry],
    collect() { this.set(pool.active); },
  });
  const busy = new Counter({ name: 'emoscope_worker_busy_seconds_total', help: 'Time the workers spent analysing photos', registers: [registry] });
  pool.onBusy((ms) => busy.inc(ms / 1000));
  return { registry, requests, latency, faces };
}
