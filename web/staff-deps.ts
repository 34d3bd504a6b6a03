/**
 * What the operator, designer and supervisor pages use besides the console's own dependencies: the ops toolkit's
 * dependencies (Temporal client and database: the same ones `/ops` and the ops CLI use) and the designer's paths and
 * background jobs (simulations on an engine of their own, replay checks). Built by the API's wiring.
 */
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { Executor } from '../db/connection';
import type { OpsDeps } from '../ops/common';
import { createDesignerJobs, type DesignerJobs } from './designer/simulation-jobs';
import type { DesignerPaths } from './designer/catalog';

export interface StaffConsoleDeps {
  ops: OpsDeps;
  designer: { paths: DesignerPaths; jobs: DesignerJobs };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DEFAULT_DESIGNER_PATHS: DesignerPaths = { lockFile: `${ROOT}procedures.lock.json`, historiesDir: `${ROOT}test/fixtures/histories` };

export function createStaffConsoleDeps(o: { client: Client; db: Executor; namespace?: string; now?: () => Date; designerPaths?: DesignerPaths }): StaffConsoleDeps {
  const paths = o.designerPaths ?? DEFAULT_DESIGNER_PATHS;
  return {
    ops: { client: o.client, db: o.db, namespace: o.namespace, now: o.now },
    designer: {
      paths,
      // Loaded when a simulation starts: the engine session builds a whole stack (scripts/stack.ts), which wires the API.
      jobs: createDesignerJobs({ startSession: async () => (await import('../designer/engine-session')).startEngineSession(), historiesDir: paths.historiesDir, now: o.now }),
    },
  };
}
