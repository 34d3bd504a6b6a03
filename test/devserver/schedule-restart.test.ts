/**
 * Schedules fire from persisted state: a slot that came due while the devserver was down fires once at
 * restart (or counts as missed outside the catch-up window), and a step replayed after a crash between the
 * start and the schedule's state write records the slot's existing workflow instead of starting it twice.
 * The devserver's clock is injected and moved past the slot between restarts (no waiting for the hour).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../devserver/index';
import { dsSchedules } from '../../devserver/schedules/schema';
import { freePort, freshDatabase, uid, waitFor } from './helpers';

const HOUR = 3_600_000;
const quiet = { info() {}, warn() {}, error: (m: string, e?: unknown) => console.error(`[devserver] ${m}`, e ?? '') };

let db: string;
let drop: () => Promise<void> = async () => {};
let port: number;
let offset = 0;
const clock = { now: () => Date.now() + offset };

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    const fresh = await freshDatabase('schedule_restart');
    db = fresh.db;
    drop = fresh.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'ds-sched-'));
    db = dir;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  port = await freePort();
  // Half past the hour: the next hourly slot is 30 minutes away, whenever the test runs.
  offset = Math.floor(Date.now() / HOUR) * HOUR + HOUR / 2 - Date.now();
});
afterAll(async () => {
  await drop();
});

async function boot(): Promise<{ server: DevServer; client: Client; close(): Promise<void> }> {
  const server = await startDevServer({ db, port, clock, logger: quiet, longPollTimeoutMs: 2000 });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  return {
    server,
    client,
    async close() {
      await connection.close();
      await server.stop();
    },
  };
}

describe('schedules across restarts', () => {
  it('a slot due while the server was down fires once; outside the catch-up window it is missed; a replayed step never starts twice', async () => {
    let env = await boot();
    const base = uid('restart-wf');
    const action = { type: 'startWorkflow' as const, workflowType: 'scheduledTask', args: ['ok'], taskQueue: uid('no-worker'), workflowId: base };
    const due = await env.client.schedule.create({ scheduleId: uid('due'), spec: { intervals: [{ every: '1h' }] }, action });
    const missed = await env.client.schedule.create({
      scheduleId: uid('missed'),
      spec: { intervals: [{ every: '1h' }] },
      action: { ...action, workflowId: uid('missed-wf') },
      policies: { catchupWindow: '10s' },
    });
    const slot = Math.ceil(clock.now() / HOUR) * HOUR;
    expect((await due.describe()).info.nextActionTimes[0].getTime()).toBe(slot);
    const ns = await env.server.engine.namespace('default');
    const [before] = await env.server.engine.db
      .select({ state: dsSchedules.state, nextWakeAt: dsSchedules.nextWakeAt })
      .from(dsSchedules)
      .where(and(eq(dsSchedules.namespaceId, ns.id), eq(dsSchedules.scheduleId, due.scheduleId)));
    await env.close();

    // Down across the slot: back 30 s after it.
    offset = slot + 30_000 - Date.now();
    env = await boot();
    const slotWorkflowId = `${base}-${new Date(slot).toISOString().replace('.000Z', 'Z')}`;
    const fired = await waitFor(async () => {
      const d = await env.client.schedule.getHandle(due.scheduleId).describe();
      return d.info.numActionsTaken === 1 && d;
    });
    expect(fired.info.recentActions[0].scheduledAt.getTime()).toBe(slot);
    expect(fired.info.recentActions[0].action.workflow.workflowId).toBe(slotWorkflowId);
    const firstRunId = fired.info.recentActions[0].action.workflow.firstExecutionRunId;
    expect((await env.client.workflow.getHandle(slotWorkflowId).describe()).runId).toBe(firstRunId);
    const m = await waitFor(async () => {
      const d = await env.client.schedule.getHandle(missed.scheduleId).describe();
      return d.info.numActionsMissedCatchupWindow === 1 && d;
    });
    expect(m.info.numActionsTaken).toBe(0);

    // A crash between the start and the schedule's write: the state as it was before the slot comes back.
    await env.server.engine.db
      .update(dsSchedules)
      .set({ state: before.state, nextWakeAt: before.nextWakeAt, version: sql`${dsSchedules.version} + 1` })
      .where(and(eq(dsSchedules.namespaceId, ns.id), eq(dsSchedules.scheduleId, due.scheduleId)));
    await env.close();
    offset += 10_000;
    env = await boot();
    const replayed = await waitFor(async () => {
      const d = await env.client.schedule.getHandle(due.scheduleId).describe();
      return d.info.numActionsTaken === 1 && d;
    });
    expect(replayed.info.recentActions.map((a) => a.action.workflow)).toEqual([{ workflowId: slotWorkflowId, firstExecutionRunId: firstRunId }]);
    expect((await env.client.workflow.count(`WorkflowId = '${slotWorkflowId}'`)).count).toBe(1);

    // Once more: nothing new is due, nothing fires again.
    await env.close();
    offset += 10_000;
    env = await boot();
    const again = await env.client.schedule.getHandle(due.scheduleId).describe();
    expect(again.info.numActionsTaken).toBe(1);
    expect(again.info.nextActionTimes[0].getTime()).toBe(slot + HOUR);
    expect((await env.client.workflow.count(`WorkflowId = '${slotWorkflowId}'`)).count).toBe(1);
    await env.close();
  });
});
