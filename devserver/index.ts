/**
 * Temporal-compatible development server: `temporal.api.workflowservice.v1.WorkflowService` (and the
 * OperatorService of the visibility module) on a lean gRPC-over-HTTP/2 server, durable on Postgres or PGlite.
 */
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describeTarget, openDatabase, parseDatabaseTarget, type DatabaseTarget } from '../db/connection';
import type { WorkflowRequest, WorkflowServiceHandlers } from './errors';
import { addService, consoleLogger, type Logger } from './grpc';
import { randomIds, systemClock, type Clock, type IdGenerator } from './clock';
import { devserverSchema } from './storage/schema';
import * as store from './storage/store';
import { Engine } from './engine/engine';
import { QueryManager } from './engine/queries';
import { DeadlineScheduler } from './scheduler';
import { namespaceHandlers } from './service/namespaces';
import { executionHandlers } from './service/executions';
import { historyHandlers } from './service/history';
import { taskHandlers } from './service/tasks';
import { queryUpdateHandlers } from './service/queries-updates';
import { adminHandlers } from './service/admin';
import { PollerRegistry } from './engine/pollers';
import { GrpcServer } from './transport/grpc-server';
import type { DevServerTlsOptions } from './transport/tls';
import { loadVisibility } from './visibility-adapter';
import { scheduleHandlers } from './service/schedules';
import { ScheduleRunner } from './schedules/runner';
import { ScheduleVisibility } from './schedules/visibility';
import { createAuthInterceptor, type DevServerAuthOptions } from './auth/interceptor';
import { BlobSizeLimits, withBlobSizeLimits } from './engine/blob-size';
import { HistoryLimits, type HistoryLimitOptions } from './engine/history-limits';
import { withRequestValidation } from './service/request-validation';
import type { RunCacheLimits } from './engine/run-cache';

export const DEFAULT_DATA_DIR = '.data/devserver';
export const MIGRATIONS_TABLE = '__devserver_migrations';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../db/migrations/devserver', import.meta.url));

export interface DevServerOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** postgres:// URL, PGlite data directory, ":memory:", or a parsed target. Default: `.data/devserver`. */
  db?: string | DatabaseTarget;
  /** How long Poll*TaskQueue / history / update long polls wait before answering empty. Default 55 s. */
  longPollTimeoutMs?: number;
  /** Namespaces created at startup (besides existing ones). Default ['default']. */
  namespaces?: string[];
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** postgres.js pool size. */
  maxConnections?: number;
  /** Called after every RPC (method, duration in ms, success) — for tracing and benchmarks. */
  onRpc?: (method: string, ms: number, ok: boolean) => void;
  /** JWT authentication, Temporal's namespace roles and per-worker task-queue scoping (devserver/auth/); off if absent. */
  auth?: DevServerAuthOptions;
  /** Serve TLS, optionally verifying (and requiring) client certificates (devserver/transport/tls.ts); off if absent. */
  tls?: DevServerTlsOptions;
  /** Largest request message accepted (RESOURCE_EXHAUSTED beyond). Default 4 MiB, as a Temporal frontend. */
  maxMessageBytes?: number;
  /** Largest payload blob per history event (Temporal's `limit.blobSize.error`). Default 2 MiB. See README. */
  blobSizeLimitBytes?: number;
  /** Payload blobs past this size are logged (Temporal's `limit.blobSize.warn`). Default 512 KiB. */
  blobSizeWarnBytes?: number;
  /**
   * Per-workflow history limits (Temporal's `limit.historyCount.*` / `limit.historySize.*`): continue-as-new
   * suggested at 4,096 events / 4 MiB, logged past 10,240 / 10 MiB, terminated past 51,200 / 50 MiB. See README.
   */
  historyLimits?: HistoryLimitOptions;
  /** Bounds of the in-memory run cache (runs and bytes); evicted runs are read again from the database. See README. */
  runCache?: RunCacheLimits;
}

/** A Temporal frontend's default gRPC message limit. */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface DevServer {
  /** host:port, ready for `Connection.connect({ address })`. */
  address: string;
  port: number;
  engine: Engine;
  stop(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const logger = opts.logger ?? consoleLogger;
  const target = typeof opts.db === 'object' ? opts.db : parseDatabaseTarget(opts.db, DEFAULT_DATA_DIR);
  const database = await openDatabase(target, devserverSchema, { maxConnections: opts.maxConnections ?? 20 });
  try {
    await database.migrate(MIGRATIONS_FOLDER, MIGRATIONS_TABLE);
  } catch (e) {
    await database.close();
    throw e;
  }
  const db = database.db;
  const blobSizeLimits = new BlobSizeLimits(opts.blobSizeLimitBytes, opts.blobSizeWarnBytes, logger);
  const visibilityModule = await loadVisibility();
  const engine = new Engine({
    db,
    clock: opts.clock ?? systemClock,
    ids: opts.ids ?? randomIds,
    logger,
    longPollTimeoutMs: opts.longPollTimeoutMs ?? 55_000,
    visibility: visibilityModule?.visibilityDocument ?? null,
    validateSearchAttributes: visibilityModule?.validateSearchAttributes ?? null,
    preregisterSearchAttributes: visibilityModule?.preregisterSearchAttributes ?? null,
    // PGlite has one connection. On Postgres, 2 batches in flight of at most 64 writes: a batch runs its writes
    // one after another in one backend, each in a subtransaction, and past 64 subtransactions a backend's cache
    // overflows and every concurrent snapshot consults pg_subtrans; uncapped, batches of 80–100 formed under load
    // (measured with the protocol worker: ~105–120 → ~125 wf/s, same CPU per workflow).
    writeConcurrency: target.kind === 'postgres' ? 2 : 1,
    writeBatchLimit: target.kind === 'postgres' ? 64 : 256,
    blobSizeLimits,
    historyLimits: new HistoryLimits(opts.historyLimits, logger),
    runCache: opts.runCache,
  });
  for (const name of opts.namespaces ?? ['default']) {
    if (!(await store.getNamespaceByName(db, name))) {
      await store.insertNamespace(db, { id: crypto.randomUUID(), name, config: { description: `${name} namespace` } });
    }
  }
  // As the Temporal CLI dev server: its Custom*Field attributes exist in every namespace.
  for (const ns of await store.listNamespaces(db)) await engine.namespaceCreated(ns.id);
  await engine.tasks.load(db);
  const queries = new QueryManager(engine);
  const scheduler = new DeadlineScheduler(engine);

  const visibilityHandlers = visibilityModule?.createVisibilityHandlers({
    db,
    resolveNamespace: async (name: string) => {
      const ns = await engine.namespace(name);
      return { id: ns.id, name: ns.name };
    },
  });
  const pollers = new PollerRegistry(() => engine.now());
  const executions = executionHandlers(engine);
  const scheduleVisibility = new ScheduleVisibility(db, visibilityModule);
  const schedules = new ScheduleRunner(engine, executions, scheduleVisibility);
  const workflowService: WorkflowServiceHandlers = {
    ...(visibilityHandlers?.workflowService ?? {}),
    ...namespaceHandlers(engine),
    ...executions,
    ...scheduleHandlers(engine, schedules, scheduleVisibility),
    ...historyHandlers(engine),
    ...taskHandlers(engine, queries),
    ...queryUpdateHandlers(engine, queries),
    ...adminHandlers(engine, pollers, visibilityModule?.deleteVisibility),
  };
  withBlobSizeLimits(workflowService, blobSizeLimits);
  withRequestValidation(workflowService);
  // Every poll is recorded (identity, time, rate) for DescribeTaskQueue.
  for (const [method, kind] of [
    ['PollWorkflowTaskQueue', 'workflow'],
    ['PollActivityTaskQueue', 'activity'],
  ] as const) {
    const inner = workflowService[method]!;
    workflowService[method] = async (req: WorkflowRequest<typeof method>, signal: AbortSignal) => {
      const queue = req?.taskQueue?.name;
      if (queue) {
        const ns = await engine.namespace(req.namespace);
        pollers.record(ns.id, kind, queue, req.identity ?? '', ('taskQueueMetadata' in req ? req.taskQueueMetadata?.maxTasksPerSecond?.value : 0) ?? 0);
      }
      return inner(req as never, signal);
    };
  }

  const stopController = new AbortController();
  setMaxListeners(0, stopController.signal); // one listener per in-flight call
  const server = new GrpcServer({
    maxReceiveBytes: opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    stopSignal: stopController.signal,
    onInternalError: (path, err) => logger.error(`${path} failed`, err),
    intercept: opts.auth ? createAuthInterceptor(opts.auth) : undefined,
    tls: opts.tls,
  });
  addService(server, 'temporal.api.workflowservice.v1.WorkflowService', workflowService, opts.onRpc);
  addService(server, 'temporal.api.operatorservice.v1.OperatorService', visibilityHandlers?.operatorService ?? {});

  const host = opts.host ?? '127.0.0.1';
  const port = await server.listen(host, opts.port ?? 0);
  scheduler.start();
  await schedules.start();
  logger.info(`listening on ${host}:${port} (db ${describeTarget(target)}${visibilityModule ? ', visibility on' : ''}${opts.auth ? ', auth on' : ''}${opts.tls ? `, TLS${opts.tls.requireClientCert ? ' with client certificates required' : ''}` : ''})`);

  let stopping: Promise<void> | null = null;
  return {
    address: `${host}:${port}`,
    port,
    engine,
    stop() {
      stopping ??= (async () => {
        engine.stopped = true;
        stopController.abort(); // long polls answer empty now
        await scheduler.stop();
        await schedules.stop();
        await server.close(3000);
        await database.close();
      })();
      return stopping;
    },
  };
}

export { parseDatabaseTarget };
