/**
 * What a worker's SDK core counted (its Prometheus metrics, WORKER_METRICS_ADDRESS, worker/worker-metrics.ts) between
 * two scrapes, per operation of a bench: workflow tasks and their sticky-cache hits and misses, and how many of
 * them waited or ran long — schedule-to-start, execution (replay included) and replay latency past each bucket bound.
 * A decision's tail that shows here was the engine worker's; one that does not was spent before the task reached it.
 */

/** A scrape's values summed over every label but the histogram bound: `name` or `name|le`. */
export type WorkerCounts = Map<string, number>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)/;

/** Parses Prometheus text: each sample's value added to its name's (and bucket bound's) total. */
export function parseWorkerMetrics(text: string): WorkerCounts {
  const out: WorkerCounts = new Map();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const le = m[2] ? /(?:^|,)le="([^"]*)"/.exec(m[2])?.[1] : undefined;
    // "100" and "100.0" are one bound.
    const key = le === undefined ? m[1] : `${m[1]}|${Number(le)}`;
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

/** The worker's counts now (empty without a metrics URL). */
export async function workerCounts(metricsUrl: string | undefined): Promise<WorkerCounts> {
  if (!metricsUrl) return new Map();
  const res = await fetch(metricsUrl);
  if (!res.ok) throw new Error(`worker metrics: HTTP ${res.status}`);
  return parseWorkerMetrics(await res.text());
}

const PREFIX = 'temporal_';

/** Observations of histogram `name` above `bound` between the scrapes: count minus the cumulative bucket at the bound. */
function above(before: WorkerCounts, after: WorkerCounts, name: string, bound: number): number {
  const d = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  return d(`${PREFIX}${name}_count`) - d(`${PREFIX}${name}_bucket|${bound}`);
}

/**
 * "5.0 workflow tasks (sticky cache 4.0 hits, 1.0 misses: replayed first, …), tasks executing > 50 / 100 / 200 ms:
 * 0.20 / 0.05 / 0.01; replaying > …; waiting to start > 100 / 500 ms: …": per operation, between two scrapes (the
 * replay histogram has an observation for every task, its replay part, so only its tail is printed).
 */
export function workerWork(before: WorkerCounts, after: WorkerCounts, operations: number): string {
  if (after.size === 0) return 'no worker metrics';
  const n = Math.max(1, operations);
  const d = (name: string) => ((after.get(PREFIX + name) ?? 0) - (before.get(PREFIX + name) ?? 0)) / n;
  const tail = (name: string, bounds: number[]) => `${bounds.join(' / ')} ms: ${bounds.map((b) => (above(before, after, name, b) / n).toFixed(2)).join(' / ')}`;
  return (
    `${d('workflow_task_execution_latency_count').toFixed(1)} workflow tasks (sticky cache ${d('sticky_cache_hit').toFixed(1)} hits, ` +
    `${d('sticky_cache_miss').toFixed(1)} misses: replayed first, ${d('sticky_cache_total_forced_eviction').toFixed(1)} forced evictions); ` +
    `tasks executing > ${tail('workflow_task_execution_latency', [50, 100, 200])}; replaying > ${tail('workflow_task_replay_latency', [20, 50, 100])}; ` +
    `waiting to start > ${tail('workflow_task_schedule_to_start_latency', [100, 500])}`
  );
}
