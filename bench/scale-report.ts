/** bench:scale's figures per size and the report printed from them (bench/scale.ts measures them). */
import { WORKER_ROLES } from '../worker/agency-worker';
import { pct } from './measure';
import { fmt, machineLine, markdownTable } from './report';

export interface SizeFigures {
  size: number;
  openSeconds: number;
  openedNow: number;
  /** CPU ms per case opened, by process (and Postgres: both databases' backends and its shared processes). */
  cpuPerCase: Record<string, number>;
  /** Of the API's share, the bench's own reads that follow each case to the officer step (estimated). */
  benchReadsMs: number;
  rss: Record<string, number>;
  decision: number[];
  /** CPU ms per decision (and the activities and workflow tasks it starts), by process and Postgres. */
  decisionCpu: Record<string, number>;
  getCase: number[];
  page: number[];
  stopMs: number;
  readyMs: number;
  backMs: number;
  devserverRssAfterRestart: number;
}

/** "120 (engine 50, devserver 30)": the total and the two largest processes. */
function cpuCell(cpu: Record<string, number>): string {
  const sorted = Object.entries(cpu).sort((a, b) => b[1] - a[1]);
  const total = sorted.reduce((a, [, v]) => a + v, 0);
  return `${fmt(total, 0)} (${sorted
    .slice(0, 2)
    .map(([k, v]) => `${k.replace(/^worker /, '')} ${fmt(v, 0)}`)
    .join(', ')})`;
}

export function report(results: SizeFigures[], queue: { path: string | null; note: string }, o: { samples: number; errors: ReadonlyMap<string, number>; devserverNodeOptions?: string }) {
  const lat = (xs: number[]) => (xs.length ? `${fmt(pct(xs, 50))} / ${fmt(pct(xs, 99))}` : '—');
  const workers = WORKER_ROLES.map((r) => `worker ${r}`);
  const header = ['open cases', 'opened (time, rate)', 'CPU ms per case opened (largest)', 'of which the bench\'s reads', 'RSS MB devserver', ...WORKER_ROLES.map((r) => r), 'API', 'decision p50 / p99 ms', 'CPU ms per decision (largest)', 'GET /cases/{id} p50 / p99 ms', 'queue page p50 / p99 ms', 'restart: ready / case read s', 'devserver MB after restart'];
  const rows = results.map((r) => [
    String(r.size),
    `${r.openedNow} in ${fmt(r.openSeconds, 0)} s (${fmt(r.openedNow / r.openSeconds)}/s)`,
    cpuCell(r.cpuPerCase),
    fmt(r.benchReadsMs, 0),
    fmt(r.rss.devserver, 0),
    ...workers.map((w) => fmt(r.rss[w], 0)),
    fmt(r.rss.API, 0),
    lat(r.decision),
    cpuCell(r.decisionCpu),
    lat(r.getCase),
    queue.path ? lat(r.page) : 'no route',
    `${fmt(r.readyMs / 1000, 2)} / ${fmt(r.backMs / 1000, 2)}`,
    fmt(r.devserverRssAfterRestart, 0),
  ]);
  console.log(`\n### bench:scale — ${machineLine(`birth-group cases waiting for the justice officer, Postgres; ${o.samples} samples per latency${o.devserverNodeOptions ? `; devserver under ${o.devserverNodeOptions}` : ''}`)}\n`);
  console.log(markdownTable(header, rows));
  console.log('(RSS MB per process: the devserver, each worker role — engine is the workflow worker —, the API.)');
  if (!queue.path) console.log(`Work-queue page: ${queue.note}.`);

  const first = results[0];
  const last = results[results.length - 1];
  if (results.length > 1) {
    const ratio = (a: number[], b: number[]) => pct(b, 99) / pct(a, 99);
    const grow = (last.rss.devserver - first.rss.devserver) / (last.size - first.size);
    console.log(`\nGoals (issue 18), from ${first.size} to ${last.size} open cases:`);
    const d = ratio(first.decision, last.decision);
    console.log(`- decision latency flat (p99 ratio ≤ 1.5): ${d <= 1.5 ? 'MET' : 'NOT met'} (${fmt(d, 2)}×)`);
    if (queue.path) {
      const q = ratio(first.page, last.page);
      console.log(`- work-queue page latency flat (p99 ratio ≤ 1.5): ${q <= 1.5 ? 'MET' : 'NOT met'} (${fmt(q, 2)}×)`);
    } else console.log('- work-queue page latency: not measured (no list route)');
    console.log(
      `- devserver memory bounded: ${fmt(first.rss.devserver, 0)} → ${fmt(last.rss.devserver, 0)} MB, ${fmt(grow * 1024, 1)} KB per further open case` +
        ` (engine worker ${fmt(first.rss['worker engine'], 0)} → ${fmt(last.rss['worker engine'], 0)} MB, ${fmt(((last.rss['worker engine'] - first.rss['worker engine']) / (last.size - first.size)) * 1024, 1)} KB per case)`,
    );
  }
  console.log(`- restart ready ≤ 30 s at ${last.size} open: ${last.backMs <= 30_000 ? 'MET' : 'NOT met'} (${fmt(last.backMs / 1000, 2)} s until a case is read again)`);
  console.log(`- no error: ${o.errors.size === 0 ? 'MET' : 'NOT met'}`);
  for (const [what, n] of o.errors) console.log(`    ${n} × ${what}`);
  console.log('\n(Figures are noisy on a shared machine: re-take them on a quiet one before comparing with docs/performance.md.)');
}
