/**
 * Prometheus metrics of the devserver, under the Temporal server's own names so the same dashboards read both:
 * `service_requests`, `service_errors` and `service_latency` (seconds) per gRPC `operation`,
 * `persistence_requests{operation="ApplyWrites"}` (the statements that wrote runs: one group-commit batch each) with
 * `persistence_batched_writes` (the run writes they carried), `cache_requests` and `cache_miss` of the run cache
 * (`operation="RunState"`: a run's state read for a request, a miss read from the database; `"HistoryEvents"`: events
 * read from a run's cached history tail), and the process's own (CPU, memory, event loop).
 * `npm run devserver -- --metrics-port 9090` serves them at /metrics, as the Temporal CLI's dev server does with
 * `--metrics-port`; a bench reads them to count the calls, writes and commits a workflow costs.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The write batcher's totals (`server.engine.writes.stats`): statements sent and the run writes they carried. */
type WriteStats = { batches: number; writes: number };
/** The run cache's counts (`server.engine.cache.stats()`). */
type RunCacheStats = { stateHits: number; stateMisses: number; eventHits: number; eventMisses: number };

export interface DevServerMetrics {
  /** Give it to `startDevServer({ onRpc })`: one call of `method` answered after `ms`, or failed. */
  onRpc(method: string, ms: number, ok: boolean): void;
  /** Reads the write batcher's counts at each scrape (`server.engine.writes.stats`). */
  observeWrites(stats: () => WriteStats): void;
  /** Reads the run cache's hits and misses at each scrape (`server.engine.cache.stats()`). */
  observeRunCache(stats: () => RunCacheStats): void;
  contentType: string;
  render(): Promise<string>;
}

/** Long polls answer after up to a minute; everything else in milliseconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createDevServerMetrics(): DevServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'service_requests', help: 'gRPC calls received, by operation', labelNames: ['operation'], registers: [registry] });
  const errors = new Counter({ name: 'service_errors', help: 'gRPC calls answered with an error status, by operation', labelNames: ['operation'], registers: [registry] });
  const latency = new Histogram({ name: 'service_latency', help: 'gRPC call latency in seconds, by operation', labelNames: ['operation'], buckets: LATENCY_BUCKETS, registers: [registry] });
  let writeStats: (() => WriteStats) | undefined;
  let cacheStats: (() => RunCacheStats) | undefined;
  // Counted where the work is done (the batcher, the run cache); each scrape copies their totals, per operation.
  const copied = (name: string, help: string, totals: () => Record<string, number> | undefined) =>
    new Counter({
      name,
      help,
      labelNames: ['operation'],
      registers: [registry],
      collect() {
        const t = totals();
        if (!t) return;
        this.reset();
        for (const [operation, n] of Object.entries(t)) this.inc({ operation }, n);
      },
    });
  const fromWrites = (pick: (s: WriteStats) => Record<string, number>) => () => writeStats && pick(writeStats());
  copied('persistence_requests', 'Statements that wrote runs (one group-commit batch each), by operation', fromWrites((s) => ({ ApplyWrites: s.batches })));
  copied('persistence_batched_writes', 'Run writes those statements carried, by operation', fromWrites((s) => ({ ApplyWrites: s.writes })));
  const fromCache = (pick: (s: RunCacheStats) => Record<string, number>) => () => cacheStats && pick(cacheStats());
  copied('cache_requests', 'Reads of the run cache, by operation', fromCache((s) => ({ RunState: s.stateHits + s.stateMisses, HistoryEvents: s.eventHits + s.eventMisses })));
  copied('cache_miss', 'Reads of the run cache that went to the database, by operation', fromCache((s) => ({ RunState: s.stateMisses, HistoryEvents: s.eventMisses })));
  return {
    observeWrites(stats) {
      writeStats = stats;
    },
    observeRunCache(stats) {
      cacheStats = stats;
    },
    onRpc(method, ms, ok) {
      requests.inc({ operation: method });
      if (!ok) errors.inc({ operation: method });
      latency.observe({ operation: method }, ms / 1000);
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}

/** Serves `GET /metrics` on host:port; anything else is a JSON error. Resolves once listening. */
export async function serveMetrics(metrics: DevServerMetrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    const fail = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code, message, details: {} } }));
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return fail(404, 'ROUTE_NOT_FOUND', `no such route: ${path} (the metrics are at /metrics)`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on /metrics: use GET`);
    metrics.render().then(
      (body) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (e: unknown) => fail(500, 'INTERNAL', `metrics could not be collected: ${(e as Error).message}`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** A counter's values per `operation` from a scrape's text (for benches: take two and subtract). */
export function counterByOperation(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  const line = new RegExp(`^${name}\\{operation="([^"]+)"\\} (\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)$`, 'gm');
  for (const m of text.matchAll(line)) out.set(m[1], Number(m[2]));
  return out;
}

/** `service_requests` per operation from a scrape's text. */
export const requestCounts = (text: string): Map<string, number> => counterByOperation(text, 'service_requests');
