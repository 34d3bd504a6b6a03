/**
 * Sync match (as Temporal's matching service does it): a workflow task scheduled while a poller is waiting
 * on its queue is started for that poller in the same write that scheduled it — no task row, no second
 * write to claim it, no wake-up round trip. The poller gets the response after that write commits.
 *
 * A waiting poller parks a `PollerSlot`; a unit of work reserves it, and after commit delivers the task, or
 * releases it if the unit failed (the poller then looks again). A slot that is reserved cannot be cancelled:
 * its poller waits for the outcome, so a started task is never dropped on the floor. (If the poller's call
 * is gone by then, the started task times out and is retried, as in Temporal.)
 */
import { queueKey } from '../matching';
import type { RunContext, Work } from './context';
import type { WorkflowTaskState } from './state';
import { PollerSlot } from './poller-slot';
import { startWorkflowTask, workflowTaskResponse } from './workflow-task';
import { takeUpdateMessages } from './updates';

/** A workflow task started by sync match, handed to the poller after commit. */

export class ParkedPollers {
  private readonly queues = new Map<string, PollerSlot[]>();

  park(key: string, identity: string, signal: AbortSignal): PollerSlot {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = []));
    const slot = new PollerSlot(identity, signal, (s) => this.remove(key, s));
    q.push(slot);
    return slot;
  }

  /** Pollers parked on a queue right now. */
  waiting(key: string): number {
    return this.queues.get(key)?.filter((s) => s.available).length ?? 0;
  }

  /** Takes the longest-waiting live poller of the queue, reserved for the caller. */
  reserve(key: string): PollerSlot | null {
    const q = this.queues.get(key);
    while (q && q.length > 0) {
      const slot = q.shift()!;
      if (slot.available) {
        slot.state = 'reserved';
        if (q.length === 0) this.queues.delete(key);
        return slot;
      }
    }
    this.queues.delete(key);
    return null;
  }

  private remove(key: string, slot: PollerSlot) {
    const q = this.queues.get(key);
    if (!q) return;
    const i = q.indexOf(slot);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.queues.delete(key);
  }
}

/**
 * Before the unit writes: every workflow task this unit scheduled whose queue has a waiting poller is started
 * for that poller instead of being queued. Reservations are recorded on the unit (delivered or released by
 * the engine after commit or failure).
 */
export async function syncMatchWorkflowTasks(work: Work, parked: ParkedPollers, requestId: () => string): Promise<void> {
  for (const ctx of work.runs.values()) {
    const task = newWorkflowTask(ctx);
    if (!task) continue;
    const slot = parked.reserve(queueKey(ctx.state.namespaceId, 'workflow', task.wft.taskQueue));
    if (!slot) continue;
    work.matched.push({ slot, task: null });
    const m = work.matched[work.matched.length - 1];
    const sched = task.wft.scheduledEventId;
    m.task = { response: await startTask(ctx, task, slot.identity, requestId()), runId: ctx.state.runId, scheduledEventId: sched };
  }
}

/**
 * The run's workflow task scheduled by this unit, with its queue entry; null if none (or queued by an earlier unit). A
 * speculative one (only for updates) is matched too, as Temporal's matching service gets it straight from history:
 * started in the admission's write, its events still adjacent, so a rejection can still roll it back.
 */
function newWorkflowTask(ctx: RunContext): { wft: WorkflowTaskState; index: number } | null {
  const wft = ctx.state.wft;
  if (!wft || wft.state !== 'scheduled') return null;
  const index = ctx.tasks.findIndex((t) => t.kind === 'workflow' && t.scheduledEventId === wft.scheduledEventId && t.taskQueue === wft.taskQueue);
  return index < 0 ? null : { wft, index };
}

/** Starts it for `identity` instead of queueing it; its poll response. */
async function startTask(ctx: RunContext, task: { wft: WorkflowTaskState; index: number }, identity: string, requestId: string) {
  ctx.tasks.splice(task.index, 1);
  dropDeadlinesOf(ctx, 'wft');
  startWorkflowTask(ctx, task.wft.scheduledEventId, identity, requestId);
  const messages = takeUpdateMessages(ctx);
  return workflowTaskResponse(ctx, { messages });
}

/**
 * Starts the workflow task this unit scheduled for `identity` instead of queueing it (eager workflow start, as sync
 * match does for a parked poller) and returns its poll response, or null when there is none to start.
 */
export async function startNewWorkflowTask(ctx: RunContext, identity: string, requestId: string): Promise<Record<string, unknown> | null> {
  const task = newWorkflowTask(ctx);
  return task ? startTask(ctx, task, identity, requestId) : null;
}

/** New deadlines of an entity added earlier in this unit (the sticky schedule-to-start timeout) are moot. */
function dropDeadlinesOf(ctx: RunContext, entity: string) {
  for (let j = ctx.deadlines.length - 1; j >= 0; j--) if (ctx.deadlines[j].entity === entity) ctx.deadlines.splice(j, 1);
}
