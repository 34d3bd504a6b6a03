/**
 * Workers: the `engine` worker runs the statechart-runner workflow; each agency's worker runs that agency's
 * activities on `agency-<id>`. Connection and database come from the caller (env vars are read in worker/main.ts).
 */
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { DataConverter } from '@temporalio/common';
import type { AgencyId } from '../domain/registries';
import { AGENCIES, AGENCY_IDS } from '../agencies/index';
import type { AgencyModule } from '../agencies/agency-module';
import { ENGINE_TASK_QUEUE } from '../workflows/task-queues';
import { loadAgencyActivities, MissingRegistriesError, type AgencyActivityOptions } from './agency-modules';
import { EngineWorker } from './sandbox/engine-worker';

export type WorkerRole = AgencyId | 'engine';
/** The engine's worker and one per agency of the list (agencies/index.ts). */
export const WORKER_ROLES: readonly WorkerRole[] = ['engine', ...AGENCY_IDS];

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Modules the engine's workflows share in a worker thread's reusable V8 context (the SDK's `preloadModules`): the
 * SDK would otherwise evaluate every module a workflow imports again for each workflow it runs or replays, and keep
 * those instances as long as the workflow stays in its cache. Preloaded modules
 * are evaluated once per thread and deep-frozen by the SDK, so only modules without per-workflow state qualify: the
 * whole workflow tree qualifies, because lint keeps module-level `let` out of workflows/, procedures/ and domain/,
 * its module-level values are read-only tables and definitions (the charts the runner provides among them:
 * workflows/runnable-charts.ts), what their shared services need of a case sits on that case's own chart actor
 * (workflows/chart-services.ts), and the workflow API it calls finds the running workflow at each call (the SDK
 * shares those modules itself). The entry brings the rest: the runner, the catalog, XState (named on its own, webpack
 * would drop the import: the package declares no side effects).
 */
export const WORKFLOW_PRELOAD_MODULES: readonly string[] = [WORKFLOWS_PATH];

/**
 * The engine worker's workflow threads (the SDK's `workflowThreadPoolSize`; its default is one with a reused V8
 * context). A workflow thread runs one activation at a time, so with one, a decision's workflow task waits behind
 * whatever that thread is doing: another case's replay after a cache miss, a major GC of the heap that holds every
 * cached case. With two, the SDK places each workflow on the thread with fewer, each thread's heap holds half of the
 * cache, and one thread's replay or collection leaves the other's workflows running (the operating system shares
 * the cores between them). Measured in bench:scale (docs/performance.md, 2026-12-06 afternoon, two back-to-back
 * pairs): at 10,000 open cases the engine's CPU per decision fell by 8–23 % and its stalls no longer led the slowest
 * decisions; the p99 moved within its run-to-run noise. WORKER_WORKFLOW_THREADS overrides it (worker/engine-tuning.ts).
 */
export const ENGINE_WORKFLOW_THREADS = 2;

/** Bundle options for the engine's workflows at `workflowsPath`; the shared modules only for this tree's own. */
export function engineBundleOptions(workflowsPath = WORKFLOWS_PATH): { workflowsPath: string; preloadModules?: string[] } {
  return workflowsPath === WORKFLOWS_PATH ? { workflowsPath, preloadModules: [...WORKFLOW_PRELOAD_MODULES] } : { workflowsPath };
}

export interface AgencyWorkerOptions extends AgencyActivityOptions {
  /** A worker role, or an agency module not in the list (a test's fixture agency). */
  agency: WorkerRole | AgencyModule;
  connection: NativeConnection;
  /** The payload codec every client and worker shares (worker/codec/data-converter.ts `createDataConverter`). */
  dataConverter: DataConverter;
  namespace?: string;
  /** A prebuilt bundle (`bundleWorkflowCode(engineBundleOptions())`); else bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** Extra worker options (e.g. shutdownGraceTime, maxConcurrentActivityTaskExecutions). */
  workerOptions?: Partial<WorkerOptions>;
}

export class UnknownWorkerRoleError extends Error {
  readonly code = 'UNKNOWN_WORKER_ROLE';
  constructor(role: string) {
    super(`Unknown worker "${role}": use one of ${WORKER_ROLES.join(', ')} or all`);
  }
}

export function taskQueueOf(role: WorkerRole | AgencyModule): string {
  if (typeof role !== 'string') return role.taskQueue;
  if (role === 'engine') return ENGINE_TASK_QUEUE;
  const agency = AGENCIES.find((a) => a.id === role);
  if (!agency) throw new UnknownWorkerRoleError(role);
  return agency.taskQueue;
}

export async function createAgencyWorker(opts: AgencyWorkerOptions): Promise<Worker> {
  if (typeof opts.agency === 'string' && !(WORKER_ROLES as readonly string[]).includes(opts.agency)) throw new UnknownWorkerRoleError(opts.agency);
  const base = {
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: taskQueueOf(opts.agency),
    dataConverter: opts.dataConverter,
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...opts.workerOptions,
  };
  if (opts.agency === 'engine') {
    // The read model beside the workflows: case projections (a sink; a local activity for older cases), the daily KPI snapshot.
    if (!opts.db) throw new MissingRegistriesError('engine', ['read model database']);
    const { createReadModelActivities } = await import('../activities/projection/index');
    const { createReadModelSinks } = await import('../activities/projection/sinks');
    const { workflowsPath, preloadModules } = engineBundleOptions();
    // The SDK's worker, its workflow threads watching a whole activation at a time (worker/sandbox/).
    return EngineWorker.create({
      workflowThreadPoolSize: ENGINE_WORKFLOW_THREADS,
      ...base,
      activities: createReadModelActivities({ db: opts.db, clock: opts.clock }),
      sinks: { ...createReadModelSinks({ db: opts.db, clock: opts.clock }), ...opts.workerOptions?.sinks },
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath, bundlerOptions: { preloadModules } }),
    });
  }
  const activities = await loadAgencyActivities(opts.agency, opts);
  return Worker.create({ ...base, activities });
}
