/** QueryWorkflow (with reject conditions), UpdateWorkflowExecution and PollWorkflowExecutionUpdate. */
import { InvalidArgumentError, notFound, queryFailed, type WorkflowServiceHandlers } from '../errors';
import { enums } from '../proto';
import type { Engine } from '../engine/engine';
import type { QueryManager } from '../engine/queries';
import { admitUpdate, updateOutcomeOf, updateStage, UpdateStage } from '../engine/updates';
import { runKey } from '../matching';
import { loadTarget } from './executions';

 
const ST = enums.WorkflowExecutionStatus;
const RC = enums.QueryRejectCondition;

export function queryUpdateHandlers(engine: Engine, queries: QueryManager): WorkflowServiceHandlers {
  async function waitForStage(runId: string, updateId: string, wanted: number, signal: AbortSignal) {
    const deadline = Date.now() + engine.longPollTimeoutMs;
    for (;;) {
      const v = engine.signals.version(runKey(runId));
      const s = await engine.readRun(runId);
      if (!s) throw notFound('workflow execution not found');
      const st = updateStage(s, updateId);
      if (!st) throw notFound(`update ${updateId} not found`);
      if (st.stage >= wanted || st.stage === UpdateStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED) return { s, st };
      if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING) throw notFound('workflow execution already completed');
      const remaining = deadline - Date.now();
      if (remaining <= 0 || signal.aborted) return { s, st };
      await engine.signals.wait(runKey(runId), v, remaining, signal);
    }
  }

  /** The update's outcome: a completed update's is read from its UpdateCompleted event. */
  async function outcomeOf(runId: string, updateId: string, st: NonNullable<ReturnType<typeof updateStage>>) {
    if (st.completedEventId === undefined) return st.outcome;
    const [event] = await engine.readEvents(engine.db, runId, st.completedEventId, st.completedEventId + 1);
    return updateOutcomeOf(event, updateId);
  }

  return {
    async QueryWorkflow(req, signal) {
      const ns = await engine.namespace(req.namespace);
      const exec = req.execution;
      if (!exec?.workflowId) throw new InvalidArgumentError('WorkflowId is not set on request.');
      if (!req.query?.queryType) throw new InvalidArgumentError('QueryType is not set on request.');
      const runId = await engine.resolveRunId(ns.id, exec.workflowId, exec.runId);
      const s = runId ? await engine.readRun(runId) : null;
      if (!s || s.workflowId !== exec.workflowId || s.namespaceId !== ns.id) throw notFound(`workflow not found for ID: ${exec.workflowId}`);
      const cond = req.queryRejectCondition ?? 0;
      if (
        (cond === RC.QUERY_REJECT_CONDITION_NOT_OPEN && s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING) ||
        (cond === RC.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY &&
          s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING &&
          s.status !== ST.WORKFLOW_EXECUTION_STATUS_COMPLETED)
      ) {
        return { queryRejected: { status: s.status } };
      }
      const res = await queries.query(
        async () => (await engine.readRun(s.runId))!,
        s.runId,
        ns.id,
        req.query,
        engine.longPollTimeoutMs,
        signal,
      );
      if (res.failed) throw queryFailed(res.failed.message, res.failed.failure);
      return { queryResult: res.answer };
    },

    async UpdateWorkflowExecution(req, signal) {
      const ns = await engine.namespace(req.namespace);
      const updateId = req.request?.meta?.updateId;
      if (!updateId) throw new InvalidArgumentError('Update ID is not set on request.');
      if (!req.request?.input?.name) throw new InvalidArgumentError('Update name is not set on request.');
      // Only the run changes (its version is checked when it is written): no transaction of its own.
      const runId = await engine.transact(async (work) => {
        const ctx = await loadTarget(work, ns, req.workflowExecution);
        if (req.firstExecutionRunId && ctx.state.firstRunId !== req.firstExecutionRunId) throw notFound('workflow execution not found');
        if (ctx.state.updates[updateId]) return ctx.state.runId; // same update id: dedup
        if (ctx.state.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING) throw notFound('workflow execution already completed');
        engine.historyLimits.admitUpdate(ctx.state);
        admitUpdate(ctx, updateId, req.request!);
        return ctx.state.runId;
      }, { optimistic: true });
      const wanted = req.waitPolicy?.lifecycleStage || UpdateStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
      const { s, st } = await waitForStage(runId, updateId, wanted, signal);
      return {
        updateRef: { workflowExecution: { workflowId: s.workflowId, runId: s.runId }, updateId },
        outcome: await outcomeOf(s.runId, updateId, st),
        stage: st.stage,
      };
    },

    async PollWorkflowExecutionUpdate(req, signal) {
      const ns = await engine.namespace(req.namespace);
      const ref = req.updateRef;
      const exec = ref?.workflowExecution;
      if (!exec?.workflowId || !ref?.updateId) throw new InvalidArgumentError('UpdateRef is not set on request.');
      const runId = await engine.resolveRunId(ns.id, exec.workflowId, exec.runId);
      if (!runId) throw notFound(`workflow not found for ID: ${exec.workflowId}`);
      const wanted = req.waitPolicy?.lifecycleStage || UpdateStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
      const { s, st } = await waitForStage(runId, ref.updateId, wanted, signal);
      return {
        outcome: await outcomeOf(s.runId, ref.updateId, st),
        stage: st.stage,
        updateRef: { workflowExecution: { workflowId: s.workflowId, runId: s.runId }, updateId: ref.updateId },
      };
    },
  };
}
