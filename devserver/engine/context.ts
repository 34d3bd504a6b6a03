/**
 * One request = one transaction. `Work` holds the transaction and the runs it touched; `RunContext` appends
 * events (buffering those that arrive while a workflow task runs), tasks and deadlines for one run and
 * writes them all when the transaction ends. Notifications (pollers, history long-polls, the deadline
 * scheduler) only fire after commit.
 */
import type { temporal } from '@temporalio/proto';
import type { Executor } from '../../db/connection';
import { encodeEvent, decodeEvent, HistoryEvent, tsFromMs } from '../proto';
import * as store from '../storage/store';
import type { BufferedEvent, RunState } from './state';
import { notFound } from '../errors';
import type { RunCache } from './run-cache';
import type { StickyQueues } from './sticky-queues';
import type { MatchedTask, PollerSlot } from './poller-slot';
import { applyWrite, type RunWrite, type TaskKey, type WriteBatcher } from '../storage/apply-writes';

/** The claimed task row was already gone (stale in-memory queue entry): nothing was written. */
export class ClaimLostError extends Error {
  readonly code = 'CLAIM_LOST';
}

 

/** A decoded history event (a message instance). */
export type DecodedEvent = temporal.api.history.v1.HistoryEvent;

export interface NewEvent {
  eventId: number;
  data: Uint8Array;
  obj: DecodedEvent;
}

export interface PostCommit {
  tasksAdded(tasks: store.TaskInsert[]): void;
  runChanged(ctx: RunContext): void;
  deadlineAdded(fireAt: number): void;
}

export class RunContext {
  dirty = false;
  visibilityDirty = false;
  readonly newEvents: NewEvent[] = [];
  readonly tasks: store.TaskInsert[] = [];
  readonly deadlines: store.DeadlineInsert[] = [];
  /** Deadline entities whose pending deadlines are obsolete (deleted before the new ones are inserted). */
  readonly cancelledEntities = new Set<string>();
  cancelAllDeadlines = false;
  /** History was cut back (speculative task dropped): cached events of this run are invalid. */
  eventsRewound = false;
  /** Callbacks to run after commit (in-memory waiters of this run). */
  readonly after: (() => void)[] = [];

  constructor(
    readonly work: Work,
    public state: RunState,
    readonly version: number,
    readonly isNew: boolean,
    /** Number of events already persisted (state.nextEventId at load time). */
    readonly persistedNextEventId: number,
  ) {
    if (isNew) {
      this.dirty = true;
      this.visibilityDirty = true;
    }
  }

  get now(): number {
    return this.work.now;
  }
  get tx(): Executor {
    return this.work.tx;
  }

  touch(): void {
    this.dirty = true;
  }

  /** Appends an event now, or buffers it while a workflow task is started (when `bufferable`). */
  addEvent(eventType: number, attrKey: string, attrs: Record<string, unknown>, opts: { bufferable?: boolean; linkPrev?: boolean } = {}): number {
    this.dirty = true;
    const ev: { eventId: number; [field: string]: unknown } = { eventId: 0, eventTime: tsFromMs(this.now), eventType, [attrKey]: attrs };
    if (opts.bufferable && this.state.wft?.state === 'started') {
      const b: BufferedEvent = { b64: Buffer.from(encodeEvent(ev)).toString('base64') };
      if (opts.linkPrev) b.linkKey = attrKey;
      this.state.buffered.push(b);
      return 0;
    }
    const id = this.state.nextEventId++;
    ev.eventId = id;
    if (opts.linkPrev) attrs.startedEventId = id - 1; // attrs is ev[attrKey]
    this.pushEncoded(ev);
    return id;
  }

  /** Appends a decoded event copied from another run (reset) with the next event id. */
  copyEvent(ev: DecodedEvent): number {
    this.dirty = true;
    const fields = HistoryEvent.toObject(ev, { longs: Number, defaults: false });
    const id = this.state.nextEventId++;
    this.pushEncoded({ ...fields, eventId: id });
    return id;
  }

  private pushEncoded(ev: { eventId: number }) {
    const msg = HistoryEvent.fromObject(ev);
    const data = HistoryEvent.encode(msg).finish();
    this.state.historySizeBytes += data.length;
    this.newEvents.push({ eventId: ev.eventId, data, obj: msg });
  }

  /** Writes the buffered events to history; returns how many. */
  flushBuffered(): number {
    const n = this.state.buffered.length;
    for (const b of this.state.buffered) {
      const ev: DecodedEvent = decodeEvent(Buffer.from(b.b64, 'base64'));
      const id = this.state.nextEventId++;
      ev.eventId = id as unknown as Long;
      if (b.linkKey) (ev as unknown as Record<string, { startedEventId?: number }>)[b.linkKey].startedEventId = id - 1;
      this.pushEncoded(ev as unknown as { eventId: number });
    }
    this.state.buffered = [];
    if (n) this.dirty = true;
    return n;
  }

  enqueueTask(kind: 'workflow' | 'activity', taskQueue: string, scheduledEventId: number, attempt: number): void {
    this.dirty = true;
    this.tasks.push({
      namespaceId: this.state.namespaceId,
      taskQueue,
      kind,
      runId: this.state.runId,
      scheduledEventId,
      attempt,
      visibleAt: new Date(this.now),
    });
  }

  /** Persists a deadline; `entity` names what it belongs to so it can be dropped when that completes. */
  addDeadline(kind: string, fireAt: number, payload: Record<string, unknown>, entity = ''): void {
    this.dirty = true;
    this.deadlines.push({ runId: this.state.runId, kind, fireAt: new Date(fireAt), payload, entity });
  }

  /** The entity is done: its pending deadlines would be no-ops, drop them in this transaction. */
  cancelDeadlines(entity: string): void {
    this.dirty = true;
    this.cancelledEntities.add(entity);
  }

  /** Reads one event of this run (persisted or appended in this transaction). */
  async readEvent(eventId: number): Promise<DecodedEvent> {
    if (eventId >= this.persistedNextEventId) {
      const e = this.newEvents.find((x) => x.eventId === eventId);
      if (!e) throw notFound(`event ${eventId} not found`);
      return e.obj;
    }
    const rows = await this.work.engineReadEvents(this.tx, this.state.runId, eventId, eventId + 1);
    if (!rows[0]) throw notFound(`event ${eventId} not found`);
    return rows[0];
  }

  /** Events fromId.. (inclusive) up to the current end, encoded as stored, including those appended in this transaction. */
  async readEncodedHistoryFrom(fromId: number): Promise<Uint8Array[]> {
    const out = fromId < this.persistedNextEventId ? await this.work.host.readEncodedEvents(this.tx, this.state.runId, fromId, this.persistedNextEventId) : [];
    for (const e of this.newEvents) if (e.eventId >= fromId) out.push(e.data);
    return out;
  }

  /** The same events decoded, each a fresh message (reset reads and copies them). */
  async readHistoryFrom(fromId: number): Promise<DecodedEvent[]> {
    return (await this.readEncodedHistoryFrom(fromId)).map(decodeEvent);
  }

  /** The task row this request claimed (deleted in the same statement; nothing is written if it is gone). */
  claim?: TaskKey;
  /** The due deadline this unit applies (deleted in the same statement). */
  consumeDeadlineId?: number;
  /** This run becomes the workflow id's current run, replacing `prev` (compare-and-set in the same write). */
  currentRun?: { prev: string | null };
  /** The start request id recorded for this run (idempotent starts). */
  requestId?: string;

  /** The state as written (its JSON, after flush): what the run cache keeps. */
  stateJson?: string;

  async flush(): Promise<void> {
    if (!this.dirty) return;
    const write: RunWrite = {
      state: this.state,
      isNew: this.isNew,
      version: this.version,
      events: this.newEvents,
      tasks: this.tasks,
      deadlines: this.deadlines,
      cancelEntities: this.cancelAllDeadlines ? null : [...this.cancelledEntities],
      claim: this.claim,
      consumeDeadlineId: this.consumeDeadlineId,
      currentRun: this.currentRun,
      requestId: this.requestId,
      visibility: this.visibilityDirty ? ((await this.work.host.visibilityDocument(this)) ?? undefined) : undefined,
    };
    // Outside a transaction the write joins the group commit; inside one it runs on the transaction.
    const outcome = this.work.batched ? await this.work.host.writes.submit(write) : await applyWrite(this.tx, write);
    this.stateJson = write.stateJson;
    if (outcome === 'claim-lost') throw new ClaimLostError();
    if (outcome === 'concurrent-update') throw new store.ConcurrentUpdateError(this.state.runId);
  }
}

export interface WorkHost {
  readEvents(tx: Executor, runId: string, fromId: number, toId: number): Promise<DecodedEvent[]>;
  readEncodedEvents(tx: Executor, runId: string, fromId: number, toId: number): Promise<Uint8Array[]>;
  visibilityDocument(ctx: RunContext): Promise<Record<string, unknown> | null>;
  /** A workflow id's current run (Engine.currentRunId). */
  currentRunId(tx: Executor, namespaceId: string, workflowId: string): Promise<string | null>;
  readonly cache: RunCache;
  readonly writes: WriteBatcher;
  readonly stickyQueues: StickyQueues;
  readonly historyLimits: HistoryLimitsHost;
}

/** What a unit of work asks of the history limits (history-limits.ts `HistoryLimits` is the one). */
export interface HistoryLimitsHost {
  startedAttributes(s: RunState): { historySizeBytes: number; suggestContinueAsNew: boolean; suggestContinueAsNewReasons: number[] };
}

export class Work {
  tx!: Executor;
  /** The unit commits its single run write through the group commit (no transaction of its own). */
  batched = false;
  /** Workflow tasks started for waiting pollers (sync match): delivered after commit, released on failure. */
  readonly matched: { slot: PollerSlot; task: MatchedTask | null }[] = [];
  readonly runs = new Map<string, RunContext>();
  readonly after: (() => void)[] = [];
  /** Task rows to drop (e.g. a sticky task moved back to the normal queue). */
  readonly deleteTasks: { runId: string; kind: string; sched: number }[] = [];
  /** Runs closed in this transaction (parent notification, update waiters). */
  readonly closedRuns: RunContext[] = [];
  /** Runs that need a workflow task after the current command batch (e.g. activity canceled before start). */
  readonly needNewWft = new Set<string>();

  constructor(
    readonly host: WorkHost,
    readonly now: number,
    /** Optimistic: the unit runs outside a transaction and commits with one version-checked statement. */
    readonly optimistic = false,
    /** 0 on the first try; counts the retries after a concurrent update. */
    readonly attempt = 0,
  ) {}

  /** More than one statement to write: needs a transaction even in optimistic mode. */
  needsTransaction(): boolean {
    let dirty = 0;
    for (const ctx of this.runs.values()) if (ctx.dirty) dirty++;
    return dirty > 1 || this.deleteTasks.length > 0;
  }

  /** Lock releases of the runs this unit of work holds (released by the engine after commit/rollback). */
  readonly releases: (() => void)[] = [];
  private readonly missing = new Set<string>();

  /**
   * Loads a run for mutation: takes the run's in-process mutex (the first run waits, further runs of the same
   * unit give up after a while so two requests can't deadlock), then the cached committed state or the row
   * (SELECT ... FOR UPDATE). The write is version-checked, so a stale cache can never be committed.
   */
  async run(runId: string): Promise<RunContext> {
    const existing = this.runs.get(runId);
    if (existing) return existing;
    if (this.missing.has(runId)) throw notFound(`workflow execution not found for run ${runId}`);
    const cache = this.host.cache;
    // Inside a database transaction we never wait long (the connection is held): give up and retry instead.
    const wait = this.releases.length > 0 ? 250 : this.optimistic ? undefined : 300;
    this.releases.push(await cache.lock(runId, wait));
    const cached = cache.copyState(runId);
    let state: RunState;
    let version: number;
    if (cached) {
      state = cached.state;
      version = cached.version;
    } else {
      const row = await store.loadExecution(this.tx, runId, true);
      if (!row) {
        this.missing.add(runId);
        throw notFound(`workflow execution not found for run ${runId}`);
      }
      state = row.state;
      version = row.version;
    }
    const ctx = new RunContext(this, state, version, false, state.nextEventId);
    this.runs.set(runId, ctx);
    return ctx;
  }

  async tryRun(runId: string): Promise<RunContext | null> {
    try {
      return await this.run(runId);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') return null;
      throw e;
    }
  }

  async newRun(state: RunState): Promise<RunContext> {
    this.releases.push(await this.host.cache.lock(state.runId, 250));
    const ctx = new RunContext(this, state, 0, true, 1);
    this.runs.set(state.runId, ctx);
    return ctx;
  }

  engineReadEvents(tx: Executor, runId: string, fromId: number, toId: number) {
    return this.host.readEvents(tx, runId, fromId, toId);
  }

  async flush(): Promise<void> {
    for (const d of this.deleteTasks) await store.deleteTasksOf(this.tx, d.runId, d.kind, d.sched);
    for (const ctx of this.runs.values()) await ctx.flush();
  }

  /** After commit: the committed states and new events become the cache. */
  updateCache(): void {
    const cache = this.host.cache;
    for (const ctx of this.runs.values()) {
      if (!ctx.dirty) continue;
      const version = ctx.isNew ? 1 : ctx.version + 1;
      if (ctx.stateJson !== undefined) cache.setWritten(ctx.state.runId, ctx.stateJson, version, ctx.state);
      else cache.setState(ctx.state.runId, ctx.state, version);
      if (ctx.currentRun) cache.noteCurrentRun(ctx.state.namespaceId, ctx.state.workflowId, ctx.state.runId);
      if (ctx.eventsRewound) cache.invalidateEvents(ctx.state.runId);
      cache.appendEvents(ctx.state.runId, ctx.newEvents);
    }
  }

  releaseLocks(): void {
    for (const r of this.releases.splice(0)) r();
  }

  invalidateCache(): void {
    for (const runId of this.runs.keys()) this.host.cache.invalidate(runId);
  }

  runAfterCommit(pc: PostCommit): void {
    for (const cb of this.after) {
      try {
        cb();
      } catch {
        /* ignore */
      }
    }
    for (const ctx of this.runs.values()) {
      if (!ctx.dirty) continue;
      if (ctx.tasks.length) pc.tasksAdded(ctx.tasks);
      let min = Infinity;
      for (const d of ctx.deadlines) min = Math.min(min, d.fireAt.getTime());
      if (min !== Infinity) pc.deadlineAdded(min);
      pc.runChanged(ctx);
    }
    for (const ctx of this.runs.values()) for (const cb of ctx.after) cb();
  }
}
