/**
 * Queries are not durable (as in Temporal): they live in memory until a worker answers. A query is attached
 * to the next workflow task of the run when one is scheduled (`queries` map), waits while a task is running,
 * and otherwise goes out as a legacy query task on the run's (sticky or normal) queue.
 */
import { queueKey } from '../matching';
import type { TemporalTypes } from '../proto';
import type { Engine } from './engine';
import type { RunState } from './state';
import { DeadlineExceededError } from '../errors';

 

export interface PendingQuery {
  id: string;
  runId: string;
  namespaceId: string;
  query: TemporalTypes.api.query.v1.IWorkflowQuery;
  /** waiting = for a task to finish; attach = ride on the scheduled task; legacy = queued on a task queue; delivered. */
  state: 'waiting' | 'attach' | 'legacy' | 'delivered';
  /** Key of the queue a legacy query waits on. */
  queue?: string;
  resolve(result: { answer?: TemporalTypes.api.common.v1.IPayloads | null; failed?: { message: string; failure?: TemporalTypes.api.failure.v1.IFailure | null } }): void;
  stickyTimer?: NodeJS.Timeout;
  /** Scheduled event id of the workflow task the query rode on. */
  deliveredInSched?: number;
}

export class QueryManager {
  private byId = new Map<string, PendingQuery>();
  private byRun = new Map<string, Set<PendingQuery>>();
  private legacy = new Map<string, PendingQuery[]>();
  private seq = 0;

  /** Queries waiting for an answer, and the runs they wait on (nothing stays once they are answered or gone). */
  pending() {
    return { queries: this.byId.size, runs: this.byRun.size };
  }

  constructor(private readonly engine: Engine) {
    engine.runListeners.push((ctx) => this.runChanged(ctx.state));
  }

  /** Registers a query and waits for the answer. */
  async query(state: () => Promise<RunState>, runId: string, namespaceId: string, query: TemporalTypes.api.query.v1.IWorkflowQuery, timeoutMs: number, signal: AbortSignal) {
    let resolveFn!: PendingQuery['resolve'];
    const done = new Promise<Parameters<PendingQuery['resolve']>[0]>((r) => (resolveFn = r));
    const pq: PendingQuery = {
      id: `${runId}:${++this.seq}:${Date.now()}`,
      runId,
      namespaceId,
      query,
      state: 'waiting',
      resolve: (r) => {
        this.remove(pq);
        resolveFn(r);
      },
    };
    this.byId.set(pq.id, pq);
    let set = this.byRun.get(runId);
    if (!set) this.byRun.set(runId, (set = new Set()));
    set.add(pq);
    try {
      this.dispatch(pq, await state());
    } catch (e) {
      this.remove(pq);
      throw e;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
      signal.addEventListener('abort', () => r('timeout'), { once: true });
    });
    const res = await Promise.race([done, timeout]);
    clearTimeout(timer);
    if (res === 'timeout') {
      this.remove(pq);
      throw new DeadlineExceededError('query timed out: no worker answered in time');
    }
    return res;
  }

  private remove(pq: PendingQuery) {
    this.byId.delete(pq.id);
    const ofRun = this.byRun.get(pq.runId);
    ofRun?.delete(pq);
    if (ofRun?.size === 0) this.byRun.delete(pq.runId);
    if (pq.stickyTimer) clearTimeout(pq.stickyTimer);
    if (pq.queue) {
      const list = this.legacy.get(pq.queue);
      if (list) {
        const i = list.indexOf(pq);
        if (i >= 0) list.splice(i, 1);
      }
    }
  }

  private dispatch(pq: PendingQuery, s: RunState) {
    if (pq.state === 'delivered' || pq.state === 'legacy') return;
    if (s.wft?.state === 'scheduled') {
      pq.state = 'attach';
      return;
    }
    if (s.wft?.state === 'started') {
      pq.state = 'waiting';
      return;
    }
    // No task in flight (or the run is closed): legacy query task, on the sticky queue only while a worker is
    // behind it (a restarted or crashed worker's queue has nobody).
    pq.state = 'legacy';
    const sticky =
      s.sticky && s.status === 1 && this.engine.stickyQueues.isAvailable(pq.namespaceId, s.sticky.taskQueue) ? s.sticky : null;
    this.enqueueLegacy(pq, sticky ? sticky.taskQueue : s.taskQueue);
    if (sticky) {
      // Not taken within the sticky schedule-to-start timeout (the worker died while polling): normal queue.
      const stickyKey = queueKey(pq.namespaceId, 'workflow', sticky.taskQueue);
      pq.stickyTimer = setTimeout(() => {
        if (pq.state !== 'legacy' || pq.queue !== stickyKey) return;
        this.remove(pq);
        this.byId.set(pq.id, pq);
        let ofRun = this.byRun.get(pq.runId);
        if (!ofRun) this.byRun.set(pq.runId, (ofRun = new Set()));
        ofRun.add(pq);
        pq.stickyTimer = undefined;
        this.enqueueLegacy(pq, s.taskQueue);
      }, Math.max(1000, sticky.scheduleToStartMs));
    }
  }

  private enqueueLegacy(pq: PendingQuery, queue: string) {
    const k = queueKey(pq.namespaceId, 'workflow', queue);
    let list = this.legacy.get(k);
    if (!list) this.legacy.set(k, (list = []));
    list.push(pq);
    pq.queue = k;
    this.engine.signals.notify(k);
  }

  private runChanged(s: RunState) {
    const set = this.byRun.get(s.runId);
    if (!set) return;
    for (const pq of set) {
      // The task that carried the query ended without answering it (failed, timed out): deliver again.
      if (pq.state === 'delivered' && pq.deliveredInSched && s.wft?.scheduledEventId !== pq.deliveredInSched) {
        pq.state = 'waiting';
        pq.deliveredInSched = undefined;
      }
      if (pq.state === 'waiting' || pq.state === 'attach') this.dispatch(pq, s);
    }
  }

  /** ShutdownWorker: the queries waiting on that sticky queue go to their runs' normal queues now. */
  stickyQueueGone(namespaceId: string, stickyQueue: string) {
    const k = queueKey(namespaceId, 'workflow', stickyQueue);
    const list = this.legacy.get(k);
    if (!list) return;
    this.legacy.delete(k);
    for (const pq of list) {
      if (pq.stickyTimer) clearTimeout(pq.stickyTimer);
      pq.stickyTimer = undefined;
      pq.queue = undefined;
      pq.state = 'waiting';
      void this.engine.readRun(pq.runId).then((s) => {
        if (s && pq.state === 'waiting') this.enqueueLegacy(pq, s.taskQueue);
      });
    }
  }

  /** A legacy query task for a poller of this queue, if any. */
  takeLegacy(namespaceId: string, queue: string): PendingQuery | null {
    const k = queueKey(namespaceId, 'workflow', queue);
    const list = this.legacy.get(k);
    const pq = list?.shift();
    if (!pq) return null;
    pq.state = 'delivered';
    pq.queue = undefined;
    if (pq.stickyTimer) clearTimeout(pq.stickyTimer);
    return pq;
  }

  /** Queries to ride on the workflow task just started for this run. */
  takeAttached(runId: string, sched: number): PendingQuery[] {
    const set = this.byRun.get(runId);
    if (!set) return [];
    const out: PendingQuery[] = [];
    for (const pq of set) {
      if (pq.state === 'attach' || pq.state === 'waiting') {
        pq.state = 'delivered';
        pq.deliveredInSched = sched;
        out.push(pq);
      }
    }
    return out;
  }

  /** A task carrying these queries was not completed: send them again. */
  redeliver(ids: string[]) {
    for (const id of ids) {
      const pq = this.byId.get(id);
      if (pq && pq.state === 'delivered') pq.state = 'waiting';
    }
  }

  get(id: string): PendingQuery | undefined {
    return this.byId.get(id);
  }

  failAllForRun(runId: string, message: string) {
    for (const pq of [...(this.byRun.get(runId) ?? [])]) pq.resolve({ failed: { message } });
  }
}
