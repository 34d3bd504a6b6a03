/**
 * Simulations and replay checks the designer runs from the console, as background jobs with progress. A simulation
 * drives a procedure version's generated paths (all, or those through a selected state) through a real engine of
 * its own — an in-process engine session (designer/engine-session.ts: in-memory registries, devserver and workers,
 * with the fault plan that fails the service calls a path needs) —, never the live engine or its registers. A replay
 * check runs the version's committed histories against the current workflow code. One job runs at a time (the
 * others wait): each is minutes of CPU on a small machine. Jobs live in the server's memory.
 */
import { NoSimulationInputError } from '../../designer/errors';
import { randomUUID } from 'node:crypto';
import { getProcedure } from '../../procedures/catalog';
import { isWithin, readChart } from '../../designer/chart-model';
import type { PeopleAllocator } from '../../designer/sim-people';
import type { FaultPlan } from '../../designer/fault-injection';
import type { Client } from '@temporalio/client';
import type { Executor } from '../../db/connection';
import { loadHistoryFixtures, replayHistories, type ReplayOutcome } from '../../designer/replay';
import { prepareEnv, preparePath, runPathOnEngine, type EngineRun } from '../../designer/simulate-engine';
import { describePath, generatePaths, type SimPath } from '../../designer/simulate-paths';
import { hasSimulationInput } from '../../designer/sim-inputs';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface PathOutcome {
  index: number;
  description: string;
  predictedFinalState: string;
  predictedOutcome: string;
  engineFinalState: string | null;
  engineOutcome: string | null;
  matches: boolean;
  injected: string[];
  error?: string;
}

export interface DesignerJob {
  id: string;
  kind: 'simulation' | 'replayCheck';
  procedureId: string;
  version: number;
  /** Simulation of the paths through this state only. */
  state: string | null;
  status: JobStatus;
  startedBy: string;
  createdAt: string;
  finishedAt: string | null;
  /** Progress lines, oldest first. */
  progress: string[];
  /** Units done / to do (paths, histories), once known. */
  done: number;
  total: number | null;
  paths: PathOutcome[];
  replay: ReplayOutcome[];
  error?: string;
}

/**
 * What a simulation runs on: an engine of its own with its shared resources (designer/engine-session.ts
 * `EngineSession` is one; named here so the console and the composition root need not import the session).
 */
export interface SimulationSession {
  client: Client;
  simulation: { people: PeopleAllocator; faults: FaultPlan; registries: Executor };
  close(): Promise<void>;
}

export interface DesignerJobsOptions {
  /** Starts the engine a simulation runs on (designer/engine-session.ts `startEngineSession` in production). */
  startSession: () => Promise<SimulationSession>;
  historiesDir: string;
  /** Most paths one simulation runs (default 12). */
  maxPaths?: number;
  now?: () => Date;
}

export { NoSimulationInputError };

/** Paths through a state: one of its steps happens there or the path ends in it. */
export function pathsThrough(paths: SimPath[], state: string | null): SimPath[] {
  if (!state) return paths;
  return paths.filter((p) => isWithin(p.finalState, state) || p.steps.some((s) => s.at.some((leaf) => isWithin(leaf, state))));
}

export function createDesignerJobs(opts: DesignerJobsOptions) {
  const jobs = new Map<string, DesignerJob>();
  const now = opts.now ?? (() => new Date());
  let chain: Promise<void> = Promise.resolve();

  const outcomeOf = (p: SimPath, r: EngineRun): PathOutcome => ({
    index: p.index,
    description: describePath(p),
    predictedFinalState: p.finalState,
    predictedOutcome: p.outcome,
    engineFinalState: r.engineFinalState,
    engineOutcome: r.engineOutcome,
    matches: r.matches,
    injected: r.injected.map((f) => `${f.service}#${f.call}: ${f.code}`),
    ...(r.error ? { error: r.error } : {}),
  });

  async function simulate(job: DesignerJob): Promise<void> {
    const def = getProcedure(job.procedureId, job.version);
    const model = readChart(def.machine);
    if (job.state && !model.byPath.has(job.state)) throw new Error(`no state "${job.state}"`);
    job.progress.push('starting an engine of its own (registries in memory, devserver, workers)…');
    const session = await opts.startSession();
    try {
      const tag = `web${Date.now().toString(36)}`;
      const engineOpts = { ...session.simulation, tag, onProgress: (m: string) => job.progress.push(m) };
      const env = await prepareEnv(session.client, def, engineOpts);
      const all = generatePaths(def, { env });
      const chosen = pathsThrough(all, job.state).slice(0, opts.maxPaths ?? 12);
      job.total = chosen.length;
      job.progress.push(`${chosen.length} path(s) of ${all.length}${job.state ? ` go through ${job.state}` : ''}`);
      for (const p of chosen) {
        const input = await preparePath(def, p, { ...engineOpts, env }, session.simulation.people);
        const run = await runPathOnEngine(session.client, def, p, { ...engineOpts, env }, input);
        job.paths.push(outcomeOf(p, run));
        job.done++;
        job.progress.push(`path ${p.index}: ${run.error ? `error: ${run.error}` : `${run.engineFinalState}${run.matches ? ' (as predicted)' : ` (predicted ${p.finalState})`}`}`);
      }
    } finally {
      await session.close();
    }
  }

  async function replayCheck(job: DesignerJob): Promise<void> {
    const prefix = `${job.procedureId}-v${job.version}-`;
    const histories = loadHistoryFixtures(opts.historiesDir).filter((h) => h.name.startsWith(prefix));
    job.total = histories.length;
    job.progress.push(`${histories.length} committed histories; bundling the current workflow code…`);
    job.replay = await replayHistories(histories, {
      onProgress: (o) => {
        job.done++;
        job.progress.push(`${o.status === 'ok' ? 'ok' : 'FAIL'} ${o.name}${o.message ? `: ${o.message}` : ''}`);
      },
    });
  }

  function start(kind: DesignerJob['kind'], p: { procedureId: string; version?: number; state?: string | null; startedBy: string }): DesignerJob {
    const def = getProcedure(p.procedureId, p.version); // unknown → UnknownProcedureError
    if (kind === 'simulation' && !hasSimulationInput(def)) throw new NoSimulationInputError(def.id);
    const job: DesignerJob = {
      id: randomUUID(),
      kind,
      procedureId: def.id,
      version: def.version,
      state: p.state ?? null,
      status: 'queued',
      startedBy: p.startedBy,
      createdAt: now().toISOString(),
      finishedAt: null,
      progress: [],
      done: 0,
      total: null,
      paths: [],
      replay: [],
    };
    jobs.set(job.id, job);
    chain = chain.then(async () => {
      job.status = 'running';
      try {
        await (kind === 'simulation' ? simulate(job) : replayCheck(job));
        job.status = 'done';
      } catch (err) {
        job.status = 'failed';
        job.error = err instanceof Error ? err.message : String(err);
      }
      job.finishedAt = now().toISOString();
    });
    return job;
  }

  return {
    start,
    get: (id: string) => jobs.get(id) ?? null,
    /** The newest job of each kind for a procedure version (the replay-check status shown in the catalog). */
    latest(procedureId: string, version: number, kind: DesignerJob['kind']): DesignerJob | null {
      const mine = [...jobs.values()].filter((j) => j.procedureId === procedureId && j.version === version && j.kind === kind);
      return mine.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] ?? null;
    },
    /** Resolves when every job started so far has finished (tests, shutdown). */
    idle: () => chain,
  };
}

export type DesignerJobs = ReturnType<typeof createDesignerJobs>;
