/**
 * What the operator, designer and supervisor pages use besides the console's own dependencies: the ops toolkit's
 * dependencies (Temporal client and database: the same ones `/ops` and the ops CLI use) and the designer's paths and
 * background jobs (simulations on an engine of their own, replay checks). Built by the API's wiring.
 */
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/connection';
import type { OpsDeps } from '../ops/common';
import { createDesignerJobs, type DesignerJobs, type SimulationSession } from './designer/simulation-jobs';
import type { DesignerPaths } from './designer/catalog';

export interface StaffConsoleDeps {
  ops: OpsDeps;
  designer: { paths: DesignerPaths; jobs: DesignerJobs };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_DESIGNER_PATHS: DesignerPaths = { lockFile: `${ROOT}procedures.lock.json`, historiesDir: `${ROOT}test/fixtures/histories` };

/** Simulations need an engine of their own; the entry points give `startEngineSession` (designer/engine-session.ts). */
export class SimulationUnavailableError extends Error {
  readonly code = 'SIMULATION_UNAVAILABLE';
  constructor() {
    super('This process runs no simulation engine (start the API with `npm start` or `npm run api`)');
  }
}

export function createStaffConsoleDeps(o: {
  client: Client;
  db: Executor;
  namespace?: string;
  now?: () => Date;
  designerPaths?: DesignerPaths;
  /** Starts the engine a simulation runs on; injected by the entry points (the engine session itself wires an API). */
  startSimulation?: () => Promise<SimulationSession>;
}): StaffConsoleDeps {
  const paths = o.designerPaths ?? DEFAULT_DESIGNER_PATHS;
  return {
    ops: { client: o.client, db: o.db, namespace: o.namespace, now: o.now },
    designer: {
      paths,
      jobs: createDesignerJobs({
        startSession: async () => {
          if (!o.startSimulation) throw new SimulationUnavailableError();
          return o.startSimulation();
        },
        historiesDir: paths.historiesDir,
        now: o.now,
      }),
    },
  };
}
