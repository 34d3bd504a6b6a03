/**
 * The composition root of the API: builds its case service from opened resources and composes what the API itself
 * does not know (the operator routes of ops/, the designer's diagrams and simulations, the staff console's
 * dependencies). Shared by scripts/api.ts (`npm run api`), the all-in-one start and the benchmarks.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Executor } from '../db/connection';
import * as diagram from '../designer/diagram';
import { createAuditedPostgresRegistries } from '../activities/registries';
import type { Hono } from 'hono';
import type { TemporalConnectionOptions } from '../worker/temporal-connection';
import { createOpsRoutes } from '../ops/routes';
import { createCaseService, type CaseService } from '../api/case-service';
import { createReadModelRoutes } from '../api/read-model-routes';
import { createCodecRoutes } from '../api/codec-routes';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createStaffConsoleDeps, type StaffConsoleDeps } from '../web/staff-deps';
import type { SimulationSession } from '../web/designer/simulation-jobs';

export interface ApiWiring {
  service: CaseService;
  /** Read-only operator routes for /ops. */
  ops: Hono;
  /** Lists, work queues, KPIs, access log and /metrics from the read model. */
  readModel: OpenAPIHono;
  /** What the web console reads besides the case service (web/console.ts). */
  console: { db: Executor; now: () => Date; staff: StaffConsoleDeps };
  /** The codec endpoint on this API's own payload codec. */
  codec: OpenAPIHono;
  client: Client;
  close(): Promise<void>;
}

export async function wireCaseService(opts: {
  db: Executor;
  /** Address, and TLS / API key for a real cluster (see worker/temporal-connection.ts). */
  temporal: TemporalConnectionOptions;
  namespace: string;
  /** The payload codec every client and worker shares (worker/codec/data-converter.ts). */
  dataConverter: DataConverter;
  clock?: () => Date;
  /** The designer pages' simulation engine (designer/engine-session.ts `startEngineSession`), given by entry points. */
  startSimulation?: () => Promise<SimulationSession>;
}): Promise<ApiWiring> {
  const clock = opts.clock ?? (() => new Date());
  const connection = await Connection.connect(opts.temporal);
  const client = new Client({ connection, namespace: opts.namespace, dataConverter: opts.dataConverter });
  const registries = createAuditedPostgresRegistries(opts.db, clock);
  const service = createCaseService({ client, db: opts.db, registries, clock, diagram });
  const ops = createOpsRoutes({ client, db: opts.db, namespace: opts.namespace, now: clock });
  const readModel = createReadModelRoutes({ db: opts.db, now: clock });
  const codec = createCodecRoutes({ codec: opts.dataConverter.payloadCodecs?.[0], db: opts.db, now: clock });
  return { service, ops, readModel, codec, console: { db: opts.db, now: clock, staff: createStaffConsoleDeps({ client, db: opts.db, namespace: opts.namespace, now: clock, startSimulation: opts.startSimulation }) }, client, close: () => connection.close() };
}
