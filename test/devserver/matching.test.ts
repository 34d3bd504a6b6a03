/**
 * Matching with the SDK's default worker options and the devserver's default poll window: every task reaches a
 * live poller at once, so updates (accepted, rejected by the validator, deduplicated) answer without waiting on
 * any timeout. On the old matching code a poller that left through sync match left its wake-up registration
 * behind; the next queued task (a speculative update task always is one) woke only that stale registration and
 * the update waited for the end of a 55 s poll window, so these tests ran into vitest's timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Signals } from '../../devserver/matching';
import { startEnv, uid, type TestEnv } from './helpers';

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('matching');
});
afterAll(async () => {
  await env?.close();
});

// vitest's default timeout: on the old code each of these waited ~55 s.
describe('matching under default worker options', { timeout: 5_000 }, () => {
  it('accepted updates answer one after the other without waiting for a poll window', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('acc') });
    let expected = 0;
    for (let n = 1; n <= 6; n++) {
      expected += n;
      expect(await h.executeUpdate('increment', { args: [n] })).toBe(expected);
    }
    await h.signal('done');
    expect(await h.result()).toBe(21);
  });

  it('updates the validator rejects are answered, and the workflow keeps serving', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('rej') });
    expect(await h.executeUpdate('increment', { args: [2] })).toBe(2);
    for (let i = 0; i < 4; i++) {
      const err = await h.executeUpdate('increment', { args: [-1] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause?.message).toBe('negative increments are rejected');
    }
    expect(await h.executeUpdate('increment', { args: [3] })).toBe(5);
    await h.signal('done');
    expect(await h.result()).toBe(5);
  });

  it('a deduplicated update answers with the first outcome at once', async () => {
    const h = await env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid('dedup') });
    for (let i = 1; i <= 3; i++) {
      const updateId = uid('u');
      expect(await h.executeUpdate('increment', { args: [10], updateId })).toBe(10 * i);
      expect(await h.executeUpdate('increment', { args: [10], updateId })).toBe(10 * i);
    }
    await h.signal('done');
    expect(await h.result()).toBe(30);
  });

  it('updates to many workflows in turn each reach a live poller', async () => {
    const handles = await Promise.all(
      [1, 2, 3, 4].map((i) => env.client.workflow.start('updatable', { taskQueue: env.taskQueue, workflowId: uid(`many-${i}`) })),
    );
    for (let round = 1; round <= 3; round++) {
      for (const h of handles) expect(await h.executeUpdate('increment', { args: [1] })).toBe(round);
    }
    for (const h of handles) await h.signal('done');
    expect(await Promise.all(handles.map((h) => h.result()))).toEqual([3, 3, 3, 3]);
  });
});

describe('Signals (wake-up registrations)', () => {
  it('a wait that ends (woken, aborted or timed out) leaves no registration behind', async () => {
    const signals = new Signals();
    const key = 'q';
    // Abort: the waiter leaves; a later notify must reach the next live waiter, not the one that left.
    const gone = new AbortController();
    const left = signals.wait(key, signals.version(key), 60_000, gone.signal);
    gone.abort();
    expect(await left).toBe(false);
    expect(signals.waiting(key)).toBe(0);
    // Timeout.
    expect(await signals.wait(key, signals.version(key), 1, undefined)).toBe(false);
    expect(signals.waiting(key)).toBe(0);
    // Woken.
    const woken = signals.wait(key, signals.version(key), 60_000);
    signals.notify(key, 1);
    expect(await woken).toBe(true);
    expect(signals.waiting(key)).toBe(0);
    // Ended by `until` (a poller's sync-match slot settled): the next notify reaches the live waiter, not this one.
    let settle!: () => void;
    const matched = signals.wait(key, signals.version(key), 60_000, undefined, new Promise<void>((r) => (settle = r)));
    const live = signals.wait(key, signals.version(key), 60_000);
    expect(signals.waiting(key)).toBe(2);
    settle();
    expect(await matched).toBe(false);
    expect(signals.waiting(key)).toBe(1);
    signals.notify(key, 1);
    expect(await live).toBe(true);
    expect(signals.waiting(key)).toBe(0);
  });
});
