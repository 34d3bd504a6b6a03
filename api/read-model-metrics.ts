/**
 * Prometheus metrics of the read model, computed from it at each scrape (so every API replica reports the same
 * figures and nothing is lost on restart): cases received, settled and overdue per procedure, and step latency
 * histograms per agency. Served at /metrics with the process's own metrics (registry call latency and errors).
 */
import { sql } from 'drizzle-orm';
import { Gauge, Registry, register, type MetricObjectWithValues, type MetricValueWithName } from 'prom-client';
import { rowsOf, type Executor } from '../db/connection';

/** Step durations span seconds (automated) to working weeks (officers). */
export const STEP_SECONDS_BUCKETS = [1, 10, 60, 300, 3_600, 14_400, 86_400, 172_800, 259_200, 432_000, 864_000];


export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
}

export function createReadModelMetrics(db: Executor, now: () => Date): MetricsEndpoint {
  const registry = new Registry();
  new Gauge({
    name: 'engine_cases_received',
    help: 'Cases received (read model), by procedure',
    labelNames: ['procedure'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = rowsOf(await db.execute(sql`select procedure_id, count(*)::int as n from case_views group by 1`));
      for (const r of rows) this.set({ procedure: r.procedure_id }, Number(r.n));
    },
  });
  new Gauge({
    name: 'engine_cases_settled',
    help: 'Cases settled (read model), by procedure and outcome',
    labelNames: ['procedure', 'outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = rowsOf(
        await db.execute(sql`select procedure_id, coalesce(outcome, '') as outcome, count(*)::int as n from case_views where settled_at is not null group by 1, 2`),
      );
      for (const r of rows) this.set({ procedure: r.procedure_id, outcome: r.outcome }, Number(r.n));
    },
  });
  new Gauge({
    name: 'engine_cases_overdue',
    help: 'Open cases past their legal deadline now, by procedure',
    labelNames: ['procedure'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = rowsOf(
        await db.execute(
          sql`select procedure_id, count(*)::int as n from case_views where settled_at is null and deadline_at < ${now().toISOString()}::timestamptz group by 1`,
        ),
      );
      for (const r of rows) this.set({ procedure: r.procedure_id }, Number(r.n));
    },
  });
  registry.registerMetric(stepLatencyHistogram(db) as never);
  return {
    contentType: register.contentType,
    async render() {
      return `${await register.metrics()}\n${await registry.metrics()}`;
    },
  };
}

/** A histogram whose buckets are counted from the completed steps in the read model (cumulative, like any histogram). */
function stepLatencyHistogram(db: Executor) {
  const name = 'engine_step_duration_seconds';
  const help = 'Time from the start of a step to its completion, by agency (completed steps in the read model)';
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset() {},
    async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
      const buckets = STEP_SECONDS_BUCKETS.map((b, i) => sql`count(*) filter (where d <= ${b})::int as ${sql.identifier(`b${i}`)}`);
      const rows = rowsOf(
        await db.execute(sql`
          select agency, ${sql.join(buckets, sql`, `)}, count(*)::int as n, coalesce(sum(d), 0)::float8 as total
            from (select agency, extract(epoch from completed_at - started_at)::float8 as d from case_steps
                   where agency is not null and started_at is not null and completed_at is not null) s
           group by agency order by agency`),
      );
      const values: MetricValueWithName<string>[] = [];
      for (const r of rows) {
        STEP_SECONDS_BUCKETS.forEach((b, i) => values.push({ metricName: `${name}_bucket`, labels: { agency: r.agency, le: b }, value: Number(r[`b${i}`]) }));
        values.push({ metricName: `${name}_bucket`, labels: { agency: r.agency, le: '+Inf' }, value: Number(r.n) });
        values.push({ metricName: `${name}_sum`, labels: { agency: r.agency }, value: Number(r.total) });
        values.push({ metricName: `${name}_count`, labels: { agency: r.agency }, value: Number(r.n) });
      }
      return { name, help, type: 'histogram' as never, values, aggregator: 'sum', collect: () => undefined };
    },
  };
}
