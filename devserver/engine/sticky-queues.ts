/**
 * Is anyone behind a sticky queue? (As Temporal's matching service asks before it hands a task or a query to
 * a sticky queue.) A sticky queue belongs to one worker process; when that worker shut down (ShutdownWorker)
 * or nobody has polled it for STICKY_POLLER_UNAVAILABLE_MS, its runs' tasks go to the normal queue at once
 * instead of waiting for the sticky schedule-to-start timeout. In memory: after a devserver restart every
 * sticky queue counts as gone until its worker polls again (the task then goes to the normal queue: correct,
 * only a full-history replay).
 */
import { queueKey } from '../matching';

/** Temporal's stickyPollerUnavailableWindow. */
export const STICKY_POLLER_UNAVAILABLE_MS = 10_000;
const SHUT_DOWN_KEPT = 10_000;

export class StickyQueues {
  private readonly polling = new Map<string, number>();
  private readonly lastPoll = new Map<string, number>();
  private readonly shutDown = new Set<string>();

  constructor(private readonly now: () => number) {}

  /** Around every workflow-task long poll (any queue: a poll of a normal queue costs two map writes). */
  pollStarted(key: string): void {
    this.polling.set(key, (this.polling.get(key) ?? 0) + 1);
    this.lastPoll.set(key, this.now());
    this.shutDown.delete(key);
  }
  pollEnded(key: string): void {
    const n = (this.polling.get(key) ?? 1) - 1;
    if (n > 0) this.polling.set(key, n);
    else this.polling.delete(key);
    this.lastPoll.set(key, this.now());
  }

  /** ShutdownWorker: the worker behind this sticky queue is gone. */
  markShutDown(namespaceId: string, taskQueue: string): void {
    const key = queueKey(namespaceId, 'workflow', taskQueue);
    this.lastPoll.delete(key);
    this.shutDown.add(key);
    if (this.shutDown.size > SHUT_DOWN_KEPT) this.shutDown.delete(this.shutDown.values().next().value!);
  }

  /** A worker polls this sticky queue right now (a query sent there is answered as soon as it is taken). */
  isPolledNow(namespaceId: string, taskQueue: string): boolean {
    return (this.polling.get(queueKey(namespaceId, 'workflow', taskQueue)) ?? 0) > 0;
  }

  /** A workflow task may go to this sticky queue: its worker polls it or did a moment ago, and did not shut down. */
  isAvailable(namespaceId: string, taskQueue: string): boolean {
    const key = queueKey(namespaceId, 'workflow', taskQueue);
    if (this.shutDown.has(key)) return false;
    if ((this.polling.get(key) ?? 0) > 0) return true;
    const last = this.lastPoll.get(key);
    return last !== undefined && this.now() - last < STICKY_POLLER_UNAVAILABLE_MS;
  }
}
