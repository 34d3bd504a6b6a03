/**
 * An in-process engine for simulations and fixture recording: the whole stack (registries on in-memory PGlite
 * seeded with synthetic people and the simulation families, the devserver, every worker), with its client. One per
 * command or test file. Its agency workers carry the designer's fault-injection interceptor (and only they do);
 * its people allocator hands every simulated path its own people.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { startStack, type Stack } from '../scripts/stack';
import { ephemeralDataConverter } from '../worker/codec/data-converter';
import { decodeHistoryEvents } from '../worker/codec/history-decoding';
import { CATALOG, type Catalog } from '../procedures/catalog';
import { getCaseSnapshot } from '../workflows/case-client';
import { caseWorkflowId } from '../workflows/case-client';
import { saveHistoryFixture } from './replay';
import { simulateOnEngine, type EngineOptions, type SimulationReport } from './simulate-engine';
import type { PathOptions } from './simulate-paths';
import { hasSimulationInput } from './sim-inputs';
import { FaultPlan, SIMULATED_FAILURE } from './fault-injection';
import type { LogMetadata, Logger } from '@temporalio/common';
import { DEFAULT_SEED_SHAPE, PeopleAllocator } from './sim-people';
import { seedSimulationFamilies } from '../db/seed-simulation';
import type { DatabaseTarget, Executor } from '../db/connection';

let runtimeInstalled = false;

/** What simulations on a session share: spread into `simulateOnEngine`'s options. */
export interface SimulationResources {
  people: PeopleAllocator;
  faults: FaultPlan;
  registries: Executor;
}

export interface EngineSession {
  stack: Stack;
  client: Client;
  simulation: SimulationResources;
  close(): Promise<void>;
}

/**
 * The SDK's core logs at INFO by default; the designer prints its own progress, and the failures it injects are
 * expected (the SDK would warn about each). Once per process.
 */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  const base = new DefaultLogger('WARN');
  const injected = (meta?: LogMetadata) => (meta?.error as { type?: unknown } | undefined)?.type === SIMULATED_FAILURE;
  const logger: Logger = {
    log: (level, message, meta) => (injected(meta) ? undefined : base.log(level, message, meta)),
    trace: (message, meta) => base.trace(message, meta),
    debug: (message, meta) => base.debug(message, meta),
    info: (message, meta) => base.info(message, meta),
    warn: (message, meta) => (injected(meta) ? undefined : base.warn(message, meta)),
    error: (message, meta) => (injected(meta) ? undefined : base.error(message, meta)),
  };
  try {
    Runtime.install({ logger });
  } catch {
    // Already installed by the host (e.g. a test harness): keep it.
  }
  runtimeInstalled = true;
}

export interface EngineSessionOptions {
  /** Generated people in the seed (default 600) and simulation families (default 80): designer/sim-people.ts. */
  seedPeople?: number;
  families?: number;
  /** The registries database; default in-memory PGlite. A Postgres database must be empty or seeded alike. */
  registries?: DatabaseTarget;
  log?: (m: string) => void;
}

export async function startEngineSession(opts: EngineSessionOptions = {}): Promise<EngineSession> {
  quietTemporalRuntime();
  const shape = { people: opts.seedPeople ?? DEFAULT_SEED_SHAPE.people, families: opts.families ?? DEFAULT_SEED_SHAPE.families };
  const faults = new FaultPlan();
  const stack = await startStack({
    registries: opts.registries ?? { kind: 'pglite-memory' },
    devserverDb: ':memory:',
    // Encrypted like production, with a key that lives as long as the session (its histories too).
    dataConverter: ephemeralDataConverter(),
    seedPeople: shape.people,
    log: opts.log,
    workerOptions: { shutdownGraceTime: '1 second', interceptors: { activity: [faults.interceptor] } },
  });
  try {
    await seedSimulationFamilies(stack.database.db, shape.families);
  } catch (err) {
    await stack.close();
    throw err;
  }
  return {
    stack,
    client: stack.wiring.client,
    simulation: { people: new PeopleAllocator(shape), faults, registries: stack.database.db },
    close: () => stack.close(),
  };
}

/** Simulates every procedure version of the catalog (or one id) on the session's engine. */
export async function simulateCatalog(
  session: EngineSession,
  opts: Omit<EngineOptions, 'env'> & PathOptions & { /** Procedure id, or ids separated by commas. */ only?: string; version?: number; catalog?: Catalog },
): Promise<SimulationReport[]> {
  const reports: SimulationReport[] = [];
  for (const [id, versions] of opts.catalog ?? CATALOG) {
    if (opts.only && !opts.only.split(',').includes(id)) continue;
    for (const def of versions.values()) {
      if (opts.version !== undefined && def.version !== opts.version) continue;
      if (!hasSimulationInput(def)) {
        opts.onProgress?.(`${id} v${def.version}: skipped, NO_SIMULATION_INPUT (declare \`simulation\` in procedures/${id}/)`);
        continue;
      }
      reports.push(await simulateOnEngine(session.client, def, { ...session.simulation, ...opts }));
    }
  }
  return reports;
}

/** Saves the histories of simulated cases that finished as predicted, as replay fixtures. */
export async function recordHistories(session: EngineSession, reports: readonly SimulationReport[], dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const r of reports) {
    for (const run of r.runs) {
      if (!run.matches) continue;
      const snap = await getCaseSnapshot(session.client, run.caseId);
      // Fixtures are committed and replayed without the session's key: saved decoded (synthetic people only).
      const history = await decodeHistoryEvents(
        session.client.options.loadedDataConverter.payloadCodecs,
        await session.client.workflow.getHandle(caseWorkflowId(run.caseId)).fetchHistory(),
      );
      const file = `${r.procedureId}-v${r.version}-path${run.path.index}.json`;
      files.push(
        saveHistoryFixture(
          dir,
          file,
          {
            workflowId: caseWorkflowId(run.caseId),
            procedureId: r.procedureId,
            procedureVersion: r.version,
            description: `${run.engineHistory.join(' → ') || 'no external events'} ⇒ ${snap.outcome}`,
          },
          history,
        ),
      );
    }
  }
  return files;
}

export type { WorkflowBundle };
