/**
 * `npm run bench:devserver`'s summary: its figures per target (Postgres, PGlite) in Markdown tables that can be
 * pasted into docs/performance.md, headed with the date and the machine, and the devserver's own targets judged.
 */
import { fmt, machineLine, markdownTable } from './report';
import type { UpdateLatency } from './update-latency';

/** Throughput and latency of workflows started at once, and the CPU they cost each process. */
export interface LoadFigures {
  wfPerSec: number;
  /** devserver process CPU time / wall time (1.0 = one core saturated). */
  serverCpuShare: number;
  /** CPU milliseconds per workflow: devserver, Postgres server (null: PGlite, inside the devserver), bench process (worker + client). */
  cpuMsPerWorkflow: { devserver: number; postgres: number | null; worker: number };
  p50: number;
  p99: number;
}

/** The devserver alone: the same workflows run by the protocol worker (in the bench process, with the client). */
export interface AloneFigures extends LoadFigures {
  singleP50: number;
  singleP99: number;
  /** What the protocol worker did over the whole phase (warm-up included). */
  tasks: string;
}

/** One target's figures: with the SDK worker, its update round trips, and the devserver alone. */
export interface DevserverRun extends LoadFigures {
  target: string;
  singleP50: number;
  singleP99: number;
  /** Median time a one-at-a-time workflow spent at the SDK worker (task started → its answer recorded). */
  singleAtWorkerP50: number;
  wftAt10: number;
  wftAt1000: number;
  alone: AloneFigures;
  updates: UpdateLatency;
}

export interface DevserverBenchSettings {
  workflows: number;
  warmup: number;
  longActivities: number;
  updates: number;
  protocolPollers: number;
  cores: number;
}

/** The devserver's own targets: throughput and unloaded p50 on one machine, a task's cost flat in history length. */
export const DEVSERVER_TARGETS = { wfPerSec: 200, singleP50Ms: 20 } as const;

/** A task near event 1,000 costs at most 1.5× one near event 10 (or 3 ms more, for tasks of a few ms). */
export function taskCostFlat(r: Pick<DevserverRun, 'wftAt10' | 'wftAt1000'>): boolean {
  return r.wftAt1000 <= Math.max(r.wftAt10 * 1.5, r.wftAt10 + 3);
}

const met = (ok: boolean) => (ok ? 'MET' : 'NOT met');
const pair = (a: number, b: number) => `${fmt(a)} / ${fmt(b)}`;
const cpu = (c: LoadFigures['cpuMsPerWorkflow']) => `${fmt(c.devserver)} / ${c.postgres === null ? '— (in the devserver)' : fmt(c.postgres)} / ${fmt(c.worker)}`;
const serverSide = (c: LoadFigures['cpuMsPerWorkflow']) => c.devserver + (c.postgres ?? 0);
const total = (c: LoadFigures['cpuMsPerWorkflow']) => serverSide(c) + c.worker;

export function devserverBenchSummary(runs: DevserverRun[], s: DevserverBenchSettings): string {
  const out: string[] = [
    `### bench:devserver — ${machineLine(`${s.workflows} workflows of 3 sequential activities at once, after ${s.warmup} warm-up workflows per phase`)}`,
    '',
    'With the SDK worker and client (in the bench process):',
    '',
    markdownTable(
      ['target', 'wf/s', 'p50 / p99 ms under load', '1-at-a-time p50 / p99 ms', 'of it at the SDK worker, p50 ms', 'CPU ms/wf: devserver / Postgres / worker + client', 'devserver, share of a core', `workflow task ms near event 10 / 1,000 (${s.longActivities} activities)`],
      runs.map((r) => [
        r.target,
        fmt(r.wfPerSec),
        pair(r.p50, r.p99),
        pair(r.singleP50, r.singleP99),
        fmt(r.singleAtWorkerP50),
        cpu(r.cpuMsPerWorkflow),
        `${fmt(r.serverCpuShare * 100, 0)} %`,
        pair(r.wftAt10, r.wftAt1000),
      ]),
    ),
    '',
    `Update round trips (executeUpdate, one at a time, the SDK's default worker options; ${s.updates} accepted, ${s.updates} rejected by the validator):`,
    '',
    markdownTable(
      ['target', 'accepted p50 / p99 ms', 'rejected p50 / p99 ms'],
      runs.map((r) => [r.target, pair(r.updates.acceptedP50, r.updates.acceptedP99), pair(r.updates.rejectedP50, r.updates.rejectedP99)]),
    ),
    '',
    `The devserver alone: the same workflows run by the protocol worker (bench/protocol-worker.ts, no SDK; ${s.protocolPollers} + ${s.protocolPollers} pollers) and the lean client, in the bench process:`,
    '',
    markdownTable(
      ['target', 'wf/s', 'p50 / p99 ms under load', '1-at-a-time p50 / p99 ms', 'CPU ms/wf: devserver / Postgres / protocol worker + client', 'devserver, share of a core', 'the protocol worker ran'],
      runs.map((r) => [
        r.target,
        fmt(r.alone.wfPerSec),
        pair(r.alone.p50, r.alone.p99),
        pair(r.alone.singleP50, r.alone.singleP99),
        cpu(r.alone.cpuMsPerWorkflow),
        `${fmt(r.alone.serverCpuShare * 100, 0)} %`,
        r.alone.tasks,
      ]),
    ),
    '',
    `CPU ceilings on ${s.cores} cores (${s.cores} × 1,000 ms ÷ CPU ms per workflow):`,
  ];
  for (const r of runs) {
    const c = r.cpuMsPerWorkflow;
    out.push(
      `- ${r.target}: with the SDK worker ≈ ${fmt((s.cores * 1000) / total(c))} wf/s (the SDK worker and client alone would cap at ≈ ${fmt((s.cores * 1000) / c.worker)}, the server side — devserver + Postgres — at ≈ ${fmt((s.cores * 1000) / serverSide(c))}); the devserver alone (protocol worker) would cap at ≈ ${fmt(1000 / r.alone.cpuMsPerWorkflow.devserver)} wf/s on one core`,
    );
  }
  out.push('', `Targets: ≥ ${DEVSERVER_TARGETS.wfPerSec} wf/s, 1-at-a-time p50 ≤ ${DEVSERVER_TARGETS.singleP50Ms} ms, a workflow task's cost flat in history length:`);
  for (const r of runs) {
    out.push(
      `- ${r.target}, SDK worker: throughput ${met(r.wfPerSec >= DEVSERVER_TARGETS.wfPerSec)} (${fmt(r.wfPerSec)} wf/s); p50 ${met(r.singleP50 <= DEVSERVER_TARGETS.singleP50Ms)} (${fmt(r.singleP50)} ms unloaded, ${fmt(r.p50)} under load); task cost ${taskCostFlat(r) ? 'flat' : 'NOT flat'} (${fmt(r.wftAt10)} → ${fmt(r.wftAt1000)} ms)`,
      `- ${r.target}, the devserver alone: throughput ${met(r.alone.wfPerSec >= DEVSERVER_TARGETS.wfPerSec)} (${fmt(r.alone.wfPerSec)} wf/s); p50 ${met(r.alone.singleP50 <= DEVSERVER_TARGETS.singleP50Ms)} (${fmt(r.alone.singleP50)} ms unloaded, ${fmt(r.alone.p50)} under load)`,
    );
  }
  return out.join('\n');
}
