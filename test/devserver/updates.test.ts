/** Workflow updates: protocol messages, validator rejection without trace, update-id dedup, wait stages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';

 
const proto = protoRoot as any;
const ET = proto.temporal.api.enums.v1.EventType;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('updates');
});
afterAll(async () => {
  await env?.close();
});

const types = (events: { eventType?: unknown }[] | null | undefined) => (events ?? []).map((e) => Number(e.eventType));

describe('updates', () => {
  it('executeUpdate returns the handler result and records accepted + completed events', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('upd') });
    expect(await h.executeUpdate('increment', { args: [3] })).toBe(3);
    expect(await h.executeUpdate('increment', { args: [4] })).toBe(7);
    const t = types((await h.fetchHistory()).events);
    expect(t.filter((x) => x === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length).toBe(2);
    expect(t.filter((x) => x === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED).length).toBe(2);
    await h.signal('done');
    expect(await h.result()).toBe(7);
  });

  it('a validator rejection is returned to the caller and leaves no trace in history', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('rej') });
    expect(await h.executeUpdate('increment', { args: [1] })).toBe(1);
    const before = (await h.fetchHistory()).events!.length;
    const err = (await h.executeUpdate('increment', { args: [-5] }).catch((e: unknown) => e)) as WorkflowUpdateFailedError;
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(err.cause?.message).toBe('negative increments are rejected');
    const after = (await h.fetchHistory()).events!;
    expect(after.length).toBe(before);
    // the workflow keeps going normally afterwards
    expect(await h.executeUpdate('increment', { args: [2] })).toBe(3);
    const ids = after.map((e) => Number(e.eventId));
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    await h.signal('done');
    expect(await h.result()).toBe(3);
    const final = await h.fetchHistory();
    const finalIds = final.events!.map((e) => Number(e.eventId));
    expect(finalIds).toEqual(Array.from({ length: finalIds.length }, (_, i) => i + 1));
  });

  it('deduplicates by update id', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('dedup') });
    const updateId = uid('u');
    const a = await h.executeUpdate('increment', { args: [5], updateId });
    const b = await h.executeUpdate('increment', { args: [5], updateId });
    expect(a).toBe(5);
    expect(b).toBe(5);
    expect(await h.query('value')).toBe(5);
    const t = types((await h.fetchHistory()).events);
    expect(t.filter((x) => x === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length).toBe(1);
    await h.signal('done');
    expect(await h.result()).toBe(5);
  });

  it('startUpdate waits for ACCEPTED; the handle polls for the result', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('async-upd') });
    const uh = await h.startUpdate('increment', { args: [9], waitForStage: WorkflowUpdateStage.ACCEPTED });
    expect(await uh.result()).toBe(9);
    const again = h.getUpdateHandle<number>(uh.updateId);
    expect(await again.result()).toBe(9);
    await h.signal('done');
    await h.result();
    await expect(h.executeUpdate('increment', { args: [1] })).rejects.toThrow();
  });

  it('an update sent while the workflow is busy is delivered on the next task', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('busy') });
    await waitFor(async () => (await h.describe()).historyLength >= 4);
    const results = await Promise.all([1, 2, 3].map((n) => h.executeUpdate<number, [number]>('increment', { args: [n] })));
    expect(results.sort((x, y) => x - y)[2]).toBe(6);
    await h.signal('done');
    expect(await h.result()).toBe(6);
  });

  it("a finished update keeps no request or outcome in the run's state: a completed one's outcome is read from its event", async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('lean') });
    const first = uid('u');
    expect(await h.executeUpdate('increment', { args: [4], updateId: first })).toBe(4);
    const rejected = uid('u');
    await expect(h.executeUpdate('increment', { args: [-1], updateId: rejected })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    for (const n of [1, 2, 3]) await h.executeUpdate('increment', { args: [n] });
    const engine = env.server.engine;
    const runId = (await h.describe()).runId;
    const state = (await engine.readRun(runId))!;
    const entries = Object.values(state.updates);
    expect(entries).toHaveLength(5);
    // Every entry is finished: no request; a completed one names its UpdateCompleted event instead of copying the outcome
    // (the run's state is written whole with each change: outcomes kept there made each write grow with every update).
    for (const u of entries) {
      expect(u.request).toBeUndefined();
      expect(u.sentInWftScheduledEventId).toBeUndefined();
      expect(u.transitions).toHaveLength(1); // the last move only, for an illegal-transition error
    }
    const completed = entries.filter((u) => !u.rejected);
    expect(completed).toHaveLength(4);
    for (const u of completed) {
      expect(u.outcome).toBeUndefined();
      expect(u.completedEventId).toBeGreaterThan(u.acceptedEventId!);
    }
    expect(state.updates[rejected].outcome).toBeTruthy();
    // The outcomes as pollers see them, from the event cache and then from the database.
    const results = async () => [await h.getUpdateHandle<number>(first).result(), await h.getUpdateHandle<number>(rejected).result().catch((e: WorkflowUpdateFailedError) => e.cause?.message)];
    expect(await results()).toEqual([4, 'negative increments are rejected']);
    engine.cache.invalidateEvents(runId);
    engine.cache.invalidate(runId);
    expect(await results()).toEqual([4, 'negative increments are rejected']);
    // The same update id again is deduplicated and answered with the first outcome.
    expect(await h.executeUpdate('increment', { args: [4], updateId: first })).toBe(4);
    await h.signal('done');
    expect(await h.result()).toBe(10);
  });

  it('an update admitted and its acceptance and result commit through the group commit: no transaction of their own', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('group') });
    expect(await h.executeUpdate('increment', { args: [1] })).toBe(1);
    const engine = env.server.engine;
    const before = engine.writes.stats.writes;
    expect(await h.executeUpdate('increment', { args: [2] })).toBe(3);
    // Two writes, each of the run alone, version-checked, through the group commit (a write in a transaction of
    // its own is not counted here): the admission (UpdateWorkflowExecution), which also starts the workflow task it
    // scheduled for the worker's waiting poll (sync match, speculative tasks included), and the task's completion
    // carrying the acceptance and the response (its protocol-message commands point at them).
    expect(engine.writes.stats.writes - before).toBe(2);
    const t = types((await h.fetchHistory()).events);
    expect(t.filter((x) => x === ET.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED).length).toBe(2);
    await h.signal('done');
    expect(await h.result()).toBe(3);
  });
});
