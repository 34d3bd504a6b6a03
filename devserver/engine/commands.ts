/**
 * RespondWorkflowTaskCompleted: the workflow task's commands (and protocol messages) become history events.
 */
import { stickyQueueOf } from './sticky-queues';
import { encodeB64, enums, Memo, SearchAttributes, decodeB64, msFromDur, type TemporalTypes } from '../proto';
import type { RunContext } from './context';
import { closeRun, createRun } from './lifecycle';
import { scheduleActivity, requestCancelActivity } from './activities';
import { startTimer, cancelTimer } from './timers';
import { failWorkflowTask, scheduleWorkflowTask } from './workflow-task';
import { handleProtocolMessage, hasUndeliveredUpdates } from './updates';
import { startChildCommand, signalExternalCommand, cancelExternalCommand } from './children';
import * as store from '../storage/store';
import { recordResetPoint } from './reset';
import { nextCronRun, startCronRun } from './cron';
import { activityTimeouts, CommandValidationError } from './activity-timeouts';
import { PayloadSizeCommandError, terminateForPayloadSize } from './blob-size';
import type { Engine } from './engine';
import type { RunState } from './state';
import { workflowTaskMachine } from './entity-machines';
import { DevServerError, GrpcStatus } from '../errors';

 
type Command = TemporalTypes.api.command.v1.ICommand;

const ET = enums.EventType;
const CT = enums.CommandType;
const ST = enums.WorkflowExecutionStatus;
const CAUSE = enums.WorkflowTaskFailedCause;

const CLOSE_COMMANDS = new Set<number>([
  CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
  CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
]);

/**
 * Completes the workflow task; returns the scheduled event ids of activities to start eagerly. An invalid
 * command fails the task instead (its cause and message recorded) and is returned as `invalid`: the caller
 * answers INVALID_ARGUMENT after that failure is committed, as Temporal does.
 */
export async function completeWorkflowTask(
  engine: Engine,
  ctx: RunContext,
  req: TemporalTypes.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest,
): Promise<{ eager: number[]; invalid?: CommandValidationError }> {
  const eagerActivities: number[] = [];
  const s = ctx.state;
  const w = s.wft!;
  const commands = req.commands ?? [];
  const identity = req.identity ?? '';
  const invalid = engine.blobSizeLimits.commandError(commands) ?? (await validateCommands(engine, commands, s));
  if (invalid instanceof PayloadSizeCommandError) {
    terminateForPayloadSize(ctx, invalid, identity);
    return { eager: [], invalid };
  }
  if (invalid) {
    failWorkflowTask(ctx, invalid.failedCause, { message: invalid.message, source: 'Server' }, identity);
    return { eager: [], invalid };
  }
  const hasClose = commands.some((c) => CLOSE_COMMANDS.has(c.commandType as number));
  // Events that arrived during the task (or updates not yet seen) must be handled before the run may close.
  if (hasClose && (s.buffered.length > 0 || hasUndeliveredUpdates(s))) {
    failWorkflowTask(ctx, CAUSE.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, null, identity);
    return { eager: [] };
  }
  const completedId = ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 'workflowTaskCompletedEventAttributes', {
    scheduledEventId: w.scheduledEventId,
    startedEventId: w.startedEventId,
    identity,
    binaryChecksum: req.binaryChecksum ?? '',
    workerVersion: req.workerVersionStamp ?? null,
    sdkMetadata: req.sdkMetadata ?? null,
    meteringMetadata: req.meteringMetadata ?? null,
    deployment: req.deployment ?? null,
    versioningBehavior: req.versioningBehavior ?? 0,
  });
  s.previousStartedEventId = w.startedEventId;
  recordResetPoint(ctx, completedId, req);
  workflowTaskMachine.apply(w, 'complete', w.scheduledEventId);
  ctx.cancelDeadlines('wft');
  s.wft = null;
  s.wftAttempt = 1;
  s.sticky = stickyQueueOf(req);

  const messages = new Map<string | null | undefined, TemporalTypes.api.protocol.v1.IMessage>();
  for (const m of req.messages ?? []) messages.set(m.id, m);

  let forceNew = !!req.forceCreateNewWorkflowTask;
  for (const cmd of commands) {
    if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING) break;
    switch (cmd.commandType) {
      case CT.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
        const a = cmd.scheduleActivityTaskCommandAttributes!;
        const eager = !!a.requestEagerExecution && (!a.taskQueue?.name || a.taskQueue.name === s.taskQueue);
        const id = scheduleActivity(ctx, a, completedId, eager);
        if (eager) eagerActivities.push(id);
        break;
      }
      case CT.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
        requestCancelActivity(ctx, Number(cmd.requestCancelActivityTaskCommandAttributes!.scheduledEventId), completedId);
        break;
      case CT.COMMAND_TYPE_START_TIMER:
        startTimer(ctx, cmd.startTimerCommandAttributes!, completedId);
        break;
      case CT.COMMAND_TYPE_CANCEL_TIMER:
        cancelTimer(ctx, cmd.cancelTimerCommandAttributes!, completedId);
        break;
      case CT.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION: {
        const result = cmd.completeWorkflowExecutionCommandAttributes?.result ?? null;
        const cron = nextCronRun(engine, ctx);
        closeRun(ctx, ST.WORKFLOW_EXECUTION_STATUS_COMPLETED, ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 'workflowExecutionCompletedEventAttributes', {
          result,
          workflowTaskCompletedEventId: completedId,
          newExecutionRunId: cron?.runId ?? '',
        });
        if (cron) await startCronRun(engine, ctx, cron, { result });
        break;
      }
      case CT.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION: {
        const failure = cmd.failWorkflowExecutionCommandAttributes?.failure ?? null;
        const cron = nextCronRun(engine, ctx);
        closeRun(ctx, ST.WORKFLOW_EXECUTION_STATUS_FAILED, ET.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 'workflowExecutionFailedEventAttributes', {
          failure,
          retryState: enums.RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET,
          workflowTaskCompletedEventId: completedId,
          newExecutionRunId: cron?.runId ?? '',
        });
        if (cron) await startCronRun(engine, ctx, cron, { failure });
        break;
      }
      case CT.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
        closeRun(ctx, ST.WORKFLOW_EXECUTION_STATUS_CANCELED, ET.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, 'workflowExecutionCanceledEventAttributes', {
          details: cmd.cancelWorkflowExecutionCommandAttributes?.details ?? null,
          workflowTaskCompletedEventId: completedId,
        });
        break;
      case CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
        await continueAsNew(engine, ctx, cmd.continueAsNewWorkflowExecutionCommandAttributes!, completedId, identity);
        break;
      case CT.COMMAND_TYPE_RECORD_MARKER: {
        const a = cmd.recordMarkerCommandAttributes!;
        ctx.addEvent(ET.EVENT_TYPE_MARKER_RECORDED, 'markerRecordedEventAttributes', {
          markerName: a.markerName,
          details: a.details ?? {},
          workflowTaskCompletedEventId: completedId,
          header: a.header ?? null,
          failure: a.failure ?? null,
        });
        break;
      }
      case CT.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const a = cmd.upsertWorkflowSearchAttributesCommandAttributes!;
        ctx.addEvent(ET.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, 'upsertWorkflowSearchAttributesEventAttributes', {
          workflowTaskCompletedEventId: completedId,
          searchAttributes: a.searchAttributes ?? null,
        });
        const cur = decodeB64(SearchAttributes, s.searchAttributes)?.indexedFields ?? {};
        for (const [k, v] of Object.entries(a.searchAttributes?.indexedFields ?? {})) {
          // An empty payload (no data) removes the attribute.
          if (!v?.data || v.data.length === 0) delete cur[k];
          else cur[k] = v;
        }
        s.searchAttributes = Object.keys(cur).length ? encodeB64(SearchAttributes, { indexedFields: cur }) : undefined;
        ctx.visibilityDirty = true;
        break;
      }
      case CT.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
        const a = cmd.modifyWorkflowPropertiesCommandAttributes!;
        ctx.addEvent(ET.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED, 'workflowPropertiesModifiedEventAttributes', {
          workflowTaskCompletedEventId: completedId,
          upsertedMemo: a.upsertedMemo ?? null,
        });
        const cur = decodeB64(Memo, s.memo)?.fields ?? {};
        for (const [k, v] of Object.entries(a.upsertedMemo?.fields ?? {})) {
          if (!v?.data || v.data.length === 0) delete cur[k];
          else cur[k] = v;
        }
        s.memo = Object.keys(cur).length ? encodeB64(Memo, { fields: cur }) : undefined;
        ctx.visibilityDirty = true;
        break;
      }
      case CT.COMMAND_TYPE_PROTOCOL_MESSAGE: {
        const id = cmd.protocolMessageCommandAttributes?.messageId;
        const m = messages.get(id);
        if (m) {
          messages.delete(id);
          handleProtocolMessage(engine, ctx, m, completedId);
        }
        break;
      }
      case CT.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
        await startChildCommand(engine, ctx, cmd.startChildWorkflowExecutionCommandAttributes!, completedId);
        break;
      case CT.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
        await signalExternalCommand(engine, ctx, cmd.signalExternalWorkflowExecutionCommandAttributes!, completedId);
        break;
      case CT.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
        await cancelExternalCommand(engine, ctx, cmd.requestCancelExternalWorkflowExecutionCommandAttributes!, completedId);
        break;
      default:
        engine.logger.warn(`unsupported command type ${cmd.commandType}; ignored`);
    }
  }
  // Messages not sequenced by a command (rejections, and anything else the worker sent).
  for (const m of messages.values()) handleProtocolMessage(engine, ctx, m, completedId);

  if (s.status !== ST.WORKFLOW_EXECUTION_STATUS_RUNNING) return { eager: [] };
  const flushed = ctx.flushBuffered();
  if (ctx.work.needNewWft.has(s.runId)) forceNew = true;
  if (flushed > 0 || forceNew || hasUndeliveredUpdates(s)) {
    scheduleWorkflowTask(ctx);
    // A task only for updates that arrived while this one ran is speculative, as admitUpdate's own: if the
    // worker rejects them all, it leaves no trace in history.
    const next = s.wft as RunState['wft'];
    if (flushed === 0 && !forceNew && next) next.speculative = true;
  }
  return { eager: eagerActivities };
}

/** Commands that set search attributes, and where: the attributes must be registered (BAD_SEARCH_ATTRIBUTES). */
const SEARCH_ATTRIBUTES_OF: Record<number, (c: Command) => TemporalTypes.api.common.v1.ISearchAttributes | null | undefined> = {
  [CT.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES]: (c) => c.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes,
  [CT.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION]: (c) => c.continueAsNewWorkflowExecutionCommandAttributes?.searchAttributes,
  [CT.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION]: (c) => c.startChildWorkflowExecutionCommandAttributes?.searchAttributes,
};

/** The first invalid command of the task, checked before any of them is applied. */
async function validateCommands(engine: Engine, commands: Command[], s: RunState): Promise<CommandValidationError | undefined> {
  for (const c of commands) {
    try {
      if (c.commandType === CT.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK) activityTimeouts(c.scheduleActivityTaskCommandAttributes ?? {}, s.runTimeoutMs);
      const sa = SEARCH_ATTRIBUTES_OF[c.commandType as number]?.(c);
      const childNs = c.startChildWorkflowExecutionCommandAttributes?.namespace;
      if (sa && (!childNs || childNs === s.namespace)) {
        await engine.validateSearchAttributes(s.namespaceId, sa).catch((e: unknown) => {
          if (e instanceof DevServerError && e.status === GrpcStatus.INVALID_ARGUMENT)
            throw new CommandValidationError(CAUSE.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, e.message);
          throw e;
        });
      }
    } catch (e) {
      if (e instanceof CommandValidationError) return e;
      throw e;
    }
  }
  return undefined;
}

async function continueAsNew(engine: Engine, ctx: RunContext, a: TemporalTypes.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes, completedId: number, identity: string) {
  const s = ctx.state;
  const newRunId = engine.ids.runId();
  closeRun(ctx, ST.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, ET.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'workflowExecutionContinuedAsNewEventAttributes', {
    newExecutionRunId: newRunId,
    workflowType: a.workflowType ?? { name: s.workflowType },
    taskQueue: { name: a.taskQueue?.name || s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: a.input ?? null,
    workflowRunTimeout: a.workflowRunTimeout ?? null,
    workflowTaskTimeout: a.workflowTaskTimeout ?? null,
    workflowTaskCompletedEventId: completedId,
    backoffStartInterval: a.backoffStartInterval ?? null,
    initiator: a.initiator ?? enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
    failure: a.failure ?? null,
    lastCompletionResult: a.lastCompletionResult ?? null,
    header: a.header ?? null,
    memo: a.memo ?? null,
    searchAttributes: a.searchAttributes ?? null,
  });
  s.newExecutionRunId = newRunId;
  const memo = a.memo ?? decodeB64(Memo, s.memo);
  const sa = a.searchAttributes ?? decodeB64(SearchAttributes, s.searchAttributes);
  const next = await createRun(ctx.work, {
    namespaceId: s.namespaceId,
    namespace: s.namespace,
    workflowId: s.workflowId,
    runId: newRunId,
    firstRunId: s.firstRunId,
    workflowType: a.workflowType?.name || s.workflowType,
    taskQueue: a.taskQueue?.name || s.taskQueue,
    input: a.input,
    header: a.header,
    executionTimeoutMs: s.executionTimeoutMs,
    executionExpiresAt: s.executionExpiresAt,
    runTimeoutMs: msFromDur(a.workflowRunTimeout) || s.runTimeoutMs,
    taskTimeoutMs: msFromDur(a.workflowTaskTimeout) || s.taskTimeoutMs,
    identity,
    requestId: engine.ids.requestId(),
    memo,
    searchAttributes: sa,
    retryPolicy: a.retryPolicy,
    parent: s.parent,
    continuedExecutionRunId: s.runId,
    initiator: a.initiator,
    continuedFailure: a.failure,
    lastCompletionResult: a.lastCompletionResult,
    firstWorkflowTaskBackoffMs: msFromDur(a.backoffStartInterval),
    cronSchedule: s.cronSchedule, // a cron workflow that continues as new stays on its schedule
  });
  if (s.resetPoints?.length) next.state.resetPoints = structuredClone(s.resetPoints);
  await store.setCurrentRun(ctx.tx, s.namespaceId, s.workflowId, newRunId);
}
