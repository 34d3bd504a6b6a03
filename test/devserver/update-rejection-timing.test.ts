/**
 * A rejected update leaves no trace in history whatever the timing: sent with the first workflow task, while
 * it runs, or while the workflow waits. SDK default worker options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';

const ET = protoRoot.temporal.api.enums.v1.EventType;
const WFT_EVENTS = new Set<number>([
  ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  ET.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
]);

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('update-rejection-timing');
});
afterAll(async () => {
  await env?.close();
});

const workflowTaskEvents = async (h: { fetchHistory(): Promise<{ events?: { eventType?: unknown }[] | null }> }) =>
  ((await h.fetchHistory()).events ?? []).filter((e) => WFT_EVENTS.has(Number(e.eventType))).length;

async function expectRejected(p: Promise<unknown>) {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((err as WorkflowUpdateFailedError).cause?.message).toBe('negative increments are rejected');
}

describe('a rejected update leaves no trace', () => {
  it('sent while the first workflow task runs (a local activity keeps it running)', async () => {
    const h = await env.client.workflow.start('slowStartUpdatable', { taskQueue: env.taskQueue, workflowId: uid('during'), args: [400] });
    // The first task has started (and runs its local activity) before the update arrives.
    await waitFor(async () => (await h.describe()).raw.pendingWorkflowTask?.state === 2 /* STARTED */ || null, 5_000, 10);
    await expectRejected(h.executeUpdate('increment', { args: [-1] }));
    // Scheduled, started, completed of the first task only.
    expect(await workflowTaskEvents(h)).toBe(3);
    expect(await h.executeUpdate('increment', { args: [4] })).toBe(4);
    await h.signal('done');
    expect(await h.result()).toBe(4);
  });

  it('sent at once after the start, in whatever state the first task is', async () => {
    const handles = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid(`race-${i}`) });
        await expectRejected(h.executeUpdate('increment', { args: [-1] }));
        return h;
      }),
    );
    for (const h of handles) {
      expect(await workflowTaskEvents(h)).toBe(3);
      await h.signal('done');
      expect(await h.result()).toBe(0);
    }
  });

  it('sent while the workflow waits', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('waiting') });
    expect(await h.executeUpdate('increment', { args: [1] })).toBe(1);
    const before = (await h.fetchHistory()).events!.length;
    await expectRejected(h.executeUpdate('increment', { args: [-1] }));
    expect((await h.fetchHistory()).events!.length).toBe(before);
    await h.signal('done');
    expect(await h.result()).toBe(1);
  });
});
