/**
 * Schedule overlap policies, backfill and trigger with the real client and worker. A paused schedule with a
 * one-minute interval takes no scheduled action; a backfill of five past minutes buffers five starts at once,
 * resolved against the overlap policy while the started workflows block until released (or cancelled).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduleDescription, ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('schedule-overlap');
});
afterAll(async () => {
  await env?.close();
});

const MINUTE = 60_000;

async function pausedSchedule(overlap: ScheduleOverlapPolicy): Promise<{ h: ScheduleHandle; base: string }> {
  const base = uid('ov');
  const h = await env.client.schedule.create({
    scheduleId: uid(`sched-${String(overlap).toLowerCase()}`),
    spec: { intervals: [{ every: '1m' }] },
    action: { type: 'startWorkflow', workflowType: 'scheduledTask', args: ['block'], taskQueue: env.taskQueue, workflowId: base },
    policies: { overlap },
    state: { paused: true },
  });
  return { h, base };
}

/** Backfills the five minutes before the current one (start inclusive). */
async function backfillFive(h: ScheduleHandle, overlap?: ScheduleOverlapPolicy): Promise<Date[]> {
  const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
  const start = end - 4 * MINUTE;
  await h.backfill({ start: new Date(start), end: new Date(end), overlap });
  return [0, 1, 2, 3, 4].map((i) => new Date(start + i * MINUTE));
}

const release = (workflowId: string) => env.client.workflow.getHandle(workflowId).signal('release');
const status = async (workflowId: string) => (await env.client.workflow.getHandle(workflowId).describe()).status.name;
const describeWhen = (h: ScheduleHandle, ok: (d: ScheduleDescription) => boolean) =>
  waitFor(async () => {
    const d = await h.describe();
    return ok(d) && d;
  });
const ids = (d: ScheduleDescription) => d.info.recentActions.map((a) => a.action.workflow.workflowId);
const slotId = (base: string, t: Date) => `${base}-${t.toISOString().replace('.000Z', 'Z')}`;

describe('overlap policies', () => {
  it('ALLOW_ALL starts every backfilled slot at once and tracks none as running', async () => {
    const { h, base } = await pausedSchedule('ALLOW_ALL');
    const slots = await backfillFive(h);
    const d = await describeWhen(h, (x) => x.info.numActionsTaken === 5);
    expect(ids(d).sort()).toEqual(slots.map((t) => slotId(base, t)).sort());
    expect(d.info.runningActions).toEqual([]);
    for (const id of ids(d)) expect(await status(id)).toBe('RUNNING');
    for (const id of ids(d)) await release(id);
  });

  it('SKIP starts the first slot and skips the others while it runs', async () => {
    const { h, base } = await pausedSchedule('SKIP');
    const slots = await backfillFive(h);
    const d = await describeWhen(h, (x) => x.info.numActionsTaken === 1);
    expect(ids(d)).toEqual([slotId(base, slots[0])]);
    expect(d.info.numActionsSkippedOverlap).toBe(4);
    expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([slotId(base, slots[0])]);
    await release(ids(d)[0]);
    await describeWhen(h, (x) => x.info.runningActions.length === 0);
  });

  it('a backfill longer than the buffer is cut off at 1000 starts (counted as dropped); an unknown policy is refused', async () => {
    const { h } = await pausedSchedule('SKIP');
    const end = Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    await h.backfill({ start: new Date(end - 1999 * MINUTE), end: new Date(end) });
    const d = await describeWhen(h, (x) => x.info.numActionsTaken === 1);
    expect(d.info.numActionsSkippedOverlap).toBe(999);
    expect(d.raw.info?.bufferDropped?.toString()).toBe('1');
    const err = await env.connection.workflowService
      .patchSchedule({ namespace: 'default', scheduleId: h.scheduleId, patch: { triggerImmediately: { overlapPolicy: 42 as never } } })
      .catch((e) => e);
    expect(err.code).toBe(3); // INVALID_ARGUMENT
    expect(err.details).toMatch(/Unknown schedule overlap policy 42/);
    await release(ids(d)[0]);
  });

  it('BUFFER_ONE keeps one start for when the running one closes', async () => {
    const { h, base } = await pausedSchedule('BUFFER_ONE');
    const slots = await backfillFive(h);
    let d = await describeWhen(h, (x) => x.info.numActionsTaken === 1);
    expect(d.info.numActionsSkippedOverlap).toBe(3);
    expect(d.raw.info?.bufferSize?.toString()).toBe('1');
    await release(slotId(base, slots[0]));
    d = await describeWhen(h, (x) => x.info.numActionsTaken === 2);
    expect(ids(d)).toEqual([slotId(base, slots[0]), slotId(base, slots[1])]);
    expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([slotId(base, slots[1])]);
    await release(slotId(base, slots[1]));
    d = await describeWhen(h, (x) => x.info.runningActions.length === 0);
    expect(d.info.numActionsTaken).toBe(2);
  });

  it('BUFFER_ALL runs every slot, one after the other', async () => {
    const { h, base } = await pausedSchedule('BUFFER_ALL');
    const slots = await backfillFive(h);
    for (let i = 0; i < 5; i++) {
      const d = await describeWhen(h, (x) => x.info.numActionsTaken === i + 1);
      expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([slotId(base, slots[i])]);
      expect(d.raw.info?.bufferSize?.toString()).toBe(String(4 - i));
      await release(slotId(base, slots[i]));
    }
    const d = await describeWhen(h, (x) => x.info.runningActions.length === 0);
    expect(ids(d)).toEqual(slots.map((t) => slotId(base, t)));
    expect(d.info.numActionsSkippedOverlap).toBe(0);
  });

  it('CANCEL_OTHER keeps the latest slot, and a later start cancels the running one first', async () => {
    const { h, base } = await pausedSchedule('CANCEL_OTHER');
    const slots = await backfillFive(h);
    // Nothing was running: each start replaced the one before, so only the latest slot starts.
    let d = await describeWhen(h, (x) => x.info.numActionsTaken === 1);
    expect(ids(d)).toEqual([slotId(base, slots[4])]);
    await h.trigger('CANCEL_OTHER');
    d = await describeWhen(h, (x) => x.info.numActionsTaken === 2);
    expect(await status(slotId(base, slots[4]))).toBe('CANCELLED');
    expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([ids(d)[1]]);
    await release(ids(d)[1]);
  });

  it('TERMINATE_OTHER terminates the running one and starts at once', async () => {
    const { h, base } = await pausedSchedule('TERMINATE_OTHER');
    const slots = await backfillFive(h, 'SKIP');
    let d = await describeWhen(h, (x) => x.info.numActionsTaken === 1);
    expect(ids(d)).toEqual([slotId(base, slots[0])]);
    await h.trigger('TERMINATE_OTHER');
    d = await describeWhen(h, (x) => x.info.numActionsTaken === 2);
    expect(await status(slotId(base, slots[0]))).toBe('TERMINATED');
    expect(d.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([ids(d)[1]]);
    expect(await status(ids(d)[1])).toBe('RUNNING');
    await release(ids(d)[1]);
  });
});
