/**
 * Child workflows and external commands with the real SDK: parent close policies (terminate, request cancel,
 * abandon), a child start failing because its id is taken, SignalExternalWorkflowExecution and
 * RequestCancelExternalWorkflowExecution (success and failure events for an unknown target), and
 * continue-as-new carrying continuedFromExecutionRunId, memo, search attributes and the first run id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import protoRoot from '@temporalio/proto';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';

const proto = protoRoot as any;
const ET = proto.temporal.api.enums.v1.EventType;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('external');
});
afterAll(async () => {
  await env?.close();
});

const types = (events: { eventType?: unknown }[] | null | undefined) => (events ?? []).map((e) => Number(e.eventType));

describe('parent close policies', () => {
  const cases = [
    ['TERMINATE', 'TERMINATED'],
    ['REQUEST_CANCEL', 'CANCELLED'],
    ['ABANDON', 'RUNNING'],
  ] as const;
  for (const [policy, expected] of cases) {
    it(`${policy}: the child is ${expected.toLowerCase()} when the parent completes`, async () => {
      const h = await env.client.workflow.start('parentWithPolicy', { taskQueue: env.taskQueue, workflowId: uid(`pcp-${policy}`), args: [policy] });
      const childId = await h.result();
      const child = env.client.workflow.getHandle(childId);
      const status = await waitFor(async () => {
        const s = (await child.describe()).status.name;
        return expected === 'RUNNING' || s !== 'RUNNING' ? s : null;
      });
      expect(status).toBe(expected);
      if (expected === 'RUNNING') {
        await child.signal('ping', 4);
        expect(await child.result()).toBe(4);
      }
    });
  }

  it('a child whose workflow id is taken fails to start (StartChildWorkflowExecutionFailed)', async () => {
    const taken = await env.client.workflow.start('waitPing', { taskQueue: env.taskQueue, workflowId: uid('taken') });
    const h = await env.client.workflow.start('childIdTaken', { taskQueue: env.taskQueue, workflowId: uid('child-taken'), args: [taken.workflowId] });
    expect(await h.result()).toBe('failed:WorkflowExecutionAlreadyStartedError');
    expect(types((await h.fetchHistory()).events)).toContain(ET.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED);
    await taken.terminate();
  });
});

describe('external signal and cancel', () => {
  it('signals another workflow (ExternalWorkflowExecutionSignaled)', async () => {
    const target = await env.client.workflow.start('waitPing', { taskQueue: env.taskQueue, workflowId: uid('sig-target') });
    const h = await env.client.workflow.start('signalOther', { taskQueue: env.taskQueue, workflowId: uid('signaler'), args: [target.workflowId, 9] });
    expect(await h.result()).toBe('signaled');
    expect(await target.result()).toBe(9);
    const t = types((await h.fetchHistory()).events);
    expect(t).toContain(ET.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED);
    expect(t).toContain(ET.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED);
  });

  it('signaling an unknown workflow fails (SignalExternalWorkflowExecutionFailed)', async () => {
    const h = await env.client.workflow.start('signalOther', { taskQueue: env.taskQueue, workflowId: uid('signaler-nf'), args: [uid('nobody'), 1] });
    expect(await h.result()).toMatch(/^failed:/);
    expect(types((await h.fetchHistory()).events)).toContain(ET.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED);
  });

  it('requests cancellation of another workflow (ExternalWorkflowExecutionCancelRequested)', async () => {
    const target = await env.client.workflow.start('waitPing', { taskQueue: env.taskQueue, workflowId: uid('cancel-target') });
    const h = await env.client.workflow.start('cancelOther', { taskQueue: env.taskQueue, workflowId: uid('canceler'), args: [target.workflowId] });
    expect(await h.result()).toBe('cancel-requested');
    const d = await waitFor(async () => {
      const x = await target.describe();
      return x.status.name !== 'RUNNING' ? x : null;
    });
    expect(d.status.name).toBe('CANCELLED');
    expect(types((await h.fetchHistory()).events)).toContain(ET.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    expect(types((await target.fetchHistory()).events)).toContain(ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  });

  it('cancelling an unknown workflow fails (RequestCancelExternalWorkflowExecutionFailed)', async () => {
    const h = await env.client.workflow.start('cancelOther', { taskQueue: env.taskQueue, workflowId: uid('canceler-nf'), args: [uid('nobody')] });
    expect(await h.result()).toMatch(/^failed:/);
    expect(types((await h.fetchHistory()).events)).toContain(ET.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED);
  });
});

describe('continue-as-new', () => {
  it('carries continuedFromExecutionRunId, memo, search attributes and the first run id; result() follows the chain', async () => {
    const h = await env.client.workflow.start('canChain', {
      taskQueue: env.taskQueue,
      workflowId: uid('chain'),
      args: [2],
      memo: { owner: 'ops' },
      searchAttributes: { CustomKeywordField: ['chained'] },
    });
    const r = await h.result();
    expect(r.firstRunId).toBe(h.firstExecutionRunId);
    expect(r.memo).toEqual({ owner: 'ops' });
    const last = await h.describe();
    expect(last.runId).not.toBe(h.firstExecutionRunId);
    expect(last.status.name).toBe('COMPLETED');
    expect(last.memo).toEqual({ owner: 'ops' });
    expect(last.raw.workflowExecutionInfo?.firstRunId).toBe(h.firstExecutionRunId);
    expect(last.raw.workflowExecutionInfo?.searchAttributes?.indexedFields?.CustomKeywordField).toBeTruthy();
    const started = (await env.client.workflow.getHandle(h.workflowId, last.runId).fetchHistory()).events![0];
    const attrs = started.workflowExecutionStartedEventAttributes!;
    expect(attrs.continuedExecutionRunId).toBe(r.continuedFrom);
    expect(attrs.firstExecutionRunId).toBe(h.firstExecutionRunId);
    // The middle run continued from the first.
    const mid = await env.client.workflow.getHandle(h.workflowId, r.continuedFrom).fetchHistory();
    expect(mid.events![0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBe(h.firstExecutionRunId);
    expect(types(mid.events).at(-1)).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  });
});
