/**
 * Is anyone behind a sticky queue? (As Temporal's matching service asks before it hands a task or a query to
 * a sticky queue.) A sticky queue belongs to one worker process; when that worker shut down (ShutdownWorker),
 * its polls ended with its connection, or nobody has polled it for STICKY_POLLER_UNAVAILABLE_MS, its runs'
 * tasks and queries go to the normal queue at once instead of waiting for the sticky schedule-to-start timeout. In memory: after a devserver restart every
 * sticky queue counts as gone until its worker polls again (the task then goes to the normal queue: correct,
 * only a full-history replay).
 */
import { queueKey } from '../matching';
import { msFromDur } from '../proto';
import type { temporal } from '@temporalio/proto';

/** Temporal's stickyPollerUnavailableWindow. */
/** The sticky queue a workflow task completion asks for (its worker's own queue), or none. */
export function stickyQueueOf(req: { stickyAttributes?: temporal.api.taskqueue.v1.IStickyExecutionAttributes | null }): { taskQueue: string; scheduleToStartMs: number } | null {
  const name = req.stickyAttributes?.workerTaskQueue?.name;
  return name ? { taskQueue: name, scheduleToStartMs: msFromDur(req.stickyAttributes!.scheduleToStartTimeout) || 5000 } : null;
}

export const STICKY_POLLER_UNAVAILABLE_MS = 10_000;
const SHUT_DOWN_KEPT = 10_000;

export class StickyQueues {
  private readonly polling = new Map<string, number>();
  /** When the last poll of a queue ended, and whether its caller had gone away (connection closed, cancelled). */
  private readonly lastEnd = new Map<string, { at: number; callerGone: boolean }>();
  private readonly shutDown = new Set<string>();

  constructor(private readonly now: () => number) {}

  /** Around every workflow-task long poll (any queue: a poll of a normal queue costs a few map writes). */
  pollStarted(key: string): void {
    this.polling.set(key, (this.polling.get(key) ?? 0) + 1);
    this.shutDown.delete(key);
  }
  pollEnded(key: string, callerGone: boolean): void {
    const n = (this.polling.get(key) ?? 1) - 1;
    if (n > 0) this.polling.set(key, n);
    else this.polling.delete(key);
    this.lastEnd.set(key, { at: this.now(), callerGone });
  }

  /** ShutdownWorker: the worker behind this sticky queue is gone. */
  markShutDown(namespaceId: string, taskQueue: string): void {
    const key = queueKey(namespaceId, 'workflow', taskQueue);
    this.lastEnd.delete(key);
    this.shutDown.add(key);
    if (this.shutDown.size > SHUT_DOWN_KEPT) this.shutDown.delete(this.shutDown.values().next().value!);
  }

  /**
   * A task or query may go to this sticky queue: its worker polls it, or its last poll answered a moment ago
   * (the worker is busy with that task), and it neither shut down nor went away mid-poll (a crash or a
   * restart closes its connection, which ends its polls).
   */
  isAvailable(namespaceId: string, taskQueue: string): boolean {
    const key = queueKey(namespaceId, 'workflow', taskQueue);
    if (this.shutDown.has(key)) return false;
    if ((this.polling.get(key) ?? 0) > 0) return true;
    const last = this.lastEnd.get(key);
    return !!last && !last.callerGone && this.now() - last.at < STICKY_POLLER_UNAVAILABLE_MS;
  }
}
