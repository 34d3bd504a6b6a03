/**
 * A workflow task scheduled only to deliver an update is speculative: when the worker answers with nothing
 * but rejections, its WorkflowTaskScheduled/Started events are dropped again, so a rejected update leaves no
 * trace in history. The worker is told where its history now ends (resetHistoryEventId).
 */
import { stickyQueueOf } from './sticky-queues';
import { enums } from '../proto';
import * as store from '../storage/store';
import type { RunContext } from './context';
import { handleProtocolMessage } from './updates';
import { workflowTaskMachine } from './entity-machines';
import type { Engine } from './engine';
import type { temporal } from '@temporalio/proto';

 

function isRejection(m: temporal.api.protocol.v1.IMessage): boolean {
  return String(m?.body?.type_url ?? '').endsWith('temporal.api.update.v1.Rejection');
}

/**
 * A completion that answers with nothing but update rejections (no command, no new task asked for): the only one
 * that may roll a speculative task back, which deletes rows directly and so needs a transaction.
 */
export function answersOnlyRejections(req: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest): boolean {
  const messages = req.messages ?? [];
  return (req.commands ?? []).length === 0 && !req.forceCreateNewWorkflowTask && messages.length > 0 && messages.every(isRejection);
}

/** Returns the event id to reset the worker to, or 0 when the task is completed normally. */
export async function rollbackSpeculativeTask(ctx: RunContext, req: temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest, engine?: Engine): Promise<number> {
  const s = ctx.state;
  const w = s.wft!;
  const messages = req.messages ?? [];
  if (!w.speculative || !answersOnlyRejections(req)) return 0;
  if (s.buffered.length > 0) return 0;
  if (s.nextEventId !== w.startedEventId + 1 || w.scheduledEventId !== w.startedEventId - 1) return 0;
  for (const m of messages) handleProtocolMessage(engine ?? { logger: console }, ctx, m, 0);
  await store.deleteEventsFrom(ctx.tx, s.runId, w.scheduledEventId);
  await store.deleteDeadlinesOfKinds(ctx.tx, s.runId, ['wft-timeout', 'wft-sticky-timeout']);
  // Events of this transaction at or after the dropped ones are discarded as well (there are none by the checks above).
  s.nextEventId = w.scheduledEventId;
  ctx.eventsRewound = true;
  workflowTaskMachine.apply(w, 'drop', w.scheduledEventId);
  s.wft = null;
  s.wftAttempt = 1;
  s.sticky = stickyQueueOf(req);
  ctx.touch();
  void enums;
  return s.previousStartedEventId;
}
