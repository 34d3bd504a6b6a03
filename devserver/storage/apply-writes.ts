/**
 * All writes of one run as one JSON document, applied by the `ds_apply_writes` database function (migration
 * 0002): the execution row (version-checked update, or insert), new history events, new tasks, obsolete
 * deadlines out, new deadlines in, and optionally the claimed task row or consumed deadline. Each write is
 * all-or-nothing on its own.
 *
 * `WriteBatcher` is the group commit (db/group-commit.ts): writes that arrive while a batch is in flight go out
 * together as the next batch, one statement, one round trip and one commit for all of them.
 */
import type { Executor } from '../../db/connection';
import { GroupCommit } from '../../db/group-commit';
import { jsonFunctionCall } from '../../db/json-function-call';
import type { RunState } from '../engine/state';
import type { DeadlineInsert, TaskInsert } from './store';

export interface TaskKey {
  taskQueue: string;
  runId: string;
  kind: string;
  scheduledEventId: number;
  attempt: number;
}

export interface RunWrite {
  state: RunState;
  isNew: boolean;
  version: number;
  events: { eventId: number; data: Uint8Array }[];
  tasks: TaskInsert[];
  deadlines: DeadlineInsert[];
  /** null = all of the run's deadlines; [] = none. */
  cancelEntities: string[] | null;
  claim?: TaskKey;
  /** A due deadline this write consumes (deleted in the same write; nothing is written if it is gone). */
  consumeDeadlineId?: number;
  /** The run becomes its workflow id's current run if the pointer still names `prev` (none: absent). */
  currentRun?: { prev: string | null };
  /** Start request id to record for the run (a request id already recorded: concurrent start). */
  requestId?: string;
  /** The visibility row (visibility_executions columns) to upsert. */
  visibility?: Record<string, unknown>;
  /** Set by encodeWrite: the state's JSON as written (the run cache keeps it). */
  stateJson?: string;
}

/** What became of one write. */
export type WriteOutcome = 'applied' | 'claim-lost' | 'concurrent-update';

/** A write the database refused for another reason (its SQLSTATE kept as `code`, so retry rules apply). */
export class WriteFailedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`run write failed (${code}): ${message}`);
  }
}

const b64 = (d: Uint8Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');

/** The JSON document `ds_apply_writes` expects for one write. */
export function encodeWrite(w: RunWrite): string {
  const s = w.state;
  const doc: Record<string, unknown> = { run: s.runId, new: w.isNew, v: w.version, next: s.nextEventId, status: s.status };
  // Namespace and workflow id: for the new execution row, the current-run pointer and the request id.
  if (w.isNew || w.currentRun || w.requestId) {
    doc.ns = s.namespaceId;
    doc.wf = s.workflowId;
  }
  if (w.claim) doc.claim = [w.claim.taskQueue, w.claim.kind, w.claim.scheduledEventId, w.claim.attempt];
  if (w.consumeDeadlineId != null) doc.consume = w.consumeDeadlineId;
  if (w.events.length) doc.ev = w.events.map((e) => [e.eventId, b64(e.data)]);
  if (w.tasks.length)
    doc.tk = w.tasks.map((t) => [t.namespaceId, t.taskQueue, t.kind, t.runId, t.scheduledEventId, t.attempt, t.visibleAt.getTime()]);
  if (!w.isNew && (w.cancelEntities === null || w.cancelEntities.length > 0)) doc.dd = w.cancelEntities;
  if (w.deadlines.length) doc.di = w.deadlines.map((d) => [d.kind, d.fireAt.getTime(), d.payload, d.entity]);
  if (w.currentRun) doc.cur = w.currentRun.prev;
  if (w.requestId) doc.rid = w.requestId;
  if (w.visibility) doc.vis = w.visibility;
  // The state is the bulk of the document: spliced in as already-serialized JSON.
  const head = JSON.stringify(doc);
  const state = JSON.stringify(s);
  w.stateJson = state;
  return `${head.slice(0, -1)},"state":${state}}`;
}

function outcomeOf(r: unknown): WriteOutcome {
  if (Array.isArray(r)) {
    if (r[0] === 1) return 'applied';
    return r[1] === 0 ? 'claim-lost' : 'concurrent-update';
  }
  const e = r as { error?: string; message?: string } | null;
  throw new WriteFailedError(e?.error ?? 'XX000', e?.message ?? 'no result for this write');
}

const callApplyWrites = jsonFunctionCall('ds_apply_writes');

/** Applies encoded writes in one statement; a write the database refused rejects with `WriteFailedError`. */
export async function applyWrites(db: Executor, docs: string[]): Promise<PromiseSettledResult<WriteOutcome>[]> {
  let results = await callApplyWrites(db, `[${docs.join(',')}]`);
  if (typeof results === 'string') results = JSON.parse(results);
  const list = Array.isArray(results) ? results : [];
  return docs.map((_, i) => {
    try {
      return { status: 'fulfilled', value: outcomeOf(list[i]) } as const;
    } catch (reason) {
      return { status: 'rejected', reason } as const;
    }
  });
}

/** Applies one write (inside the caller's transaction, or on its own). */
export async function applyWrite(db: Executor, w: RunWrite): Promise<WriteOutcome> {
  const [r] = await applyWrites(db, [encodeWrite(w)]);
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

/** Group commit of writes made outside a transaction (see the file comment): a write encoded once, at submission. */
export class WriteBatcher {
  private readonly group: GroupCommit<string, WriteOutcome>;

  constructor(db: Executor, maxInFlight: number, maxBatch = 256) {
    this.group = new GroupCommit({ write: (docs) => applyWrites(db, docs), maxInFlight, maxBatch });
  }

  /** Statements sent and writes they carried (writes / batches = how much the group commit saved). */
  get stats(): { batches: number; writes: number } {
    return this.group.stats;
  }

  submit(w: RunWrite): Promise<WriteOutcome> {
    return this.group.submit(encodeWrite(w));
  }
}
