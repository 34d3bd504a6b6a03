/** Builds the API's case service from opened resources; shared by api/main.ts, the all-in-one start, tests and bench. */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Executor } from '../db/connection';
import { createAuditedPostgresRegistries } from '../activities/registries';
import type { Hono } from 'hono';
import type { TemporalConnectionOptions } from '../worker/temporal-connection';
import { createOpsRoutes } from '../ops/routes';
import { createCaseService, type CaseService } from './case-service';
import { createReadModelRoutes } from './read-model-routes';
import { createCodecRoutes } from './codec-routes';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createStaffConsoleDeps, type StaffConsoleDeps } from '../web/staff-deps';
import type { EngineSession } from '../designer/engine-session';

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
  startSimulation?: () => Promise<EngineSession>;
}): Promise<ApiWiring> {
  const clock = opts.clock ?? (() => new Date());
  const connection = await Connection.connect(opts.temporal);
  const client = new Client({ connection, namespace: opts.namespace, dataConverter: opts.dataConverter });
  const registries = createAuditedPostgresRegistries(opts.db, clock);
  const service = createCaseService({ client, db: opts.db, registries, clock });
  const ops = createOpsRoutes({ client, db: opts.db, namespace: opts.namespace, now: clock });
  const readModel = createReadModelRoutes({ db: opts.db, now: clock });
  const codec = createCodecRoutes({ codec: opts.dataConverter.payloadCodecs?.[0], db: opts.db, now: clock });
  return { service, ops, readModel, codec, console: { db: opts.db, now: clock, staff: createStaffConsoleDeps({ client, db: opts.db, namespace: opts.namespace, now: clock, startSimulation: opts.startSimulation }) }, client, close: () => connection.close() };
}
