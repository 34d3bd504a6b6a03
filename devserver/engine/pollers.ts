/**
 * Recent pollers per task queue, in memory (as Temporal's matching service keeps them): every
 * Poll*TaskQueue records its identity; entries older than five minutes are dropped. DescribeTaskQueue lists
 * them, so "nobody is polling this queue" can be detected.
 */
import { queueKey } from '../matching';

export const POLLER_TTL_MS = 5 * 60_000;

export interface PollerEntry {
  identity: string;
  lastAccessTime: number;
  ratePerSecond: number;
}

export class PollerRegistry {
  private readonly queues = new Map<string, Map<string, PollerEntry>>();

  constructor(private readonly now: () => number = Date.now) {}

  record(namespaceId: string, kind: 'workflow' | 'activity', taskQueue: string, identity: string, ratePerSecond = 0): void {
    const k = queueKey(namespaceId, kind, taskQueue);
    let m = this.queues.get(k);
    if (!m) this.queues.set(k, (m = new Map()));
    m.set(identity, { identity, lastAccessTime: this.now(), ratePerSecond });
  }

  list(namespaceId: string, kind: 'workflow' | 'activity', taskQueue: string): PollerEntry[] {
    const k = queueKey(namespaceId, kind, taskQueue);
    const m = this.queues.get(k);
    if (!m) return [];
    const cutoff = this.now() - POLLER_TTL_MS;
    for (const [id, e] of m) if (e.lastAccessTime < cutoff) m.delete(id);
    if (m.size === 0) this.queues.delete(k);
    return [...m.values()].sort((a, b) => b.lastAccessTime - a.lastAccessTime);
  }
}
