/** Workflow and activity task polling and completion (long polls answer empty when the window ends). */
import { InvalidArgumentError, notFound, type WorkflowRequest, type WorkflowServiceHandlers } from '../errors';
import { enums, type TemporalTypes } from '../proto';
import { EncodedHistory } from '../encoded-history';
import * as store from '../storage/store';
import type { Engine } from '../engine/engine';
import type { QueryManager, PendingQuery } from '../engine/queries';
import { queueKey } from '../matching';
import { decodeToken, encodeToken } from '../engine/tokens';
import { failWorkflowTask, startWorkflowTask, stickyTimeout, workflowTaskResponse } from '../engine/workflow-task';
import { completeWorkflowTask } from '../engine/commands';
import { takeUpdateMessages } from '../engine/updates';
import { startNewWorkflowTask } from '../engine/sync-match';
import { answersOnlyRejections, rollbackSpeculativeTask } from '../engine/speculative';
import {
  cancelActivity,
  completeActivity,
  failActivity,
  findStartedActivity,
  heartbeat,
  startActivity,
} from '../engine/activities';
import type { RunContext, Work } from '../engine/context';
import type { QueuedTask } from '../engine/task-queues';
import type { MatchedTask, PollerSlot } from '../engine/poller-slot';
import { loadTarget } from './executions';

 
const RUNNING = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
const CT = enums.CommandType;
/** Commands that only touch the run itself (others write other rows directly and need a transaction). */
const SIMPLE_COMMANDS = new Set<number>([
  CT.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
  CT.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK,
  CT.COMMAND_TYPE_START_TIMER,
  CT.COMMAND_TYPE_CANCEL_TIMER,
  CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_RECORD_MARKER,
  CT.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  CT.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES,
  // Points at an update message (an acceptance or a response): handled on the run alone (updates.ts).
  CT.COMMAND_TYPE_PROTOCOL_MESSAGE,
]);
/**
 * A completion that only touches its run commits optimistically (one version-checked statement, no transaction):
 * simple commands, update messages (acceptances, responses) and their protocol-message commands. One that answers
 * only with rejections may roll a speculative task back (speculative.ts deletes its events directly): a transaction.
 */
const isSimpleCompletion = (req: WorkflowRequest<'RespondWorkflowTaskCompleted'>) =>
  !answersOnlyRejections(req) && (req.commands ?? []).every((c) => SIMPLE_COMMANDS.has(c.commandType ?? 0));
const QRT = enums.QueryResultType;

/** A workflow poller parks while it waits so a newly scheduled task can be started for it directly. */
interface Parking<T> {
  park(): PollerSlot;
  matched(task: MatchedTask): T;
}

async function longPoll<T>(
  engine: Engine,
  key: string,
  signal: AbortSignal,
  attempt: () => Promise<T | null | 'stale'>,
  parking?: Parking<T>,
): Promise<T | Record<string, never>> {
  const deadline = Date.now() + engine.longPollTimeoutMs;
  for (;;) {
    if (signal.aborted || engine.stopped) return {};
    const v = engine.signals.version(key);
    const r = await attempt();
    if (r === 'stale') continue;
    if (r) return r;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return {};
    const slot = parking?.park();
    // This wait ends with this iteration, whatever ends it (a sync match — the slot's outcome —, the caller going
    // away, the window): a registration left behind would swallow the wake-up of the next queued task.
    const signalled = await engine.signals.wait(key, v, remaining, signal, slot?.outcome);
    if (slot && !slot.cancel()) {
      // A unit of work holds this poller: take what it hands over (null: it failed, look again). A wake-up
      // for a queued task that came meanwhile goes to another poller.
      if (signalled) engine.signals.notify(key, 1);
      const task = await slot.outcome;
      if (task) return parking!.matched(task);
      continue;
    }
    if (signalled && (signal.aborted || engine.stopped)) {
      // We were picked to take a new task but are leaving: hand the wake-up to another poller.
      engine.signals.notify(key, 1);
      return {};
    }
  }
}

function resolveQueryResult(
  pq: PendingQuery,
  resultType: number,
  answer: TemporalTypes.api.common.v1.IPayloads | null | undefined,
  errorMessage: string,
  failure: TemporalTypes.api.failure.v1.IFailure | null | undefined,
) {
  if (resultType === QRT.QUERY_RESULT_TYPE_ANSWERED) pq.resolve({ answer: answer ?? { payloads: [] } });
  else pq.resolve({ failed: { message: errorMessage || failure?.message || 'query failed', failure } });
}

export function taskHandlers(engine: Engine, queries: QueryManager): WorkflowServiceHandlers {
  async function activityTarget(work: Work, token: ReturnType<typeof decodeToken<'a'>>): Promise<{ ctx: RunContext; act: NonNullable<ReturnType<typeof findStartedActivity>> }> {
    const ctx = await work.tryRun(token.run);
    if (!ctx || ctx.state.status !== RUNNING) throw notFound('workflow execution already completed');
    const act = findStartedActivity(ctx, token.sched, token.att);
    if (!act) throw notFound('activity task not found');
    return { ctx, act };
  }
  type ByIdRequest = WorkflowRequest<'RespondActivityTaskCompletedById' | 'RespondActivityTaskFailedById' | 'RespondActivityTaskCanceledById' | 'RecordActivityTaskHeartbeatById'>;
  async function activityById(work: Work, req: ByIdRequest) {
    const ns = await engine.namespace(req.namespace);
    const ctx = await loadTarget(work, ns, { workflowId: req.workflowId, runId: req.runId });
    if (ctx.state.status !== RUNNING) throw notFound('workflow execution already completed');
    const act = findStartedActivity(ctx, null, null, req.activityId ?? undefined);
    if (!act) throw notFound('activity task not found');
    return { ctx, act };
  }

  /**
   * Runs the start of a task taken from the in-memory queue; its row is deleted in the same statement. A task
   * whose row is gone or whose run no longer expects it is dropped ('stale'); on other errors it goes back.
   */
  async function claimed<T>(task: QueuedTask, fn: (work: Work) => Promise<T | 'stale'>): Promise<T | 'stale'> {
    let res: T | 'stale';
    try {
      res = await engine.transact(fn, { optimistic: true });
    } catch (e) {
      if ((e as { code?: string }).code === 'CLAIM_LOST') return 'stale';
      engine.tasks.putBack(task);
      throw e;
    }
    if (res === 'stale') await store.deleteTaskByKey(engine.db, task);
    return res;
  }

  /** Queries waiting for this run's next task ride on the response. */
  function withQueries(resp: Record<string, unknown>, runId: string, sched: number) {
    const attached = queries.takeAttached(runId, sched);
    if (attached.length) resp.queries = Object.fromEntries(attached.map((q) => [q.id, q.query]));
    return resp;
  }

  return {
    async PollWorkflowTaskQueue(req, signal) {
      const ns = await engine.namespace(req.namespace);
      const queue = req.taskQueue?.name;
      if (!queue) throw new InvalidArgumentError('TaskQueue is not set on request.');
      const identity = req.identity ?? '';
      const key = queueKey(ns.id, 'workflow', queue);
      engine.stickyQueues.pollStarted(key);
      try {
        return await longPoll(
          engine,
          key,
          signal,
          async () => {
            const pq = queries.takeLegacy(ns.id, queue);
            if (pq) return legacyQueryTask(pq, req.taskQueue?.kind === enums.TaskQueueKind.TASK_QUEUE_KIND_STICKY);
            const task = engine.tasks.take(ns.id, 'workflow', queue);
            if (!task) return null;
            const res = await claimed(task, async (work) => {
              const ctx = await work.tryRun(task.runId);
              if (!ctx || !startWorkflowTask(ctx, task.scheduledEventId, identity, engine.ids.requestId())) return 'stale' as const;
              ctx.claim = task;
              const messages = takeUpdateMessages(ctx);
              return { resp: await workflowTaskResponse(ctx, { messages }), runId: ctx.state.runId, sched: task.scheduledEventId };
            });
            if (res === 'stale') return res;
            return withQueries(res.resp, res.runId, res.sched);
          },
          {
            park: () => engine.parked.park(key, identity, signal),
            matched: (t) => withQueries(t.response, t.runId, t.scheduledEventId),
          },
        );
      } finally {
        engine.stickyQueues.pollEnded(key, signal.aborted && !engine.stopped);
      }
    },

    async RespondWorkflowTaskCompleted(req) {
      const token = decodeToken(req.taskToken, 'w');
      for (const [id, r] of Object.entries(req.queryResults ?? {})) {
        const pq = queries.get(id);
        if (pq) resolveQueryResult(pq, r.resultType ?? 0, r.answer, r.errorMessage ?? '', r.failure);
      }
      const out = await engine.transact(async (work) => {
        const ctx = await work.tryRun(token.run);
        const w = ctx?.state.wft;
        if (!ctx || ctx.state.status !== RUNNING || !w || w.state !== 'started' || w.scheduledEventId !== token.sched || w.attempt !== token.att)
          throw notFound('Workflow task not found.');
        const reset = await rollbackSpeculativeTask(ctx, req);
        if (reset) return { resetTo: reset, activityTasks: [] };
        const { eager, invalid } = await completeWorkflowTask(engine, ctx, req);
        if (invalid) return { resetTo: 0, activityTasks: [], invalid };
        // Eager activities: started now and handed back in this response (no activity poll round trip).
        const activityTasks: unknown[] = [];
        for (const sched of eager) {
          const resp = await startActivity(ctx, sched, 1, req.identity ?? '', engine.ids.requestId());
          if (resp) activityTasks.push(resp);
        }
        // As Temporal's history service: asked for (returnNewWorkflowTask), the task this completion scheduled — events
        // that arrived while the worker ran the last one, a forced task — is started for the same worker in this write
        // and handed back with the answer, never queued nor polled for (an update-only, speculative one too).
        const next = req.returnNewWorkflowTask ? await startNewWorkflowTask(ctx, req.identity ?? '', engine.ids.requestId()) : null;
        return { resetTo: 0, activityTasks, next: next && { resp: next, runId: ctx.state.runId, sched: ctx.state.wft!.scheduledEventId } };
      }, { optimistic: isSimpleCompletion(req) });
      // The task's failure is committed; the worker learns why its command was refused.
      if ('invalid' in out && out.invalid) throw new InvalidArgumentError(out.invalid.message);
      const next = 'next' in out ? out.next : null;
      const workflowTask = next ? withQueries(next.resp, next.runId, next.sched) : null;
      return { workflowTask, activityTasks: out.activityTasks, resetHistoryEventId: out.resetTo };
    },

    async RespondWorkflowTaskFailed(req) {
      const token = decodeToken(req.taskToken, 'w');
      await engine.transact(async (work) => {
        const ctx = await work.tryRun(token.run);
        const w = ctx?.state.wft;
        if (!ctx || ctx.state.status !== RUNNING || !w || w.state !== 'started' || w.scheduledEventId !== token.sched || w.attempt !== token.att)
          throw notFound('Workflow task not found.');
        failWorkflowTask(ctx, req.cause ?? 0, req.failure, req.identity ?? '');
      }, { optimistic: true });
      return {};
    },

    async RespondQueryTaskCompleted(req) {
      const token = decodeToken(req.taskToken, 'q');
      const pq = queries.get(token.qid);
      if (!pq) throw notFound('query task not found (expired or answered)');
      resolveQueryResult(pq, req.completedType ?? 0, req.queryResult, req.errorMessage ?? '', req.failure);
      return {};
    },

    async PollActivityTaskQueue(req, signal) {
      const ns = await engine.namespace(req.namespace);
      const queue = req.taskQueue?.name;
      if (!queue) throw new InvalidArgumentError('TaskQueue is not set on request.');
      const identity = req.identity ?? '';
      return longPoll(engine, queueKey(ns.id, 'activity', queue), signal, async () => {
        const task = engine.tasks.take(ns.id, 'activity', queue);
        if (!task) return null;
        return claimed(task, async (work) => {
          const ctx = await work.tryRun(task.runId);
          if (!ctx || ctx.state.status !== RUNNING) return 'stale' as const;
          const resp = await startActivity(ctx, task.scheduledEventId, task.attempt, identity, engine.ids.requestId());
          if (resp) ctx.claim = task;
          return resp ?? ('stale' as const);
        });
      });
    },

    async RecordActivityTaskHeartbeat(req) {
      const token = decodeToken(req.taskToken, 'a');
      return engine.transact(async (work) => {
        const { ctx, act } = await activityTarget(work, token);
        return { ...heartbeat(ctx, act, req.details), activityPaused: false };
      }, { optimistic: true });
    },
    async RecordActivityTaskHeartbeatById(req) {
      return engine.transact(async (work) => {
        const { ctx, act } = await activityById(work, req);
        return { ...heartbeat(ctx, act, req.details), activityPaused: false };
      }, { optimistic: true });
    },
    async RespondActivityTaskCompleted(req) {
      const token = decodeToken(req.taskToken, 'a');
      await engine.transact(async (work) => {
        const { ctx, act } = await activityTarget(work, token);
        completeActivity(ctx, act, req.result, req.identity ?? '');
      }, { optimistic: true });
      return {};
    },
    async RespondActivityTaskCompletedById(req) {
      await engine.transact(async (work) => {
        const { ctx, act } = await activityById(work, req);
        completeActivity(ctx, act, req.result, req.identity ?? '');
      }, { optimistic: true });
      return {};
    },
    async RespondActivityTaskFailed(req) {
      const token = decodeToken(req.taskToken, 'a');
      await engine.transact(async (work) => {
        const { ctx, act } = await activityTarget(work, token);
        failActivity(ctx, act, req.failure, req.identity ?? '', req.lastHeartbeatDetails);
      }, { optimistic: true });
      return { failures: [] };
    },
    async RespondActivityTaskFailedById(req) {
      await engine.transact(async (work) => {
        const { ctx, act } = await activityById(work, req);
        failActivity(ctx, act, req.failure, req.identity ?? '', req.lastHeartbeatDetails);
      }, { optimistic: true });
      return { failures: [] };
    },
    async RespondActivityTaskCanceled(req) {
      const token = decodeToken(req.taskToken, 'a');
      await engine.transact(async (work) => {
        const { ctx, act } = await activityTarget(work, token);
        cancelActivity(ctx, act, req.details, req.identity ?? '');
      }, { optimistic: true });
      return {};
    },
    async RespondActivityTaskCanceledById(req) {
      await engine.transact(async (work) => {
        const { ctx, act } = await activityById(work, req);
        cancelActivity(ctx, act, req.details, req.identity ?? '');
      }, { optimistic: true });
      return {};
    },

    /**
     * The worker's sticky queue goes away: its pending tasks and queries go back to the normal queue right now,
     * and its runs' next tasks go there too (stickiness ends).
     */
    async ShutdownWorker(req) {
      const ns = await engine.namespace(req.namespace);
      const sticky = req.stickyTaskQueue;
      if (sticky) {
        engine.stickyQueues.markShutDown(ns.id, sticky);
        queries.stickyQueueGone(ns.id, sticky);
        const rows = await store.listQueueTasks(engine.db, ns.id, 'workflow', sticky);
        for (const r of rows) {
          await engine.transact(async (work) => {
            const ctx = await work.tryRun(r.runId);
            if (ctx) stickyTimeout(ctx, r.scheduledEventId);
          });
        }
      }
      return {};
    },
    async RecordWorkerHeartbeat() {
      return {};
    },
  };

  /**
   * A query outside any workflow task. On the sticky queue the history is left empty (the worker answers from
   * its cache); on the normal queue it is the whole history, so any worker can replay the run and answer.
   */
  async function legacyQueryTask(pq: PendingQuery, sticky: boolean) {
    const s = await engine.readRun(pq.runId);
    if (!s) {
      pq.resolve({ failed: { message: 'workflow not found' } });
      return 'stale' as const;
    }
    const events = sticky ? [] : await engine.readEncodedEvents(engine.db, s.runId, 1, s.nextEventId);
    return {
      taskToken: encodeToken({ k: 'q', ns: s.namespaceId, qid: pq.id }),
      workflowExecution: { workflowId: s.workflowId, runId: s.runId },
      workflowType: { name: s.workflowType },
      previousStartedEventId: s.previousStartedEventId,
      startedEventId: 0,
      attempt: 1,
      history: new EncodedHistory(events),
      query: pq.query,
      workflowExecutionTaskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    };
  }
}
