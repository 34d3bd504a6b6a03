/**
 * Points 2, 3, 4, 7, 8 with the real SDK worker and client: start options and idempotency, duplicate start,
 * id-reuse policy, workflow tasks and commands, signals, signal-with-start, queries, cancellation, termination,
 * describe, history paging, replay, workflow-task retries, timeouts, child workflows and continue-as-new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  QueryNotRegisteredError,
  QueryRejectedError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
} from '@temporalio/client';
import { CancelledFailure, TerminatedFailure, TimeoutFailure, ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import protoRoot from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import * as activities from '../../devserver/harness/activities';
import { eventIds, startEnv, uid, waitFor, workflowBundle, type TestEnv } from './helpers';
import { setTimeout as sleep } from 'node:timers/promises';

 
const proto = protoRoot as any;
const ET = proto.temporal.api.enums.v1.EventType;
const Status = proto.temporal.api.enums.v1.WorkflowExecutionStatus;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('workflows');
});
afterAll(async () => {
  await env?.close();
});

const types = (events: { eventType?: unknown }[] | null | undefined) => (events ?? []).map((e) => Number(e.eventType));

describe('start', () => {
  it('runs a workflow of sequential activities to its result', async () => {
    const res = await env.client.workflow.execute('threeActivities', { taskQueue: env.taskQueue, workflowId: uid('three'), args: ['x'] });
    expect(res).toEqual(['x-0', 'x-1', 'x-2']);
  });

  it('records memo, search attributes and timeouts; request id makes start idempotent', async () => {
    const workflowId = uid('props');
    const svc = env.connection.workflowService;
    const req: Parameters<typeof svc.startWorkflowExecution>[0] = {
      namespace: 'default',
      workflowId,
      workflowType: { name: 'sleeper' },
      taskQueue: { name: env.taskQueue },
      input: { payloads: [defaultPayloadConverter.toPayload(50)] },
      requestId: uid('req'),
      memo: { fields: { owner: defaultPayloadConverter.toPayload('team-a') } },
      searchAttributes: { indexedFields: { CustomKeywordField: defaultPayloadConverter.toPayload('kw') } },
      workflowExecutionTimeout: { seconds: 60 as never },
      workflowRunTimeout: { seconds: 30 as never },
      workflowTaskTimeout: { seconds: 5 as never },
    };
    const first = (await svc.startWorkflowExecution(req)) as { runId: string };
    const second = (await svc.startWorkflowExecution(req)) as { runId: string };
    expect(second.runId).toBe(first.runId);
    const handle = env.client.workflow.getHandle(workflowId);
    const d = await handle.describe();
    expect(d.memo).toEqual({ owner: 'team-a' });
    expect(d.raw.workflowExecutionInfo?.searchAttributes?.indexedFields?.CustomKeywordField).toBeTruthy();
    expect(Number(d.raw.executionConfig?.workflowRunTimeout?.seconds)).toBe(30);
    expect(Number(d.raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds)).toBe(5);
    expect(await handle.result()).toBe('woke');
    const hist = await handle.fetchHistory();
    const started = hist.events![0].workflowExecutionStartedEventAttributes!;
    expect(Number(started.workflowExecutionTimeout?.seconds)).toBe(60);
    expect(started.memo?.fields?.owner).toBeTruthy();
  });

  it('a second start of a running workflow id raises WorkflowExecutionAlreadyStartedError', async () => {
    const workflowId = uid('dup');
    const h = await env.client.workflow.start('signalCounter', { taskQueue: env.taskQueue, workflowId, args: [1] });
    const err = await env.client.workflow.start('signalCounter', { taskQueue: env.taskQueue, workflowId, args: [1] }).catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    // the raw error carries the WorkflowExecutionAlreadyStartedFailure detail
    const raw = await env.connection.workflowService
      .startWorkflowExecution({ namespace: 'default', workflowId, workflowType: { name: 'x' }, taskQueue: { name: env.taskQueue }, requestId: uid('r') })
      .catch((e) => e);
    const st = proto.google.rpc.Status.decode(raw.metadata.get('grpc-status-details-bin')[0]);
    expect(st.details[0].type_url).toContain('WorkflowExecutionAlreadyStartedFailure');
    expect(proto.temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure.decode(st.details[0].value).runId).toBe(h.firstExecutionRunId);
    await h.signal('add', 1);
    expect(await h.result()).toBe(1);
  });

  it('id reuse policy applies to closed runs', async () => {
    const workflowId = uid('reuse');
    await env.client.workflow.execute('sleeper', { taskQueue: env.taskQueue, workflowId, args: [1] });
    await expect(
      env.client.workflow.start('sleeper', { taskQueue: env.taskQueue, workflowId, args: [1], workflowIdReusePolicy: 'REJECT_DUPLICATE' }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await expect(
      env.client.workflow.start('sleeper', { taskQueue: env.taskQueue, workflowId, args: [1], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    const h2 = await env.client.workflow.start('sleeper', { taskQueue: env.taskQueue, workflowId, args: [1], workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
    expect(await h2.result()).toBe('woke');
    // terminate-if-running replaces a running run
    const workflowId2 = uid('reuse-term');
    const r1 = await env.client.workflow.start('sleeper', { taskQueue: env.taskQueue, workflowId: workflowId2, args: [60_000] });
    const r2 = await env.client.workflow.start('sleeper', {
      taskQueue: env.taskQueue,
      workflowId: workflowId2,
      args: [1],
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
    });
    expect(r2.firstExecutionRunId).not.toBe(r1.firstExecutionRunId);
    expect((await env.client.workflow.getHandle(workflowId2, r1.firstExecutionRunId).describe()).status.name).toBe('TERMINATED');
    expect(await r2.result()).toBe('woke');
  });

  it('a failing workflow raises WorkflowFailedError with the application failure', async () => {
    const err = await env.client.workflow
      .execute('failingWorkflow', { taskQueue: env.taskQueue, workflowId: uid('fail'), args: ['bad input'] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(ApplicationFailure);
    expect(err.cause.message).toBe('bad input');
  });
});

describe('timers', () => {
  it('fires a timer', async () => {
    const elapsed = await env.client.workflow.execute('timerWorkflow', { taskQueue: env.taskQueue, workflowId: uid('timer'), args: [300] });
    expect(elapsed).toBeGreaterThanOrEqual(300);
  });

  it('cancels a timer (TimerCanceled in history)', async () => {
    const h = await env.client.workflow.start('cancelTimerWorkflow', { taskQueue: env.taskQueue, workflowId: uid('tcancel') });
    expect(await h.result()).toBe('cancelled');
    const hist = await h.fetchHistory();
    expect(types(hist.events)).toContain(ET.EVENT_TYPE_TIMER_CANCELED);
    expect(types(hist.events).filter((t) => t === ET.EVENT_TYPE_TIMER_FIRED).length).toBe(1); // only the 20 ms one
  });
});

describe('signals and queries', () => {
  it('delivers signals (also those arriving during a workflow task) and answers queries', async () => {
    const h = await env.client.workflow.start('signalCounter', { taskQueue: env.taskQueue, workflowId: uid('sig'), args: [5] });
    await Promise.all([1, 2, 3, 4].map((n) => h.signal('add', n)));
    expect(await waitFor(async () => (await h.query<number>('total')) === 10)).toBe(true);
    await h.signal('add', 5);
    expect(await h.result()).toBe(15);
    // queries on a closed workflow are answered through a legacy query task
    expect(await h.query('total')).toBe(15);
    await expect(h.query('failing')).rejects.toBeInstanceOf(QueryNotRegisteredError);
    // reject condition
    const rejecting = new Client({ connection: env.connection, workflow: { queryRejectCondition: 'NOT_OPEN' } });
    const closedHandle = rejecting.workflow.getHandle(h.workflowId);
    await expect(closedHandle.query('total')).rejects.toBeInstanceOf(QueryRejectedError);
  });

  it('signal-with-start starts a workflow and then signals the running one', async () => {
    const workflowId = uid('sws');
    const h = await env.client.workflow.signalWithStart('signalCounter', {
      taskQueue: env.taskQueue,
      workflowId,
      args: [2],
      signal: 'add',
      signalArgs: [20],
    });
    const again = await env.client.workflow.signalWithStart('signalCounter', {
      taskQueue: env.taskQueue,
      workflowId,
      args: [2],
      signal: 'add',
      signalArgs: [22],
    });
    expect(again.signaledRunId).toBe(h.signaledRunId);
    expect(await h.result()).toBe(42);
    const hist = await h.fetchHistory();
    expect(types(hist.events).filter((t) => t === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length).toBe(2);
  });
});

describe('lifecycle', () => {
  it('cancellation reaches the activity through its heartbeat and the workflow cleans up', async () => {
    const key = uid('cancel');
    const h = await env.client.workflow.start('cancellableWithCleanup', { taskQueue: env.taskQueue, workflowId: key, args: [key] });
    await waitFor(async () => (await h.describe()).raw.pendingActivities?.length === 1 && activities.calls.get(key) === 1);
    await h.cancel();
    const err = await h.result().catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(CancelledFailure);
    expect(activities.calls.get(`${key}:cleanup`)).toBe(1);
    expect((await h.describe()).status.name).toBe('CANCELLED');
    const t = types((await h.fetchHistory()).events);
    expect(t).toContain(ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    expect(t).toContain(ET.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    expect(t.at(-1)).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  });

  it('termination closes the run', async () => {
    const h = await env.client.workflow.start('sleeper', { taskQueue: env.taskQueue, workflowId: uid('term'), args: [60_000] });
    await waitFor(async () => (await h.describe()).historyLength >= 5);
    await h.terminate('enough');
    const err = await h.result().catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(TerminatedFailure);
    const d = await h.describe();
    expect(d.status.name).toBe('TERMINATED');
    expect(d.closeTime).toBeInstanceOf(Date);
    await expect(h.terminate('again')).rejects.toThrow();
  });

  it('workflow execution timeout', async () => {
    const h = await env.client.workflow.start('sleeper', {
      taskQueue: env.taskQueue,
      workflowId: uid('wtimeout'),
      args: [60_000],
      workflowExecutionTimeout: '500ms',
    });
    const err = await h.result().catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(err.cause).toBeInstanceOf(TimeoutFailure);
    expect((await h.describe()).status.name).toBe('TIMED_OUT');
  });

  it('a failing workflow task is retried with a new attempt (failure, then timeout)', async () => {
    const h = await env.client.workflow.start('brokenWorkflowTask', {
      taskQueue: env.taskQueue,
      workflowId: uid('wft-fail'),
      workflowTaskTimeout: '1s',
    });
    const d = await waitFor(async () => {
      const x = await h.describe();
      return (x.raw.pendingWorkflowTask?.attempt ?? 0) >= 3 ? x : null;
    }, 15_000);
    expect(d.status.name).toBe('RUNNING');
    const t = types((await h.fetchHistory()).events);
    expect(t).toContain(ET.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    expect(t).toContain(ET.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    await h.terminate();
  });

  it('describe reports status and history length', async () => {
    const h = await env.client.workflow.start('signalCounter', { taskQueue: env.taskQueue, workflowId: uid('desc'), args: [1] });
    const d1 = await h.describe();
    expect(d1.status.name).toBe('RUNNING');
    expect(d1.type).toBe('signalCounter');
    expect(d1.taskQueue).toBe(env.taskQueue);
    await h.signal('add', 1);
    await h.result();
    const d2 = await h.describe();
    expect(d2.status.code).toBe(Status.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    expect(d2.historyLength).toBe((await h.fetchHistory()).events!.length);
  });
});

describe('history', () => {
  it('pages, has contiguous event ids, and replays with Worker.runReplayHistory', async () => {
    const h = await env.client.workflow.start('manyActivities', { taskQueue: env.taskQueue, workflowId: uid('hist'), args: [6] });
    expect(await h.result()).toBe(6);
    const full = await h.fetchHistory();
    const ids = eventIds(full);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    // manual paging with a small page size
    const svc = env.connection.workflowService;
    const pages: number[][] = [];
    let token: Uint8Array | undefined;
    do {
      const res = await svc.getWorkflowExecutionHistory({
        namespace: 'default',
        execution: { workflowId: h.workflowId },
        maximumPageSize: 7,
        nextPageToken: token,
      });
      pages.push(eventIds(res.history!));
      token = res.nextPageToken?.length ? res.nextPageToken : undefined;
    } while (token);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.flat()).toEqual(ids);
    // close-event filter
    const close = await svc.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: h.workflowId },
      historyEventFilterType: proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    expect(types(close.history!.events)).toEqual([ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, full, h.workflowId);
  });

  it('long-polls for new events', async () => {
    const h = await env.client.workflow.start('signalCounter', { taskQueue: env.taskQueue, workflowId: uid('lp'), args: [1] });
    await waitFor(async () => (await h.describe()).historyLength >= 4);
    const first = await env.connection.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: h.workflowId },
      waitNewEvent: true,
    });
    const n = first.history!.events!.length;
    const next = env.connection.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: h.workflowId },
      waitNewEvent: true,
      nextPageToken: first.nextPageToken,
    });
    await sleep(100);
    await h.signal('add', 1);
    const res = await next;
    expect(Number(res.history!.events![0].eventId)).toBe(n + 1);
    expect(await h.result()).toBe(1);
  });
});

describe('markers and queries on a workflow task', () => {
  it('records markers (local activity, patch)', async () => {
    const h = await env.client.workflow.start('withMarkers', { taskQueue: env.taskQueue, workflowId: uid('marker'), args: ['m'] });
    expect(await h.result()).toBe('m-patched');
    const markers = (await h.fetchHistory()).events!.filter((e) => Number(e.eventType) === ET.EVENT_TYPE_MARKER_RECORDED);
    expect(markers.map((m) => m.markerRecordedEventAttributes?.markerName).sort()).toEqual(['core_local_activity', 'core_patch']);
  });

  it('a query sent while a workflow task is pending rides on that task (queries map)', async () => {
    const taskQueue = uid('qmap');
    const h = await env.client.workflow.start('signalCounter', { taskQueue, workflowId: uid('qmap'), args: [1] });
    // No worker yet: the first workflow task is scheduled and waits; the query attaches to it.
    const answer = h.query<number>('total');
    await sleep(200);
    const w = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    const total = await w.runUntil(async () => {
      const t = await answer;
      await h.signal('add', 3);
      expect(await h.result()).toBe(3);
      return t;
    });
    expect(total).toBe(0);
  });
});

describe('sticky execution', () => {
  it('uses the sticky queue, and once its worker shut down the next task goes to the normal queue', async () => {
    const taskQueue = uid('sticky');
    const mkWorker = async () =>
      Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await workflowBundle(),
        activities,
      });
    const w1 = await mkWorker();
    const run1 = w1.run();
    const h = await env.client.workflow.start('signalCounter', { taskQueue, workflowId: uid('sticky'), args: [3] });
    await h.signal('add', 1);
    await waitFor(async () => (await h.query<number>('total')) === 1);
    await h.signal('add', 2);
    await waitFor(async () => (await h.query<number>('total')) === 3);
    const hist1 = await h.fetchHistory();
    const stickyScheduled = hist1.events!.filter(
      (e) => e.workflowTaskScheduledEventAttributes?.taskQueue?.kind === proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY,
    );
    expect(stickyScheduled.length).toBeGreaterThan(0);
    w1.shutdown();
    await run1;
    // The worker told the server it shut down (ShutdownWorker): the next task goes to the normal queue at once.
    await h.signal('add', 4);
    const w2 = await mkWorker();
    const t0 = Date.now();
    const result = await w2.runUntil(h.result());
    expect(result).toBe(7);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const ids = eventIds(await h.fetchHistory());
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
  });
});

describe('children and continue-as-new', () => {
  it('executeChild returns the children results', async () => {
    const h = await env.client.workflow.start('parentWorkflow', { taskQueue: env.taskQueue, workflowId: uid('parent'), args: [3] });
    expect(await h.result()).toBe(12);
    const t = types((await h.fetchHistory()).events);
    expect(t.filter((x) => x === ET.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED).length).toBe(3);
    const child = await env.client.workflow.getHandle(`${h.workflowId}-child-0`).describe();
    expect(child.parentExecution?.workflowId).toBe(h.workflowId);
  });

  it('continue-as-new chains runs and result() follows them', async () => {
    const h = await env.client.workflow.start('continuing', { taskQueue: env.taskQueue, workflowId: uid('can'), args: [3, 0] });
    expect(await h.result()).toBe(3);
    const first = await env.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
  });

  it('upserts search attributes and memo', async () => {
    const h = await env.client.workflow.start('properties', { taskQueue: env.taskQueue, workflowId: uid('props2') });
    expect(await h.result()).toBe('ok');
    const d = await h.describe();
    expect(d.memo).toEqual({ note: 'updated' });
    expect(d.raw.workflowExecutionInfo?.searchAttributes?.indexedFields?.CustomKeywordField).toBeTruthy();
    const t = types((await h.fetchHistory()).events);
    expect(t).toContain(ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    expect(t).toContain(ET.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED);
  });
});
