/**
 * Many open runs, bounded memory (issue 18, item 3): the devserver's run cache is bounded by count and bytes, and
 * a run that fell out of it is read again from the database with the same state and keeps working — updates,
 * signals, completion, well-formed histories —, also when the SDK worker evicted the workflow too (a replay). A
 * restart loads no run: the cache starts empty and runs are read on their first use. Real devserver, real SDK
 * worker, PGlite on disk or a fresh Postgres database (DATABASE_URL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../devserver/index';
import * as store from '../../devserver/storage/store';
import * as activities from '../../devserver/harness/activities';
import { eventIds, freshDatabase, installRuntime, uid, waitFor, workflowBundle } from './helpers';
import { doneSignal, incrementUpdate, valueQuery } from '../../devserver/harness/workflows';

const quietLogger = { info() {}, warn() {}, error: (m: string, e?: unknown) => console.error(`[devserver] ${m}`, e ?? '') };
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A database that outlives one devserver: a PGlite directory, or a fresh Postgres database. */
async function durableDatabase(label: string): Promise<string> {
  if (process.env.DATABASE_URL) {
    const d = await freshDatabase(label);
    cleanups.push(d.drop);
    return d.db;
  }
  const dir = mkdtempSync(join(tmpdir(), `ds-${label}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A client and a worker on `server`; `maxCachedWorkflows` only where the test is about the SDK's own eviction. */
async function connect(server: DevServer, taskQueue: string, workerOptions: { maxCachedWorkflows?: number } = {}) {
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities, ...workerOptions });
  const run = worker.run();
  return {
    client: new Client({ connection }),
    async close() {
      worker.shutdown();
      await run.catch(() => {});
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** The cached state of every run the cache still holds equals its row in the database. */
async function expectCacheMatchesDatabase(server: DevServer, runIds: string[]) {
  let compared = 0;
  for (const runId of runIds) {
    if (!server.engine.cache.holds(runId)) continue;
    const cached = server.engine.cache.getState(runId)!;
    const row = await store.loadExecution(server.engine.db, runId, false);
    expect(row?.version).toBe(cached.version);
    expect(row?.state).toEqual(JSON.parse(JSON.stringify(cached.state)));
    compared++;
  }
  expect(compared).toBeGreaterThan(0);
}

describe('bounded run cache', () => {
  it('evicted runs are read again with the same state and keep working (updates, signals, completion), also after the SDK worker evicted them', { timeout: 180_000 }, async () => {
    installRuntime();
    const db = await durableDatabase('bounded-cache');
    const server = await startDevServer({ db, port: 0, logger: quietLogger, runCache: { maxRuns: 4, maxEventRuns: 3 } });
    cleanups.push(() => server.stop());
    const taskQueue = uid('bounded');
    // The SDK worker keeps at most 2 workflows: most updates below go to a workflow it must replay from history.
    const env = await connect(server, taskQueue, { maxCachedWorkflows: 2 });
    cleanups.push(() => env.close());

    const n = 16;
    const handles: WorkflowHandleWithFirstExecutionRunId[] = [];
    for (let i = 0; i < n; i++) handles.push(await env.client.workflow.start('updatable', { taskQueue, workflowId: uid(`open-${i}`) }));
    // Each run answered its first workflow task (it waits for updates and the done signal).
    for (const h of handles) expect(await h.query(valueQuery)).toBe(0);
    const runIds = handles.map((h) => h.firstExecutionRunId);

    const stats = server.engine.cache.stats();
    expect(stats.runs).toBeLessThanOrEqual(4);
    expect(stats.eventRuns).toBeLessThanOrEqual(3);
    expect(stats.evictions).toBeGreaterThan(0);
    await expectCacheMatchesDatabase(server, runIds);

    // Two rounds of updates in a shuffled order: every run falls out of both caches between its updates.
    for (const round of [1, 2]) {
      const order = [...handles.keys()].sort((a, b) => ((a * 7 + round * 3) % n) - ((b * 7 + round * 3) % n));
      for (const i of order) expect(await handles[i].executeUpdate(incrementUpdate, { args: [i + round] })).toBe(round === 1 ? i + 1 : 2 * i + 3);
    }
    // A rejected update on an evicted run changes nothing.
    const rejected = await handles[0].executeUpdate(incrementUpdate, { args: [-1] }).catch((e: { cause?: Error }) => e);
    expect((rejected as { cause?: Error }).cause?.message).toBe('negative increments are rejected');
    expect(server.engine.cache.stats().runs).toBeLessThanOrEqual(4);
    await expectCacheMatchesDatabase(server, runIds);

    for (const h of handles) await h.signal(doneSignal);
    for (const [i, h] of handles.entries()) {
      expect(await h.result()).toBe(2 * i + 3);
      const ids = eventIds(await h.fetchHistory());
      expect(ids).toEqual(ids.map((_, k) => k + 1));
    }
    expect(server.engine.cache.stats().locks).toBe(0);
  });

  it('a restart loads no run: many open runs are read on first use and complete', { timeout: 180_000 }, async () => {
    installRuntime();
    const db = await durableDatabase('restart-open');
    const taskQueue = uid('restart');
    const n = 40;
    let workflowIds: string[];
    {
      const server = await startDevServer({ db, port: 0, logger: quietLogger });
      const env = await connect(server, taskQueue);
      const handles: WorkflowHandle[] = [];
      for (let i = 0; i < n; i++) handles.push(await env.client.workflow.start('updatable', { taskQueue, workflowId: uid(`open-${i}`) }));
      for (const [i, h] of handles.entries()) expect(await h.executeUpdate(incrementUpdate, { args: [i] })).toBe(i);
      workflowIds = handles.map((h) => h.workflowId);
      await env.close();
      await server.stop();
    }
    const server = await startDevServer({ db, port: 0, logger: quietLogger });
    cleanups.push(() => server.stop());
    // Nothing was loaded at start: no run in the cache until one is used.
    expect(server.engine.cache.stats().runs).toBe(0);
    const env = await connect(server, taskQueue);
    cleanups.push(() => env.close());
    const handles = workflowIds.map((id) => env.client.workflow.getHandle(id));
    // A decision on each open run after the restart (a new worker: each is replayed from its history).
    for (const [i, h] of handles.entries()) expect(await h.executeUpdate(incrementUpdate, { args: [100] })).toBe(i + 100);
    for (const h of handles) await h.signal(doneSignal);
    for (const [i, h] of handles.entries()) expect(await h.result()).toBe(i + 100);
    await waitFor(async () => server.engine.cache.stats().locks === 0);
    expect(server.engine.cache.stats().runs).toBeGreaterThan(0);
  });
});
