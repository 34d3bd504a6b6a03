import { describe, expect, it } from 'vitest';
import { parseWorkerMetrics, workerWork } from '../../bench/worker-metrics';

/** A scrape of the SDK core's Prometheus text: `tasks` workflow tasks, `slow` of them over 100 ms, for two task queues. */
function scrape(tasks: number, slow: number, misses: number): string {
  const h = (name: string, q: string, count: number, over100: number) =>
    [
      `# TYPE temporal_${name} histogram`,
      ...[1, 10, 20, 50, 100, 200, 500, 1000].map((le) => `temporal_${name}_bucket{namespace="default",task_queue="${q}",le="${le}"} ${le <= 100 ? count - over100 : count}`),
      `temporal_${name}_bucket{namespace="default",task_queue="${q}",le="+Inf"} ${count}`,
      `temporal_${name}_sum{namespace="default",task_queue="${q}"} ${count * 10}`,
      `temporal_${name}_count{namespace="default",task_queue="${q}"} ${count}`,
    ].join('\n');
  return [
    h('workflow_task_execution_latency', 'engine', tasks, slow),
    h('workflow_task_execution_latency', 'engine-sticky', 0, 0),
    h('workflow_task_replay_latency', 'engine', misses, 0),
    h('workflow_task_schedule_to_start_latency', 'engine', tasks, 0),
    `temporal_sticky_cache_hit{namespace="default"} ${tasks - misses}`,
    `temporal_sticky_cache_miss{namespace="default"} ${misses}`,
    `temporal_sticky_cache_total_forced_eviction{namespace="default"} 0`,
  ].join('\n');
}

describe("the engine worker's metrics per decision", () => {
  it('sums every label set but the bucket bound, and reads "100" and "100.0" as one bound', () => {
    const m = parseWorkerMetrics('x_bucket{a="1",le="100.0"} 2\nx_bucket{a="2",le="100"} 3\nx_count{a="1"} 4\n# HELP x y\nbad line');
    expect(m.get('x_bucket|100')).toBe(5);
    expect(m.get('x_count')).toBe(4);
    expect(m.size).toBe(2);
  });

  it('says how many workflow tasks per decision there were, missed the cache, and ran past each bound', () => {
    const before = parseWorkerMetrics(scrape(100, 0, 10));
    const after = parseWorkerMetrics(scrape(600, 4, 110));
    const line = workerWork(before, after, 100);
    expect(line).toBe(
      '5.0 workflow tasks (sticky cache 4.0 hits, 1.0 misses: replayed first, 0.0 forced evictions); tasks executing > 50 / 100 / 200 ms: 0.04 / 0.04 / 0.00; ' +
        'replaying > 20 / 50 / 100 ms: 0.00 / 0.00 / 0.00; waiting to start > 100 / 500 ms: 0.00 / 0.00',
    );
  });

  it('says so when the worker serves no metrics', () => {
    expect(workerWork(new Map(), new Map(), 10)).toBe('no worker metrics');
  });
});
