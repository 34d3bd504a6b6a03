/**
 * In-process run cache: the committed mutable state of recently used runs (validated by `version` on write:
 * the UPDATE only succeeds if nobody else wrote the row), the tail of their history, and a per-run async
 * mutex so requests on one run serialize inside this process without a database round trip.
 */
import type { temporal } from '@temporalio/proto';
import type { RunState } from './state';

/** A decoded history event (a message instance). */
type HistoryEvent = temporal.api.history.v1.HistoryEvent;

 

class Lru<V> {
  private m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V) {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as string);
  }
  delete(k: string) {
    this.m.delete(k);
  }
  clear() {
    this.m.clear();
  }
}

export class LockTimeout extends Error {
  readonly code = 'RETRY_TRANSACTION';
}

export class RunCache {
  private states: Lru<{ state: RunState; version: number }>;
  private events: Lru<{ firstId: number; list: HistoryEvent[] }>;
  private locks = new Map<string, Promise<void>>();

  constructor(
    maxRuns = 10_000,
    maxEventRuns = 2_000,
    private readonly maxEventsPerRun = 400,
  ) {
    this.states = new Lru(maxRuns);
    this.events = new Lru(maxEventRuns);
  }

  getState(runId: string) {
    return this.states.get(runId);
  }
  setState(runId: string, state: RunState, version: number) {
    this.states.set(runId, { state, version });
  }
  invalidate(runId: string) {
    this.states.delete(runId);
    this.events.delete(runId);
  }
  invalidateEvents(runId: string) {
    this.events.delete(runId);
  }

  appendEvents(runId: string, evs: { eventId: number; obj: HistoryEvent }[], fromScratch: boolean) {
    if (evs.length === 0) return;
    let e = this.events.get(runId);
    if (!e) {
      if (!fromScratch && evs[0].eventId !== 1) {
        // Start a tail window at the first new event.
        e = { firstId: evs[0].eventId, list: [] };
      } else e = { firstId: evs[0].eventId, list: [] };
      this.events.set(runId, e);
    }
    if (e.firstId + e.list.length !== evs[0].eventId) {
      // gap (e.g. after a rollback): restart the window
      e.firstId = evs[0].eventId;
      e.list = [];
    }
    for (const x of evs) e.list.push(x.obj);
    const extra = e.list.length - this.maxEventsPerRun;
    if (extra > 0) {
      e.list.splice(0, extra);
      e.firstId += extra;
    }
  }

  /** Decoded events [fromId, toId) if all cached, else null. */
  readEvents(runId: string, fromId: number, toId: number): HistoryEvent[] | null {
    const e = this.events.get(runId);
    if (!e || fromId < e.firstId || toId > e.firstId + e.list.length) return null;
    return e.list.slice(fromId - e.firstId, toId - e.firstId);
  }

  /** Acquires the run's mutex; with `timeoutMs`, gives up (LockTimeout → transaction retried) to avoid deadlocks. */
  async lock(runId: string, timeoutMs?: number): Promise<() => void> {
    for (;;) {
      const held = this.locks.get(runId);
      if (!held) break;
      if (timeoutMs == null) await held;
      else {
        let t: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          held.then(() => false),
          new Promise<boolean>((r) => (t = setTimeout(() => r(true), timeoutMs))),
        ]);
        clearTimeout(t);
        if (timedOut) throw new LockTimeout(`run ${runId} is busy`);
      }
    }
    let release!: () => void;
    const p = new Promise<void>((r) => (release = r));
    this.locks.set(runId, p);
    return () => {
      if (this.locks.get(runId) === p) this.locks.delete(runId);
      release();
    };
  }
}
