/**
 * `npm run bench`'s summary at its end: a table of every run's measured batch, to paste into docs/performance.md,
 * and issue 18's item 2 for each run — CPU per case ≤ 40 ms, everything counted, and ≥ 30 cases/s — met or not, and
 * when not, the parts that hold it, largest first.
 */
import { fmt, machineLine, markdownTable } from './report';
import { atReferenceSpeed, REFERENCE_PROBE_UNIT_MS } from './speed-probe';

/** Issue 18, item 2: a whole birth-group case, everything counted, with the automated officers reading the read model. */
export const CHEAPER_CASE_GOALS = { maxCpuMsPerCase: 40, minCasesPerSecond: 30 } as const;

/** One run's measured batch (the one after the warm-up). CPU in ms per case. */
export interface BirthGroupRun {
  label: string;
  casesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMs: {
    /** The whole bench process (its threads below, and what the kernel counts to no thread of them). */
    benchProcess: number;
    /** The bench process's main JavaScript thread: the API, the agencies' activities, the SDK's JS (and the devserver's, in process). */
    main: number;
    /** The SDK's workflow threads with V8's helper threads. */
    workflowThreads: number;
    sdkCore: number;
    /** The devserver's own process; null when it runs inside the bench process (its CPU is then in the threads). */
    devserver: number | null;
    /** The Postgres server's CPU for the run's databases; null on PGlite (in the bench process's main thread). */
    postgres: number | null;
  };
  /** Share of one core the bench process used while the batch ran (1 = a core). */
  benchProcessCores: number;
  /** The speed probe's mean CPU ms per unit over the batch (bench/speed-probe.ts); null when it read none. */
  probeUnitMs: number | null;
}

type Part = Exclude<keyof BirthGroupRun['cpuMs'], 'benchProcess'>;
const PARTS: [Part, string][] = [
  ['main', 'main JavaScript thread'],
  ['workflowThreads', 'workflow threads'],
  ['sdkCore', 'SDK core'],
  ['devserver', 'devserver'],
  ['postgres', 'Postgres'],
];

/** Every process's CPU per case: the bench process, the devserver's when apart, Postgres's when the run has one. */
export function everythingMs(run: BirthGroupRun): number {
  return run.cpuMs.benchProcess + (run.cpuMs.devserver ?? 0) + (run.cpuMs.postgres ?? 0);
}

/** Item 2's two goals for one run: met or not, with what holds each one not met. */
export function cheaperCaseVerdict(run: BirthGroupRun): string {
  const cpu = everythingMs(run);
  const parts = PARTS.flatMap(([key, name]) => (run.cpuMs[key] === null ? [] : [{ name, ms: run.cpuMs[key] as number }])).sort((a, b) => b.ms - a.ms);
  const cpuMet = cpu <= CHEAPER_CASE_GOALS.maxCpuMsPerCase;
  const rateMet = run.casesPerSecond >= CHEAPER_CASE_GOALS.minCasesPerSecond;
  const cpuLine =
    `CPU per case ≤ ${CHEAPER_CASE_GOALS.maxCpuMsPerCase} ms: ${cpuMet ? 'met' : 'NOT met'} (${fmt(cpu)} ms, everything counted)` +
    (cpuMet ? '' : ` — held by ${parts.map((p) => `${p.name} ${fmt(p.ms)} ms`).join(', ')}`);
  const rateLine =
    `≥ ${CHEAPER_CASE_GOALS.minCasesPerSecond} cases/s: ${rateMet ? 'met' : 'NOT met'} (${fmt(run.casesPerSecond)})` +
    (rateMet ? '' : ` — the bench process at ${fmt(100 * run.benchProcessCores, 0)}% of a core, its main thread ${fmt(run.cpuMs.main)} ms per case`);
  return `${run.label}: ${cpuLine}; ${rateLine}`;
}

/** The table and each run's verdict. */
export function birthGroupSummary(runs: BirthGroupRun[], heading: string): string {
  const ms = (v: number | null) => (v === null ? 'in process' : fmt(v));
  const rows = runs.map((r) => [
    r.label,
    fmt(r.casesPerSecond),
    `${fmt(r.p50Ms, 0)} / ${fmt(r.p99Ms, 0)}`,
    fmt(r.cpuMs.main),
    fmt(r.cpuMs.workflowThreads),
    fmt(r.cpuMs.sdkCore),
    ms(r.cpuMs.devserver),
    ms(r.cpuMs.postgres),
    fmt(everythingMs(r)),
    r.probeUnitMs === null ? '—' : fmt(r.probeUnitMs, 2),
    r.probeUnitMs === null ? '—' : fmt(atReferenceSpeed(everythingMs(r), r.probeUnitMs)),
  ]);
  const header = [
    'run',
    'cases/s',
    'p50 / p99 ms',
    'CPU ms per case: main thread',
    'workflow threads',
    'SDK core',
    'devserver',
    'Postgres',
    'everything',
    'VM speed: probe unit ms',
    `everything at reference speed (unit ${fmt(REFERENCE_PROBE_UNIT_MS)} ms)`,
  ];
  return [
    `### npm run bench — ${machineLine()}${heading ? ` · ${heading}` : ''}`,
    '',
    markdownTable(header, rows),
    '',
    `Issue 18, item 2 (a case ≤ ${CHEAPER_CASE_GOALS.maxCpuMsPerCase} ms of CPU, everything counted, and ≥ ${CHEAPER_CASE_GOALS.minCasesPerSecond} cases/s):`,
    ...runs.map((r) => `- ${cheaperCaseVerdict(r)}`),
  ].join('\n');
}
