/**
 * bench:compare's figures over its rounds and the report it prints: the table, where each contender spends its CPU
 * and time, the issue-18 goals met or not and, for each goal not met, the process and the cost that hold it.
 */
import { fmt, machineLine, markdownTable } from './report';
import { median, pct } from './measure';
import type { TargetName } from './compare-target';

/** What the report needs to know of the run. */
export interface ReportSetup {
  workflows: number;
  rounds: number;
  single: number;
  cores: number;
  titles: Record<TargetName, string>;
}

/** The process that runs the contender's workers and client. */
export const CLIENT_PROCESS: Record<TargetName, string> = { dbos: 'DBOS process', sdk: 'SDK worker + client', protocol: 'protocol worker + client' };

/** CPU seconds per process over one batch. */
export interface Cpu {
  client: number;
  devserver: number;
  postgres: number;
}

export interface RoundFigures {
  wfPerSec: number;
  seconds: number;
  cpu: Cpu;
  loadLatencies: number[];
  singleLatencies: number[];
  atWorker: number[];
  /** Share of the whole machine's CPU busy during the batch, every process counted (other users too). */
  machineBusy: number;
  /** The devserver's calls answered during the batch, by operation (its metrics). */
  calls: Map<string, number>;
  /** The devserver's run writes during the batch and the commits (statements) that carried them. */
  writes: number;
  commits: number;
}

/** A contender's figures over all rounds. */
export interface Summary {
  name: TargetName;
  wfPerSec: number;
  wfPerSecRange: [number, number];
  loadP50: number;
  loadP99: number;
  singleP50: number;
  singleP99: number;
  atWorkerP50: number;
  /** CPU ms per workflow by process, over every round's batch. */
  cpuMs: Cpu;
  /** Share of one core each process used during the batches (1 = a core). */
  coreShare: Cpu;
  /** Share of the machine's CPU busy during the batches (all processes, ours and others'). */
  machineBusy: number;
  /** The devserver's calls per workflow during the batches, by operation (none for DBOS). */
  callsPerWf: [string, number][];
  /** The devserver's run writes and commits per workflow during the batches (0 for DBOS). */
  writesPerWf: number;
  commitsPerWf: number;
}

export function summarize(setup: ReportSetup, name: TargetName, rounds: RoundFigures[]): Summary {
  const total = (k: keyof Cpu) => rounds.reduce((a, r) => a + r.cpu[k], 0);
  const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
  const n = setup.workflows * rounds.length;
  const perWf = (k: keyof Cpu) => (total(k) * 1000) / n;
  const share = (k: keyof Cpu) => total(k) / seconds;
  const rates = rounds.map((r) => r.wfPerSec);
  const all = (k: 'loadLatencies' | 'singleLatencies' | 'atWorker') => rounds.flatMap((r) => r[k]);
  return {
    name,
    wfPerSec: median(rates),
    wfPerSecRange: [Math.min(...rates), Math.max(...rates)],
    loadP50: pct(all('loadLatencies'), 50),
    loadP99: pct(all('loadLatencies'), 99),
    singleP50: pct(all('singleLatencies'), 50),
    singleP99: pct(all('singleLatencies'), 99),
    atWorkerP50: pct(all('atWorker'), 50),
    cpuMs: { client: perWf('client'), devserver: perWf('devserver'), postgres: perWf('postgres') },
    coreShare: { client: share('client'), devserver: share('devserver'), postgres: share('postgres') },
    machineBusy: rounds.reduce((a, r) => a + r.machineBusy * r.seconds, 0) / seconds,
    callsPerWf: perWorkflowCalls(rounds, n),
    writesPerWf: rounds.reduce((a, r) => a + r.writes, 0) / n,
    commitsPerWf: rounds.reduce((a, r) => a + r.commits, 0) / n,
  };
}

/** The devserver's calls per workflow over every round's batch, by operation, most first. */
function perWorkflowCalls(rounds: RoundFigures[], n: number): [string, number][] {
  const sum = new Map<string, number>();
  for (const r of rounds) for (const [op, c] of r.calls) sum.set(op, (sum.get(op) ?? 0) + c);
  return [...sum].map(([op, c]) => [op, c / n] as [string, number]).sort((a, b) => b[1] - a[1]);
}

const totalCpu = (c: Cpu) => c.client + c.devserver + c.postgres;
const serverSide = (s: Summary) => (s.name === 'dbos' ? totalCpu(s.cpuMs) : s.cpuMs.devserver + s.cpuMs.postgres);
const x = (n: number) => `${fmt(n, 2)}×`;

/**
 * For a contender that commits its run writes in more statements than another devserver contender of the run (the
 * same writes in smaller group-commit batches: a thinner stream of calls), that figure: the cost it points at.
 */
function fewerCommits(setup: ReportSetup, s: Summary, all: Summary[]): string {
  const other = all.find((o) => o.name !== 'dbos' && o.name !== s.name && o.commitsPerWf > 0);
  if (!other || s.commitsPerWf <= other.commitsPerWf * 1.2) return '';
  return (
    `; its ${fmt(s.writesPerWf, 1)} run writes per workflow go out in ${fmt(s.commitsPerWf, 2)} commits against ${fmt(other.commitsPerWf, 2)} for the ` +
    `${setup.titles[other.name]}'s ${fmt(other.writesPerWf, 1)} (smaller group-commit batches from a slower stream of calls)`
  );
}

/** Which process holds the throughput: the one nearest to a full core, or the machine when all cores are busy. */
function throughputHolder(setup: ReportSetup, s: Summary): string {
  const procs: [string, number, number][] = [
    [CLIENT_PROCESS[s.name], s.coreShare.client, s.cpuMs.client],
    ['devserver', s.coreShare.devserver, s.cpuMs.devserver],
    ['Postgres (all its processes)', s.coreShare.postgres, s.cpuMs.postgres],
  ];
  const busiest = procs.filter(([name]) => s.name !== 'dbos' || name !== 'devserver').sort((a, b) => b[1] - a[1]);
  const used = procs.reduce((a, p) => a + p[1], 0);
  const parts = busiest.map(([name, share, ms]) => `${name} ${fmt(share * 100, 0)}% of a core (${fmt(ms)} ms/wf)`).join(', ');
  const others = Math.max(0, s.machineBusy - used / setup.cores);
  const machine =
    `the ${setup.cores} cores ${fmt(s.machineBusy * 100, 0)}% busy (this contender ${fmt((used / setup.cores) * 100, 0)}%, other processes ${fmt(others * 100, 0)}%)` +
    ` → CPU ceiling with the machine to itself ≈ ${fmt((setup.cores * 1000) / totalCpu(s.cpuMs))} wf/s`;
  const [top] = busiest;
  const verdict =
    // A Node process's JavaScript runs on one thread, so near a full core it caps the rate; Postgres runs a process per
    // connection and does not: it holds the rate only as the machine's CPU does.
    top[1] >= 0.85 && !top[0].startsWith('Postgres')
      ? `held by the ${top[0]} (its JavaScript runs on one thread: at ${fmt(top[1] * 100, 0)}% of a core it caps near ${fmt(1000 / top[2])} wf/s)`
      : s.machineBusy >= 0.85
        ? `held by the machine's CPU` + (others >= 0.15 ? `, of which other processes took ${fmt(others * 100, 0)}% — re-take on a quiet machine` : `: the cost per workflow, mostly the ${top[0]}'s ${fmt(top[2])} ms`)
        : 'no process saturated: latency (round trips per workflow) holds it, not CPU';
  return `${parts}; ${machine}; ${verdict}`;
}

export function report(setup: ReportSetup, summaries: Summary[], pgVersion: string) {
  const dbos = summaries.find((s) => s.name === 'dbos');
  console.log(`\n== bench:compare — threeActivities (3 sequential steps), ${setup.rounds} rounds of ${setup.workflows} at once + ${setup.single} one at a time, alternating`);
  const header = [
    'contender',
    'wf/s (median, range)',
    'p50 / p99 ms under load',
    '1-at-a-time p50 / p99 ms',
    'CPU ms/wf: worker+client or DBOS',
    'devserver',
    'Postgres',
    'total',
    'machine busy',
  ];
  if (dbos) header.push('× DBOS: wf/s', '1-at-a-time p50', 'server-side CPU', 'total CPU');
  const rows = summaries.map((s) => {
    const row = [
      setup.titles[s.name],
      `${fmt(s.wfPerSec)} (${fmt(s.wfPerSecRange[0])}–${fmt(s.wfPerSecRange[1])})`,
      `${fmt(s.loadP50)} / ${fmt(s.loadP99)}`,
      `${fmt(s.singleP50)} / ${fmt(s.singleP99)}`,
      fmt(s.cpuMs.client),
      s.name === 'dbos' ? '—' : fmt(s.cpuMs.devserver),
      fmt(s.cpuMs.postgres),
      fmt(totalCpu(s.cpuMs)),
      `${fmt(s.machineBusy * 100, 0)}%`,
    ];
    if (dbos) {
      row.push(x(s.wfPerSec / dbos.wfPerSec), x(s.singleP50 / dbos.singleP50), x(serverSide(s) / totalCpu(dbos.cpuMs)), x(totalCpu(s.cpuMs) / totalCpu(dbos.cpuMs)));
    }
    return row;
  });
  console.log(`\n### bench:compare — ${machineLine(pgVersion)}\n`);
  console.log(markdownTable(header, rows));
  console.log(
    '\nServer-side CPU = devserver + Postgres (for DBOS: its whole, process + Postgres). CPU is measured during the concurrent batches, from /proc;' +
      ' Postgres counts the backends of the contender\'s database and the server\'s shared processes (WAL writer, checkpointer).' +
      ' Machine busy: the whole machine\'s CPU during the batches, other users\' processes included (well under 100 % on a quiet machine).',
  );

  console.log('\nWhere each contender spends its CPU and time:');
  for (const s of summaries) console.log(`- ${setup.titles[s.name]}: ${throughputHolder(setup, s)}`);
  for (const s of summaries.filter((t) => t.callsPerWf.length)) {
    const total = s.callsPerWf.reduce((a, [, c]) => a + c, 0);
    console.log(
      `- ${setup.titles[s.name]}, devserver calls per workflow (its service_requests metric): ${fmt(total, 1)} = ` +
        `${s.callsPerWf.map(([op, c]) => `${op} ${fmt(c, 2)}`).join(', ')}; ${fmt(s.cpuMs.devserver / total, 2)} ms of devserver CPU per call; ` +
        `${fmt(s.writesPerWf, 1)} run writes in ${fmt(s.commitsPerWf, 2)} commits per workflow (group commit: ${fmt(s.writesPerWf / s.commitsPerWf, 1)} writes per commit; ` +
        `${fmt(s.cpuMs.postgres / s.commitsPerWf, 2)} ms of Postgres CPU per commit)`,
    );
  }
  const sdk = summaries.find((s) => s.name === 'sdk');
  if (sdk && Number.isFinite(sdk.atWorkerP50)) {
    console.log(
      `- ${setup.titles.sdk}, one at a time: ${fmt(sdk.singleP50)} ms p50, of which ${fmt(sdk.atWorkerP50)} ms at the SDK worker (4 workflow tasks and 3 activities, from started to answer recorded); ` +
        `the other ${fmt(sdk.singleP50 - sdk.atWorkerP50)} ms are the devserver's commits and dispatch, the client and the network hops`,
    );
  }

  if (!dbos) return;
  console.log('\nGoals (issue 18):');
  for (const s of summaries.filter((t) => t.name !== 'dbos')) {
    const ratio = serverSide(s) / totalCpu(dbos.cpuMs);
    console.log(
      `- ${setup.titles[s.name]}: server side ≤ DBOS's whole CPU per workflow: ${ratio <= 1 ? 'MET' : 'NOT met'} (${x(ratio)}: devserver ${fmt(s.cpuMs.devserver)} + Postgres ${fmt(s.cpuMs.postgres)} ms vs DBOS ${fmt(dbos.cpuMs.client)} + Postgres ${fmt(dbos.cpuMs.postgres)} ms)` +
        (ratio <= 1
          ? ''
          : ` — held by the ${s.cpuMs.devserver > totalCpu(dbos.cpuMs) ? `devserver process alone (${x(s.cpuMs.devserver / totalCpu(dbos.cpuMs))} DBOS's whole)` : s.cpuMs.postgres > dbos.cpuMs.postgres ? `Postgres work: ${x(s.cpuMs.postgres / dbos.cpuMs.postgres)} DBOS's Postgres` : 'devserver and Postgres together'}` +
            fewerCommits(setup, s, summaries)),
    );
  }
  if (sdk) {
    const tp = sdk.wfPerSec / dbos.wfPerSec;
    const lat = sdk.singleP50 / dbos.singleP50;
    console.log(`- ${setup.titles.sdk}: throughput ≥ 0.5× DBOS: ${tp >= 0.5 ? 'MET' : 'NOT met'} (${x(tp)})${tp >= 0.5 ? '' : ` — ${throughputHolder(setup, sdk)}`}`);
    console.log(
      `- ${setup.titles.sdk}: one-at-a-time p50 ≤ 2× DBOS: ${lat <= 2 ? 'MET' : 'NOT met'} (${x(lat)}: ${fmt(sdk.singleP50)} vs ${fmt(dbos.singleP50)} ms)` +
        (lat <= 2 || !Number.isFinite(sdk.atWorkerP50) ? '' : ` — ${fmt(sdk.atWorkerP50)} ms at the SDK worker, ${fmt(sdk.singleP50 - sdk.atWorkerP50)} ms in the devserver, client and network`),
    );
  }
}
