/**
 * An in-process engine for simulations and fixture recording: the whole stack (registries on in-memory PGlite
 * seeded with synthetic people, the devserver, every worker), with its client. One per command or test file.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { startStack, type Stack } from '../scripts/stack';
import { CATALOG, type Catalog } from '../procedures/catalog';
import { getCaseSnapshot } from '../worker/case-client';
import { caseWorkflowId } from '../worker/case-client';
import { saveHistoryFixture } from './replay';
import { simulateOnEngine, type EngineOptions, type SimulationReport } from './simulate-engine';
import type { PathOptions } from './simulate-paths';
import { hasSimulationInput } from './sim-inputs';

let runtimeInstalled = false;

export interface EngineSession {
  stack: Stack;
  client: Client;
  close(): Promise<void>;
}

/** The SDK's core logs at INFO by default; the designer prints its own progress. Once per process. */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by the host (e.g. a test harness): keep it.
  }
  runtimeInstalled = true;
}

export async function startEngineSession(opts: { seedPeople?: number; log?: (m: string) => void } = {}): Promise<EngineSession> {
  quietTemporalRuntime();
  const stack = await startStack({
    registries: { kind: 'pglite-memory' },
    devserverDb: ':memory:',
    seedPeople: opts.seedPeople ?? 200,
    log: opts.log,
    workerOptions: { shutdownGraceTime: '1 second' },
  });
  return { stack, client: stack.wiring.client, close: () => stack.close() };
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
        opts.onProgress?.(`${id} v${def.version}: skipped, no simulation input (declare \`simulation\` in its definition)`);
        continue;
      }
      reports.push(await simulateOnEngine(session.client, def, opts));
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
      const history = await session.client.workflow.getHandle(caseWorkflowId(run.caseId)).fetchHistory();
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
