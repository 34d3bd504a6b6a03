/**
 * ResetWorkflowExecution with the real SDK: the base run is terminated ("reset"), the new run replays the
 * history up to the reset point (WorkflowTaskFailed RESET_WORKFLOW), signals after the point are reapplied
 * (unless excluded), pending activities are dispatched again, reset points are listed by describe, request ids
 * are idempotent, bad event ids are INVALID_ARGUMENT, and a reset run survives a devserver restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { TerminatedFailure } from '@temporalio/common';
import protoRoot from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDevServer } from '../../devserver/index';
import * as activities from '../../devserver/harness/activities';
import { eventIds, freshDatabase, installRuntime, startEnv, uid, waitFor, workflowBundle, type TestEnv } from './helpers';

const proto = protoRoot as any;
const ET = proto.temporal.api.enums.v1.EventType;
const CAUSE = proto.temporal.api.enums.v1.WorkflowTaskFailedCause;
const EXCLUDE = proto.temporal.api.enums.v1.ResetReapplyExcludeType;
const REAPPLY = proto.temporal.api.enums.v1.ResetReapplyType;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('reset');
});
afterAll(async () => {
  await env?.close();
});

const types = (events: { eventType?: unknown }[] | null | undefined) => (events ?? []).map((e) => Number(e.eventType));

async function history(client: Client, workflowId: string, runId?: string) {
  return (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
}

/** Id of the n-th (1-based) WorkflowTaskCompleted event. */
function nthCompleted(events: any[], n: number): number {
  const ids = events.filter((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map((e) => Number(e.eventId));
  return ids[n - 1];
}

async function reset(client: Client, workflowId: string, eventId: number, extra: Record<string, unknown> = {}): Promise<{ runId: string }> {
  const res = await client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId },
    reason: 'testing reset',
    workflowTaskFinishEventId: eventId as any,
    requestId: (extra.requestId as string | undefined) ?? uid('req'),
    ...extra,
  });
  return { runId: res.runId ?? '' };
}

describe('reset', () => {
  it('terminates the current run; the new run replays to the point, reapplies signals and completes', async () => {
    const workflowId = uid('reset');
    const h = await env.client.workflow.start('resettable', { taskQueue: env.taskQueue, workflowId, args: ['k', 2] });
    await h.signal('ping', 1);
    // Wait until the first ping has been processed by a workflow task.
    await waitFor(async () => {
      const evs = await history(env.client, workflowId);
      const sig = evs.findIndex((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      return sig >= 0 && evs.slice(sig).some((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    });
    const base = await history(env.client, workflowId);
    const point = nthCompleted(base, 1); // before the activity and the ping
    const res = await reset(env.client, workflowId, point);
    expect(res.runId).toBeTruthy();
    expect(res.runId).not.toBe(h.firstExecutionRunId);

    // Base run: terminated with reason "reset".
    const baseHist = await history(env.client, workflowId, h.firstExecutionRunId);
    const term = baseHist.at(-1)!;
    expect(Number(term.eventType)).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    expect(term.workflowExecutionTerminatedEventAttributes?.reason).toBe('reset');
    const baseDesc = await env.client.workflow.getHandle(workflowId, h.firstExecutionRunId).describe();
    expect(baseDesc.status.name).toBe('TERMINATED');
    expect(baseDesc.raw.workflowExtendedInfo?.resetRunId).toBe(res.runId);
    await expect(env.client.workflow.getHandle(workflowId, h.firstExecutionRunId).result()).rejects.toSatisfy(
      (e: unknown) => e instanceof WorkflowFailedError && e.cause instanceof TerminatedFailure,
    );

    // New run: events 1..point-1 copied, WorkflowTaskFailed(RESET_WORKFLOW) at the point, the ping reapplied.
    const newHist = await history(env.client, workflowId, res.runId);
    expect(types(newHist.slice(0, point - 1))).toEqual(types(base.slice(0, point - 1)));
    const failed = newHist[point - 1];
    expect(Number(failed.eventType)).toBe(ET.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(failed.workflowTaskFailedEventAttributes?.cause).toBe(CAUSE.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW);
    expect(failed.workflowTaskFailedEventAttributes?.baseRunId).toBe(h.firstExecutionRunId);
    expect(failed.workflowTaskFailedEventAttributes?.newRunId).toBe(res.runId);
    expect(Number(newHist[point].eventType)).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);

    // The new run is the current one and continues on the worker.
    await env.client.workflow.getHandle(workflowId).signal('ping', 2);
    const result = await env.client.workflow.getHandle(workflowId, res.runId).result();
    expect(result.split(',').sort()).toEqual(['a-k', 'b', 'ping1', 'ping2'].sort());
    const final = await history(env.client, workflowId, res.runId);
    expect(eventIds({ events: final })).toEqual(final.map((_, i) => i + 1));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, { events: final }, workflowId);
    const d = await env.client.workflow.getHandle(workflowId).describe();
    expect(d.runId).toBe(res.runId);
    expect(d.raw.workflowExtendedInfo?.lastResetTime).toBeTruthy();
  });

  it('excluded signals (and reapply type NONE) are not reapplied', async () => {
    for (const extra of [
      { resetReapplyExcludeTypes: [EXCLUDE.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL] },
      { resetReapplyType: REAPPLY.RESET_REAPPLY_TYPE_NONE },
    ]) {
      const workflowId = uid('reset-excl');
      const h = await env.client.workflow.start('resettable', { taskQueue: env.taskQueue, workflowId, args: ['x', 1] });
      await h.signal('ping', 7);
      expect(await h.result()).toContain('ping7');
      const point = nthCompleted(await history(env.client, workflowId), 1);
      const res = await reset(env.client, workflowId, point, extra);
      const newHist = await history(env.client, workflowId, res.runId);
      expect(types(newHist)).not.toContain(ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      // The base had already completed: nothing to terminate, it stays completed.
      expect((await env.client.workflow.getHandle(workflowId, h.firstExecutionRunId).describe()).status.name).toBe('COMPLETED');
      await env.client.workflow.getHandle(workflowId).signal('ping', 8);
      const r = await env.client.workflow.getHandle(workflowId, res.runId).result();
      expect(r).toContain('ping8');
      expect(r).not.toContain('ping7');
    }
  });

  it('an activity pending at the reset point is dispatched again in the new run', async () => {
    const workflowId = uid('reset-pending');
    const key = uid('slow');
    const h = await env.client.workflow.start('pendingAtReset', { taskQueue: env.taskQueue, workflowId, args: [key, 1500] });
    await h.signal('ping', 3);
    const point = await waitFor(async () => {
      const evs = await history(env.client, workflowId);
      const sig = evs.findIndex((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      if (sig < 0) return null;
      const c = evs.slice(sig).find((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      return c ? Number(c.eventId) : null;
    });
    const before = activities.calls.get(key) ?? 0;
    const res = await reset(env.client, workflowId, point);
    const d = await env.client.workflow.getHandle(workflowId, res.runId).describe();
    expect(d.raw.pendingActivities?.length).toBe(1);
    expect(await env.client.workflow.getHandle(workflowId, res.runId).result()).toBe('done:3');
    expect(activities.calls.get(key)).toBeGreaterThan(before);
    const t = types(await history(env.client, workflowId, res.runId));
    expect(t.filter((x) => x === ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length).toBe(1);
    expect(t.filter((x) => x === ET.EVENT_TYPE_TIMER_FIRED).length).toBe(1);
  });

  it('lists reset points; request ids are idempotent; bad event ids are INVALID_ARGUMENT', async () => {
    const workflowId = uid('reset-points');
    const h = await env.client.workflow.start('resettable', { taskQueue: env.taskQueue, workflowId, args: ['p', 1] });
    await h.signal('ping', 1);
    await h.result();
    const d = await h.describe();
    const points = d.raw.workflowExecutionInfo?.autoResetPoints?.points ?? [];
    expect(points.length).toBeGreaterThanOrEqual(1);
    expect(points[0].runId).toBe(h.firstExecutionRunId);
    expect(Number(points[0].firstWorkflowTaskCompletedId)).toBe(nthCompleted(await history(env.client, workflowId), 1));
    expect(points[0].resettable).toBe(true);
    expect(points[0].createTime).toBeTruthy();

    const point = Number(points[0].firstWorkflowTaskCompletedId);
    const requestId = uid('same');
    const a = await reset(env.client, workflowId, point, { requestId });
    const b = await reset(env.client, workflowId, point, { requestId });
    expect(b.runId).toBe(a.runId);

    for (const bad of [0, 1, 2, 3, 9999]) {
      await expect(reset(env.client, workflowId, bad)).rejects.toMatchObject({ code: 3 });
    }
    // The reapplied ping is enough for the new run to finish.
    expect(await env.client.workflow.getHandle(workflowId, a.runId).result()).toContain('ping1');
  });

  it('resets an earlier run of a continue-as-new chain; the new run continues the chain again', async () => {
    const workflowId = uid('reset-chain');
    const h = await env.client.workflow.start('continuing', { taskQueue: env.taskQueue, workflowId, args: [2, 0] });
    expect(await h.result()).toBe(2);
    const lastRunId = (await h.describe()).runId;
    const first = await history(env.client, workflowId, h.firstExecutionRunId);
    const res = await env.client.workflowService.resetWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId, runId: h.firstExecutionRunId },
      reason: 'chain',
      workflowTaskFinishEventId: nthCompleted(first, 1) as any,
      requestId: uid('req'),
    });
    expect(await env.client.workflow.getHandle(workflowId, res.runId!).result()).toBe(2);
    const d = await env.client.workflow.getHandle(workflowId).describe();
    expect(d.runId).not.toBe(lastRunId);
    expect(d.runId).not.toBe(res.runId);
    expect(d.raw.workflowExecutionInfo?.firstRunId).toBe(h.firstExecutionRunId);
  });

  it('a child running at the reset point belongs to the new run and reports its result there', async () => {
    const workflowId = uid('reset-child');
    const h = await env.client.workflow.start('parentAwaitsChild', { taskQueue: env.taskQueue, workflowId });
    await h.signal('ping', 1);
    const point = await waitFor(async () => {
      const evs = await history(env.client, workflowId);
      const sig = evs.findIndex((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
      if (sig < 0) return null;
      const c = evs.slice(sig).find((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      return c ? Number(c.eventId) : null;
    });
    const res = await reset(env.client, workflowId, point);
    const kid = env.client.workflow.getHandle(`${workflowId}-kid`);
    const kd = await kid.describe();
    expect(kd.status.name).toBe('RUNNING');
    expect(kd.parentExecution?.runId).toBe(res.runId);
    const nd = await env.client.workflow.getHandle(workflowId, res.runId).describe();
    expect(nd.raw.pendingChildren?.length).toBe(1);
    await kid.signal('ping', 5);
    expect(await env.client.workflow.getHandle(workflowId, res.runId).result()).toBe('child:5');
  });
});

describe('reset and restart', () => {
  it('a reset run is durable across a devserver restart', { timeout: 120_000 }, async () => {
    installRuntime();
    let dbSpec: string;
    let cleanup: () => Promise<void> | void;
    if (process.env.DATABASE_URL) {
      const d = await freshDatabase('reset_restart');
      dbSpec = d.db;
      cleanup = d.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'devserver-reset-'));
      dbSpec = dir;
      cleanup = () => rmSync(dir, { recursive: true, force: true });
    }
    const quiet = { info() {}, warn() {}, error() {} };
    const taskQueue = uid('reset-restart');
    const workflowId = uid('rr');
    try {
      let server = await startDevServer({ db: dbSpec, port: 0, longPollTimeoutMs: 3_000, logger: quiet });
      const port = server.port;
      const start = async () => {
        const nc = await NativeConnection.connect({ address: server.address });
        const worker = await Worker.create({ connection: nc, taskQueue, workflowBundle: await workflowBundle(), activities });
        const run = worker.run();
        const connection = await Connection.connect({ address: server.address });
        return {
          client: new Client({ connection }),
          async close() {
            worker.shutdown();
            await run.catch(() => {});
            await nc.close();
            await connection.close();
          },
        };
      };
      let s = await start();
      const h = await s.client.workflow.start('resettable', { taskQueue, workflowId, args: ['r', 2] });
      await h.signal('ping', 1);
      await waitFor(async () => {
        const evs = await history(s.client, workflowId);
        const sig = evs.findIndex((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
        return sig >= 0 && evs.slice(sig).some((e) => Number(e.eventType) === ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
      });
      const point = nthCompleted(await history(s.client, workflowId), 1);
      const { runId } = await reset(s.client, workflowId, point);
      await s.close();
      await server.stop();

      server = await startDevServer({ db: dbSpec, port, longPollTimeoutMs: 3_000, logger: quiet });
      try {
        s = await start();
        const d = await s.client.workflow.getHandle(workflowId).describe();
        expect(d.runId).toBe(runId);
        expect(d.raw.workflowExtendedInfo?.lastResetTime).toBeTruthy();
        const base = await s.client.workflow.getHandle(workflowId, h.firstExecutionRunId).describe();
        expect(base.status.name).toBe('TERMINATED');
        expect(base.raw.workflowExtendedInfo?.resetRunId).toBe(runId);
        await s.client.workflow.getHandle(workflowId).signal('ping', 2);
        const r = await s.client.workflow.getHandle(workflowId, runId).result();
        expect(r.split(',').sort()).toEqual(['a-r', 'b', 'ping1', 'ping2'].sort());
        await s.close();
      } finally {
        await server.stop();
      }
    } finally {
      await cleanup();
    }
  });
});
