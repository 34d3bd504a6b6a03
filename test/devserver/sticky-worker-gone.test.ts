/**
 * A workflow whose sticky worker is gone (restarted, shut down) keeps being served by the worker that polls
 * now: queries are not sent to the dead worker's sticky queue, and after ShutdownWorker its runs' tasks go to
 * the normal queue at once (not after the sticky schedule-to-start timeout). SDK default worker options.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { startEnv, uid, workflowBundle, type TestEnv } from './helpers';
import * as activities from '../../devserver/harness/activities';

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('sticky-gone');
});
afterAll(async () => {
  await env?.close();
});

async function startWorker(taskQueue: string) {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

// Two worker starts fit well within 10 s; the old code waited for a 55 s poll window (the query) or the SDK's
// 10 s sticky schedule-to-start timeout (the task) on top of them.
describe('the sticky worker is gone', { timeout: 10_000 }, () => {
  it('a query to a waiting workflow after its worker restarted answers as soon as the new worker polls', async () => {
    const taskQueue = `tq-q-${randomUUID().slice(0, 6)}`;
    const first = await startWorker(taskQueue);
    const h = await env.client.workflow.start('updatable', { taskQueue, workflowId: uid('q-restart') });
    expect(await h.executeUpdate('increment', { args: [5] })).toBe(5);
    expect(await h.query('value')).toBe(5);
    await first.stop();
    const answer = h.query('value');
    const second = await startWorker(taskQueue);
    expect(await answer).toBe(5);
    expect(await h.query('value')).toBe(5);
    await h.signal('done');
    expect(await h.result()).toBe(5);
    await second.stop();
  });

  it("after ShutdownWorker the run's next task goes to the normal queue at once", async () => {
    const taskQueue = `tq-s-${randomUUID().slice(0, 6)}`;
    const first = await startWorker(taskQueue);
    const h = await env.client.workflow.start('updatable', { taskQueue, workflowId: uid('s-shutdown') });
    expect(await h.executeUpdate('increment', { args: [2] })).toBe(2);
    await first.stop();
    await h.signal('done');
    const second = await startWorker(taskQueue);
    expect(await h.result()).toBe(2);
    await second.stop();
  });
});
