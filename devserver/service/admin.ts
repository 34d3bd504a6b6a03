/** ResetWorkflowExecution, DeleteWorkflowExecution, DescribeTaskQueue, ResetActivity. */
import { InvalidArgumentError, notFound, type WorkflowServiceHandlers } from '../errors';
import { durFromMs, enums, tsFromMs } from '../proto';
import * as store from '../storage/store';
import type { Executor } from '../../db/connection';
import type { Engine } from '../engine/engine';
import type { PollerRegistry } from '../engine/pollers';
import { resetWorkflow } from '../engine/reset';
import { terminateRun } from '../engine/lifecycle';
import { resetActivityAttempt } from '../engine/activities';
import { loadTarget } from './executions';

const RUNNING = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
const TQT = enums.TaskQueueType;

export type DeleteVisibility = (tx: Executor, namespaceId: string, runId: string) => Promise<void>;

export function adminHandlers(engine: Engine, pollers: PollerRegistry, deleteVisibility?: DeleteVisibility): WorkflowServiceHandlers {
  function queueInfo(nsId: string, kind: 'workflow' | 'activity', queue: string) {
    const list = pollers.list(nsId, kind, queue).map((p) => ({
      identity: p.identity,
      lastAccessTime: tsFromMs(p.lastAccessTime),
      ratePerSecond: p.ratePerSecond,
    }));
    const backlog = engine.tasks.size(nsId, kind, queue);
    const ageMs = engine.tasks.oldestAgeMs(nsId, kind, queue);
    return { pollers: list, stats: { approximateBacklogCount: backlog, approximateBacklogAge: durFromMs(ageMs) } };
  }

  return {
    async ResetWorkflowExecution(req) {
      const ns = await engine.namespace(req.namespace);
      const runId = await engine.transact((work) => resetWorkflow(engine, work, ns, req));
      return { runId };
    },

    /** Removes a run (the current one when no run id is given); a running one is terminated first. */
    async DeleteWorkflowExecution(req) {
      const ns = await engine.namespace(req.namespace);
      const exec = req.workflowExecution;
      const runId = await engine.transact(async (work) => {
        const ctx = await loadTarget(work, ns, exec);
        if (ctx.state.status === RUNNING) terminateRun(ctx, 'Delete workflow execution', null, 'devserver');
        return ctx.state.runId;
      });
      await engine.transact(async (work) => {
        const ctx = await work.tryRun(runId);
        if (!ctx) return;
        await store.deleteRun(work.tx, ns.id, ctx.state.workflowId, runId);
        if (deleteVisibility) await deleteVisibility(work.tx, ns.id, runId);
      });
      engine.cache.invalidate(runId);
      return {};
    },

    async DescribeTaskQueue(req) {
      const ns = await engine.namespace(req.namespace);
      const queue = req.taskQueue?.name;
      if (!queue) throw new InvalidArgumentError('TaskQueue is not set on request.');
      const kindOf = (t: number) => (t === TQT.TASK_QUEUE_TYPE_ACTIVITY ? 'activity' : 'workflow') as 'workflow' | 'activity';
      if (req.apiMode === enums.DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED) {
        const types: number[] = req.taskQueueTypes?.length ? req.taskQueueTypes : [TQT.TASK_QUEUE_TYPE_WORKFLOW, TQT.TASK_QUEUE_TYPE_ACTIVITY];
        const typesInfo: Record<string, unknown> = {};
        for (const t of types) {
          if (t === TQT.TASK_QUEUE_TYPE_NEXUS) continue;
          const info = queueInfo(ns.id, kindOf(t), queue);
          typesInfo[t] = { pollers: req.reportPollers ? info.pollers : [], stats: req.reportStats ? info.stats : null };
        }
        return { versionsInfo: { '': { typesInfo, taskReachability: 0 } } };
      }
      const info = queueInfo(ns.id, kindOf(req.taskQueueType ?? 0), queue);
      return {
        pollers: info.pollers,
        stats: req.reportStats ? info.stats : null,
        taskQueueStatus: req.includeTaskQueueStatus ? { backlogCountHint: info.stats.approximateBacklogCount, ratePerSecond: 100_000 } : null,
      };
    },

    /** Attempt back to 1; an activity waiting for its retry backoff is dispatched now. */
    async ResetActivity(req) {
      const ns = await engine.namespace(req.namespace);
      await engine.transact(async (work) => {
        const ctx = await loadTarget(work, ns, req.execution);
        if (ctx.state.status !== RUNNING) throw notFound('workflow execution already completed');
        const acts = Object.values(ctx.state.activities).filter((a) =>
          req.matchAll ? true : req.id ? a.activityId === req.id : req.type ? a.activityType === req.type : false,
        );
        if (!req.matchAll && !req.id && !req.type) throw new InvalidArgumentError('one of id, type or match_all is required');
        if (acts.length === 0) throw notFound(`activity not found: ${req.id || req.type}`);
        for (const a of acts) resetActivityAttempt(ctx, a, !!req.resetHeartbeat);
      }, { optimistic: true });
      return {};
    },
  };
}
