/**
 * A worker's own Prometheus metrics, served by the SDK's core (its standard `temporal_*` series: workflow-task
 * schedule-to-start, execution and replay latency, sticky-cache hits and misses, slots, pollers, activity latency),
 * as operators of a Temporal cluster scrape them. Off unless WORKER_METRICS_ADDRESS names where to listen.
 * Called by entry points only, with `process.env`.
 */
import type { RuntimeOptions } from '@temporalio/worker';

export class InvalidWorkerMetricsAddressError extends Error {
  readonly code = 'INVALID_WORKER_METRICS_ADDRESS';
  constructor(value: string) {
    super(`WORKER_METRICS_ADDRESS must be host:port (e.g. 127.0.0.1:9464 or 0.0.0.0:9464), got "${value}"`);
  }
}

/** The address to serve the metrics on (host:port, port 1–65535), or undefined when unset; throws when malformed. */
export function workerMetricsAddress(env: Record<string, string | undefined>): string | undefined {
  const value = env.WORKER_METRICS_ADDRESS;
  if (value === undefined || value === '') return undefined;
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65_535) throw new InvalidWorkerMetricsAddressError(value);
  return value;
}

/** Runtime options that serve the metrics at `bindAddress` (everything else the SDK's defaults). */
export function workerMetricsRuntimeOptions(bindAddress: string): RuntimeOptions {
  return { telemetryOptions: { metrics: { prometheus: { bindAddress } } } };
}
