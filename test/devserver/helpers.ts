/**
 * Shared setup for the devserver suite: one in-process devserver per test file (in-memory PGlite, or a fresh
 * database on the server of DATABASE_URL), the real SDK client, and a worker on a bundled workflow set — with the
 * devserver's default poll window and the SDK's default worker options, as in production.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { withDatabaseName } from '../../db/connection';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startDevServer, type DevServer, type DevServerOptions } from '../../devserver/index';
import * as activities from '../../devserver/harness/activities';

import { HARNESS_WORKFLOWS_PATH } from '../../devserver/harness/workflows-path';
import { setTimeout as sleep } from 'node:timers/promises';

export const WORKFLOWS_PATH = HARNESS_WORKFLOWS_PATH;

let runtimeInstalled = false;
export function installRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    /* already installed */
  }
}

const quietLogger = { info() {}, warn() {}, error: (m: string, e?: unknown) => console.error(`[devserver] ${m}`, e ?? '') };

/** A database spec for one test file: a fresh database on DATABASE_URL's server, else in-memory PGlite. */
export async function freshDatabase(label: string): Promise<{ db: string; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { db: ':memory:', drop: async () => {} };
  const name = `ds_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomUUID().slice(0, 8)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    db: withDatabaseName(url, name),
    drop: async () => {
      const a = postgres(url, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await a.end();
    },
  };
}

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | null = null;
export function workflowBundle() {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
  return bundlePromise;
}

export interface TestEnv {
  server: DevServer;
  connection: Connection;
  client: Client;
  nativeConnection: NativeConnection;
  taskQueue: string;
  worker: Worker;
  workerRun: Promise<void>;
  dbSpec: string;
  close(): Promise<void>;
}

export async function startEnv(label: string, opts: Partial<DevServerOptions> & { worker?: boolean } = {}): Promise<TestEnv> {
  installRuntime();
  const database = await freshDatabase(label);
  const server = await startDevServer({ db: database.db, port: 0, logger: quietLogger, ...opts });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `tq-${label}-${randomUUID().slice(0, 6)}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const workerRun = worker.run();
  return {
    server,
    connection,
    client,
    nativeConnection,
    taskQueue,
    worker,
    workerRun,
    dbSpec: database.db,
    async close() {
      worker.shutdown();
      await workerRun.catch(() => {});
      await connection.close();
      await nativeConnection.close();
      await server.stop();
      await database.drop();
    },
  };
}

/** A devserver without a worker, for tests that speak the protocol themselves, and a client connection to it. */
export async function startBareServer(label: string, opts: Partial<DevServerOptions> = {}): Promise<{ server: DevServer; connection: Connection; close(): Promise<void> }> {
  const database = await freshDatabase(label);
  const server = await startDevServer({ db: database.db, port: 0, longPollTimeoutMs: 10_000, logger: quietLogger, ...opts });
  const connection = await Connection.connect({ address: server.address });
  return {
    server,
    connection,
    async close() {
      await connection.close();
      await server.stop();
      await database.drop();
    },
  };
}

export const uid = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

/** Asserts event ids are 1..n contiguous. */
export function eventIds(history: { events?: { eventId?: unknown }[] | null }): number[] {
  return (history.events ?? []).map((e) => Number(e.eventId));
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor timed out');
    await sleep(stepMs);
  }
}

export { freePort } from '../../devserver/harness/free-port';

/** The gRPC status code and details a call ended with (0 when it succeeded). */
export async function grpcCode(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
    return { code: 0, details: '' };
  } catch (e) {
    const err = e as { code?: number; details?: string; cause?: { code?: number; details?: string } };
    return { code: err.code ?? err.cause?.code ?? -1, details: err.details ?? err.cause?.details ?? String(e) };
  }
}
