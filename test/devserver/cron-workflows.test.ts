/**
 * Cron workflows (`cronSchedule` on start) with the real client and worker: the first run waits for the first
 * cron time, each run is followed by the next one — same workflow id, close event naming the new run,
 * initiator CRON_SCHEDULE, cron backoff as first-workflow-task backoff, last completion result and failure
 * carried — and terminate ends the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';

const ET = temporal.api.enums.v1.EventType;
const INITIATOR = temporal.api.enums.v1.ContinueAsNewInitiator;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('cron');
});
afterAll(async () => {
  await env?.close();
});

/** The runs of a workflow id with their first and last events. */
async function runs(workflowId: string) {
  const out = [];
  for await (const w of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const hist = await env.client.workflow.getHandle(workflowId, w.runId).fetchHistory();
    const events = hist.events ?? [];
    out.push({ runId: w.runId, status: w.status.name, started: events[0].workflowExecutionStartedEventAttributes!, last: events[events.length - 1] });
  }
  return out;
}

const value = (p: unknown) => (p ? defaultPayloadConverter.fromPayload(p as never) : undefined);

describe('cron workflows', () => {
  it('chain runs per the cron spec, carrying the last result and failure, until terminated', async () => {
    const workflowId = uid('cron');
    const handle = await env.client.workflow.start('cronCounter', {
      taskQueue: env.taskQueue,
      workflowId,
      args: [2],
      cronSchedule: '* * * * * * *', // every second (7 fields: seconds first)
    });
    // Run 1 completes, run 2 fails once, run 3 completes again with the result of run 1 and run 2's failure.
    await waitFor(async () => (await runs(workflowId)).filter((x) => x.status !== 'RUNNING').length >= 3, 20_000);
    await handle.terminate('enough');
    const chain = await runs(workflowId);

    // Order the chain through continuedExecutionRunId.
    const byPrev = new Map(chain.map((r) => [r.started.continuedExecutionRunId ?? '', r]));
    const ordered = [byPrev.get('')!];
    while (byPrev.get(ordered[ordered.length - 1].runId)) ordered.push(byPrev.get(ordered[ordered.length - 1].runId)!);
    expect(ordered.length).toBeGreaterThanOrEqual(4);
    const [r1, r2, r3, r4] = ordered;

    expect(r1.started.cronSchedule).toBe('* * * * * * *');
    expect(r1.started.firstWorkflowTaskBackoff).toBeTruthy(); // the first run waits for the first cron time
    expect(r1.status).toBe('COMPLETED');
    expect(Number(r1.last.eventType)).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    expect(r1.last.workflowExecutionCompletedEventAttributes?.newExecutionRunId).toBe(r2.runId);
    expect(value(r1.last.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0])).toEqual({ n: 1, lastResult: null, lastFailure: null });

    expect(r2.started.initiator).toBe(INITIATOR.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    expect(r2.started.continuedExecutionRunId).toBe(r1.runId);
    expect(r2.started.firstWorkflowTaskBackoff).toBeTruthy();
    expect(value(r2.started.lastCompletionResult?.payloads?.[0])).toEqual({ n: 1, lastResult: null, lastFailure: null });
    expect(r2.status).toBe('FAILED');
    expect(r2.last.workflowExecutionFailedEventAttributes?.newExecutionRunId).toBe(r3.runId);

    expect(r3.started.continuedFailure?.message).toBe('cron run 2 fails');
    expect(value(r3.started.lastCompletionResult?.payloads?.[0])).toEqual({ n: 1, lastResult: null, lastFailure: null });
    expect(r3.status).toBe('COMPLETED');
    expect(value(r3.last.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0])).toEqual({ n: 2, lastResult: 1, lastFailure: 'cron run 2 fails' });

    // Every run shares the workflow id and the first run id; terminate ended the chain.
    for (const r of ordered) expect(r.started.firstExecutionRunId).toBe(r1.runId);
    const tail = ordered[ordered.length - 1];
    expect(tail.status).toBe('TERMINATED');
    expect(r4).toBeTruthy();
    const d = await env.client.workflow.getHandle(workflowId).describe();
    expect(d.runId).toBe(tail.runId);
    expect(d.status.name).toBe('TERMINATED');
  });

  it('the client follows the chain: result() of a cron workflow waits on the newest run', async () => {
    const workflowId = uid('cron-follow');
    const handle = await env.client.workflow.start('cronCounter', { taskQueue: env.taskQueue, workflowId, args: [0], cronSchedule: '@every 1s' });
    await waitFor(async () => (await runs(workflowId)).length >= 3, 20_000);
    await handle.terminate('stop');
    const err = await handle.result().catch((e) => e);
    expect(String(err?.cause?.name ?? err?.name)).toMatch(/Terminated/);
  });

  it('a run that times out is followed by the next one, which sees the timeout as its continued failure', async () => {
    const workflowId = uid('cron-timeout');
    const handle = await env.client.workflow.start('scheduledTask', {
      taskQueue: env.taskQueue,
      workflowId,
      args: ['block'],
      cronSchedule: '* * * * * * *',
      workflowRunTimeout: '1s',
    });
    const chain = await waitFor(async () => {
      const r = await runs(workflowId);
      return r.some((x) => x.status === 'TIMED_OUT') && r.length >= 2 && r;
    }, 20_000);
    await handle.terminate('stop');
    const timedOut = chain.find((x) => x.status === 'TIMED_OUT')!;
    const next = chain.find((x) => x.started.continuedExecutionRunId === timedOut.runId)!;
    expect(Number(timedOut.last.eventType)).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
    expect(timedOut.last.workflowExecutionTimedOutEventAttributes?.newExecutionRunId).toBe(next.runId);
    expect(next.started.initiator).toBe(INITIATOR.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    expect(next.started.continuedFailure?.message).toBe('workflow timeout');
  });

  it('a cron run that continues as new keeps the schedule: the new run is followed by the next cron run', async () => {
    const workflowId = uid('cron-can');
    const handle = await env.client.workflow.start('canChain', { taskQueue: env.taskQueue, workflowId, args: [1], cronSchedule: '* * * * * * *' });
    const chain = await waitFor(async () => {
      const r = await runs(workflowId);
      const first = r.find((x) => x.status === 'CONTINUED_AS_NEW');
      const continued = first && r.find((x) => x.started.continuedExecutionRunId === first.runId);
      const next = continued && r.find((x) => x.started.continuedExecutionRunId === continued.runId);
      return next && { continued, next };
    }, 20_000);
    await handle.terminate('stop');
    expect(chain.continued.started.cronSchedule).toBe('* * * * * * *');
    expect(chain.next.started.initiator).toBe(INITIATOR.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    expect(chain.next.started.cronSchedule).toBe('* * * * * * *');
  });

  it('a malformed cron schedule is refused with INVALID_ARGUMENT', async () => {
    const err = await env.client.workflow
      .start('cronCounter', { taskQueue: env.taskQueue, workflowId: uid('badcron'), args: [0], cronSchedule: '61 * * * *' })
      .catch((e) => e);
    expect(String(err?.cause?.details ?? err?.message)).toMatch(/Invalid CronSchedule "61 \* \* \* \*"/);
  });
});
