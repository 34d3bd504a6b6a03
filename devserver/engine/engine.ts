/**
 * The engine: transactions over runs, namespaces, long-poll signals, the deadline scheduler hook and the
 * in-memory parts (queries, update waiters). Entity logic lives in the sibling modules.
 */
import type { Executor } from '../../db/connection';
import type { Clock, IdGenerator } from '../clock';
import type { Logger } from '../grpc';
import { namespaceNotFound } from '../errors';
import { decodeEvent, decodeB64, Memo, SearchAttributes, enums, type TemporalTypes } from '../proto';
import * as store from '../storage/store';
import { Signals, queueKey, runKey } from '../matching';
import { Work, type RunContext } from './context';
import type { RunState } from './state';
import type { VisibilityDocumenter } from '../visibility-adapter';
import { propagateClosures } from './children';
import { RetryTransaction, RunCache, type RunCacheLimits } from './run-cache';
import { TaskQueues } from './task-queues';
import { WriteBatcher } from '../storage/apply-writes';
import { ParkedPollers, syncMatchWorkflowTasks } from './sync-match';
import { StickyQueues } from './sticky-queues';
import { BlobSizeLimits } from './blob-size';
import { HistoryLimits } from './history-limits';
import { setTimeout as sleep } from 'node:timers/promises';

 

export interface EngineOptions {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  longPollTimeoutMs: number;
  /** Builds the visibility row written with a run's start/close/upsert (null: no visibility module). */
  visibility: VisibilityDocumenter | null;
  /** Refuses unregistered search attributes (INVALID_ARGUMENT naming them); none: everything is accepted. */
  validateSearchAttributes?: SearchAttributeValidator | null;
  /** Sets up a new namespace's preregistered search attributes. */
  preregisterSearchAttributes?: ((db: Executor, namespaceId: string, now: Date) => Promise<void>) | null;
  /** Group-commit batches in flight at once (1 for PGlite's single connection). */
  writeConcurrency?: number;
  /** Largest group-commit batch (default 256). */
  writeBatchLimit?: number;
  /** Per-payload blob size limits for workflow task commands (default: Temporal's 2 MiB / 512 KiB). */
  blobSizeLimits?: BlobSizeLimits;
  /** Per-workflow history count/size limits: continue-as-new suggestion, warn, terminate (default: Temporal's). */
  historyLimits?: HistoryLimits;
  /** Bounds of the in-memory run cache (memory stays bounded whatever the number of open runs). */
  runCache?: RunCacheLimits;
}

export type SearchAttributeValidator = (db: Executor, namespaceId: string, payloads: Record<string, IPayload>) => Promise<void>;
type IPayload = TemporalTypes.api.common.v1.IPayload;

export interface Namespace {
  id: string;
  name: string;
  config: Record<string, unknown>;
}

const RETRYABLE_PG = new Set(['40001', '40P01', '23505']);

export class Engine {
  readonly db: Executor;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly signals = new Signals();
  readonly cache: RunCache;
  readonly tasks: TaskQueues;
  readonly writes: WriteBatcher;
  /** Workflow pollers waiting on their queue, for sync match. */
  readonly parked = new ParkedPollers();
  /** Whether a worker is behind a sticky queue (tasks and queries go to the normal queue when not). */
  readonly stickyQueues: StickyQueues;
  longPollTimeoutMs: number;
  readonly blobSizeLimits: BlobSizeLimits;
  readonly historyLimits: HistoryLimits;
  private nsByName = new Map<string, Namespace>();
  private nsById = new Map<string, Namespace>();
  /** Set by the scheduler: called after commit with the earliest new deadline. */
  onDeadline: (fireAt: number) => void = () => {};
  /** Hooks run after commit for a changed run (queries, updates). */
  readonly runListeners: ((ctx: RunContext) => void)[] = [];
  private readonly visibility: VisibilityDocumenter | null;
  private readonly searchAttributeValidator: SearchAttributeValidator | null;
  private readonly preregister: EngineOptions['preregisterSearchAttributes'];
  stopped = false;
  /** In-flight request accounting for graceful stop. */

  constructor(opts: EngineOptions) {
    this.db = opts.db;
    this.cache = new RunCache(opts.runCache);
    this.clock = opts.clock;
    this.tasks = new TaskQueues(() => this.clock.now());
    this.stickyQueues = new StickyQueues(() => this.clock.now());
    this.ids = opts.ids;
    this.logger = opts.logger;
    this.longPollTimeoutMs = opts.longPollTimeoutMs;
    this.blobSizeLimits = opts.blobSizeLimits ?? new BlobSizeLimits(undefined, undefined, opts.logger);
    this.historyLimits = opts.historyLimits ?? new HistoryLimits({}, opts.logger);
    this.visibility = opts.visibility;
    this.searchAttributeValidator = opts.validateSearchAttributes ?? null;
    this.preregister = opts.preregisterSearchAttributes;
    this.writes = new WriteBatcher(opts.db, opts.writeConcurrency ?? 1, opts.writeBatchLimit ?? 256);
  }

  now(): number {
    return this.clock.now();
  }

  // ---------- namespaces ----------
  async namespace(name: string | null | undefined): Promise<Namespace> {
    const n = name || 'default';
    const cached = this.nsByName.get(n);
    if (cached) return cached;
    const row = await store.getNamespaceByName(this.db, n);
    if (!row) throw namespaceNotFound(n);
    this.cacheNs(row);
    return row;
  }
  async namespaceById(id: string): Promise<Namespace> {
    const cached = this.nsById.get(id);
    if (cached) return cached;
    const row = await store.getNamespaceById(this.db, id);
    if (!row) throw namespaceNotFound(id);
    this.cacheNs(row);
    return row;
  }
  cacheNs(row: Namespace) {
    this.nsByName.set(row.name, row);
    this.nsById.set(row.id, row);
  }

  // ---------- transactions ----------
  /**
   * Runs `fn` as one unit of work and commits it. Default: inside a transaction. `optimistic`: `fn` runs
   * without one (it must only read and mutate run contexts) and the result is committed as one
   * version-checked statement (or a short transaction when several statements are needed).
   */
  async transact<T>(fn: (w: Work) => Promise<T>, opts: { optimistic?: boolean } = {}): Promise<T> {
    for (let i = 0; ; i++) {
      const work = new Work(this, this.now(), !!opts.optimistic, i);
      try {
        let result: T;
        if (work.optimistic) {
          work.tx = this.db;
          result = await fn(work);
          this.historyLimits.enforce(work);
          await propagateClosures(work);
          await syncMatchWorkflowTasks(work, this.parked, () => this.ids.requestId());
          if (work.needsTransaction()) {
            await this.db.transaction(async (tx) => {
              work.tx = tx as Executor;
              await work.flush();
            });
          } else {
            work.batched = true;
            await work.flush();
          }
        } else {
          result = await this.db.transaction(async (tx) => {
            work.tx = tx as Executor;
            const r = await fn(work);
            this.historyLimits.enforce(work);
            await propagateClosures(work);
            await syncMatchWorkflowTasks(work, this.parked, () => this.ids.requestId());
            await work.flush();
            return r;
          });
        }
        work.updateCache();
        work.releaseLocks();
        this.afterCommit(work);
        for (const m of work.matched) {
          if (m.task) m.slot.deliver(m.task);
          else m.slot.release();
        }
        return result;
      } catch (e) {
        work.releaseLocks();
        for (const m of work.matched) m.slot.release();
        const err = e as { code?: unknown; cause?: { code?: unknown } } | null | undefined;
        if (err?.code === 'CONCURRENT_UPDATE') work.invalidateCache();
        const code = err?.code ?? err?.cause?.code;
        const retryable =
          e instanceof RetryTransaction ||
          code === 'CONCURRENT_UPDATE' ||
          code === 'RETRY_TRANSACTION' ||
          (typeof code === 'string' && RETRYABLE_PG.has(code));
        if (retryable && i < 20) {
          // The first retry goes at once (e.g. a blind start that met an existing id); later ones back off.
          await sleep(i === 0 ? 0 : Math.min(50, 2 * i) + Math.random() * 5);
          continue;
        }
        throw e;
      }
    }
  }

  private afterCommit(work: Work) {
    work.runAfterCommit({
      tasksAdded: (tasks) => {
        for (const t of tasks) this.tasks.push(t);
        const counts = new Map<string, number>();
        for (const t of tasks) {
          const k = queueKey(t.namespaceId, t.kind, t.taskQueue);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        for (const [k, n] of counts) this.signals.notify(k, n);
      },
      deadlineAdded: (at) => this.onDeadline(at),
      runChanged: (ctx) => {
        this.signals.notify(runKey(ctx.state.runId));
        for (const l of this.runListeners) {
          try {
            l(ctx);
          } catch (e) {
            this.logger.error('run listener failed', e);
          }
        }
      },
    });
  }

  /** A namespace was created (at startup or by RegisterNamespace): the CLI dev server's attributes exist in it. */
  async namespaceCreated(namespaceId: string): Promise<void> {
    await this.preregister?.(this.db, namespaceId, new Date(this.now()));
  }

  /** Start, signal-with-start, upsert, child, continue-as-new: every attribute must be registered and fit its type. */
  async validateSearchAttributes(namespaceId: string, sa: { indexedFields?: Record<string, IPayload> | null } | null | undefined) {
    const fields = sa?.indexedFields;
    if (!this.searchAttributeValidator || !fields || Object.keys(fields).length === 0) return;
    await this.searchAttributeValidator(this.db, namespaceId, fields);
  }

  /** Reads a run without locking (for describe / history / query). The result is read-only (may be cached). */
  async readRun(runId: string): Promise<RunState | null> {
    const cached = this.cache.getState(runId);
    if (cached) return cached.state;
    const row = await store.loadExecution(this.db, runId, false);
    if (row && !this.cache.holds(runId)) this.cache.setState(runId, row.state, row.version);
    return row?.state ?? null;
  }

  async resolveRunId(namespaceId: string, workflowId: string, runId?: string | null): Promise<string | null> {
    if (runId) return runId;
    return this.currentRunId(this.db, namespaceId, workflowId);
  }

  /**
   * A workflow id's current run: the one the run cache knows is current and running (no statement: updates and
   * signals name the workflow, not the run, and a case gets several), else `ds_current_runs`.
   */
  async currentRunId(tx: Executor, namespaceId: string, workflowId: string): Promise<string | null> {
    const known = this.cache.runningCurrentRun(namespaceId, workflowId);
    if (known !== undefined) return known;
    const runId = await store.getCurrentRun(tx, namespaceId, workflowId);
    if (runId) this.cache.noteCurrentRun(namespaceId, workflowId, runId);
    return runId;
  }

  // ---------- WorkHost ----------
  async readEvents(tx: Executor, runId: string, fromId: number, toId: number): Promise<TemporalTypes.api.history.v1.HistoryEvent[]> {
    return (await this.readEncodedEvents(tx, runId, fromId, toId)).map(decodeEvent);
  }

  /** Events [fromId, toId) as stored, from the run's cached tail or the database: what an answer's history carries. */
  async readEncodedEvents(tx: Executor, runId: string, fromId: number, toId: number): Promise<Uint8Array[]> {
    return this.cache.readEncodedEvents(runId, fromId, toId) ?? (await store.readEvents(tx, runId, fromId, toId));
  }

  async visibilityDocument(ctx: RunContext): Promise<Record<string, unknown> | null> {
    if (!this.visibility) return null;
    const s = ctx.state;
    const sa = decodeB64(SearchAttributes, s.searchAttributes);
    return this.visibility(this.db, {
      namespaceId: s.namespaceId,
      workflowId: s.workflowId,
      runId: s.runId,
      workflowType: s.workflowType,
      taskQueue: s.taskQueue,
      status: s.status,
      startTime: new Date(s.startTime),
      executionTime: new Date(s.executionTime),
      closeTime: s.closeTime ? new Date(s.closeTime) : null,
      historyLength: s.nextEventId - 1,
      memo: decodeB64(Memo, s.memo),
      searchAttributes: sa?.indexedFields ?? {},
      parentWorkflowId: s.parent?.workflowId ?? null,
      parentRunId: s.parent?.runId ?? null,
    });
  }

}

export const WorkflowStatus = enums.WorkflowExecutionStatus;
export const isRunning = (s: RunState) => s.status === enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
