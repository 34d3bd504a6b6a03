/**
 * Registry call metrics (Prometheus, prom-client's default registry of the process): latency per registry and
 * operation, and errors. Observed by the audit wrapper, so every adapter (Postgres or an agency's own) is measured.
 */
import { Counter, Histogram, register } from 'prom-client';

const existing = <T>(name: string) => register.getSingleMetric(name) as T | undefined;

// One instance per process even when the module is loaded twice (tests, tsx reloads).
export const registryCallSeconds =
  existing<Histogram<'registry' | 'operation' | 'outcome'>>('registry_call_duration_seconds') ??
  new Histogram({
    name: 'registry_call_duration_seconds',
    help: 'Latency of registry calls made by agency activities and the API, by registry, operation and outcome',
    labelNames: ['registry', 'operation', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });

export const registryCallErrors =
  existing<Counter<'registry' | 'operation'>>('registry_call_errors_total') ??
  new Counter({
    name: 'registry_call_errors_total',
    help: 'Registry calls that failed, by registry and operation',
    labelNames: ['registry', 'operation'],
  });
