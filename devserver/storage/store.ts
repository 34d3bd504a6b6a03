/**
 * Query functions over the devserver tables. Every function takes an Executor so it composes inside the one
 * transaction a request runs in.
 */
import { and, asc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/connection';
import {
  dsCurrentRuns,
  dsDeadlines,
  dsExecutions,
  dsHistoryEvents,
  dsNamespaces,
  dsRequestIds,
  dsTasks,
} from './schema';
import type { RunState } from '../engine/state';

export interface ExecutionRow {
  runId: string;
  version: number;
  state: RunState;
}

export async function loadExecution(tx: Executor, runId: string, forUpdate: boolean): Promise<ExecutionRow | null> {
  const q = tx
    .select({ runId: dsExecutions.runId, version: dsExecutions.version, state: dsExecutions.state })
    .from(dsExecutions)
    .where(eq(dsExecutions.runId, runId));
  const rows = forUpdate ? await q.for('update') : await q;
  const r = rows[0];
  return r ? { runId: r.runId, version: r.version, state: r.state as unknown as RunState } : null;
}

export class ConcurrentUpdateError extends Error {
  readonly code = 'CONCURRENT_UPDATE';
  constructor(runId: string) {
    super(`run ${runId} was updated concurrently`);
  }
}

/** Encoded events with fromId <= event_id < toId, ascending, at most `limit`. */
export async function readEvents(
  tx: Executor,
  runId: string,
  fromId: number,
  toId: number,
  limit = 1_000_000,
): Promise<Uint8Array[]> {
  const rows = await tx
    .select({ data: dsHistoryEvents.data })
    .from(dsHistoryEvents)
    .where(and(eq(dsHistoryEvents.runId, runId), gte(dsHistoryEvents.eventId, fromId), lt(dsHistoryEvents.eventId, toId)))
    .orderBy(asc(dsHistoryEvents.eventId))
    .limit(limit);
  return rows.map((r) => r.data);
}

export interface TaskInsert {
  namespaceId: string;
  taskQueue: string;
  kind: 'workflow' | 'activity';
  runId: string;
  scheduledEventId: number;
  attempt: number;
  visibleAt: Date;
}

export interface TaskRow extends TaskInsert {
  id: number;
}

export async function deleteTasksOf(tx: Executor, runId: string, kind: string, scheduledEventId: number) {
  await tx
    .delete(dsTasks)
    .where(and(eq(dsTasks.runId, runId), eq(dsTasks.kind, kind), eq(dsTasks.scheduledEventId, scheduledEventId)));
}

export interface DeadlineInsert {
  runId: string;
  kind: string;
  fireAt: Date;
  payload: Record<string, unknown>;
  entity: string;
}
export interface DeadlineRow extends DeadlineInsert {
  id: number;
}

export async function dueDeadlines(db: Executor, now: Date, limit: number): Promise<DeadlineRow[]> {
  return tx_select(db, now, limit);
}
async function tx_select(db: Executor, now: Date, limit: number) {
  return db
    .select()
    .from(dsDeadlines)
    .where(lte(dsDeadlines.fireAt, now))
    .orderBy(asc(dsDeadlines.fireAt), asc(dsDeadlines.id))
    .limit(limit);
}

export async function nextDeadlineAt(db: Executor): Promise<number | null> {
  const rows = await db
    .select({ fireAt: dsDeadlines.fireAt })
    .from(dsDeadlines)
    .orderBy(asc(dsDeadlines.fireAt))
    .limit(1);
  return rows[0] ? rows[0].fireAt.getTime() : null;
}

/** Deletes the deadline; false when another transaction already took it. */
export async function takeDeadline(tx: Executor, id: number): Promise<boolean> {
  const rows = await tx.delete(dsDeadlines).where(eq(dsDeadlines.id, id)).returning({ id: dsDeadlines.id });
  return rows.length === 1;
}

// ---- current runs / request ids ----
export async function getCurrentRun(tx: Executor, namespaceId: string, workflowId: string, forUpdate = false) {
  const q = tx
    .select({ runId: dsCurrentRuns.runId })
    .from(dsCurrentRuns)
    .where(and(eq(dsCurrentRuns.namespaceId, namespaceId), eq(dsCurrentRuns.workflowId, workflowId)));
  const rows = forUpdate ? await q.for('update') : await q;
  return rows[0]?.runId ?? null;
}

export async function setCurrentRun(tx: Executor, namespaceId: string, workflowId: string, runId: string) {
  await tx
    .insert(dsCurrentRuns)
    .values({ namespaceId, workflowId, runId })
    .onConflictDoUpdate({ target: [dsCurrentRuns.namespaceId, dsCurrentRuns.workflowId], set: { runId } });
}

/** What a start needs to know, in one round trip: the run a request id already started, and the current run. */
export async function startLookup(
  tx: Executor,
  namespaceId: string,
  requestId: string,
  workflowId: string,
): Promise<{ prior: string | null; current: string | null }> {
  const rows = await tx
    .select({
      prior: sql<string | null>`(select ${dsRequestIds.runId} from ${dsRequestIds} where ${dsRequestIds.namespaceId} = ${namespaceId} and ${dsRequestIds.requestId} = ${requestId})`,
      current: sql<string | null>`(select ${dsCurrentRuns.runId} from ${dsCurrentRuns} where ${dsCurrentRuns.namespaceId} = ${namespaceId} and ${dsCurrentRuns.workflowId} = ${workflowId})`,
    })
    .from(sql`(select 1) as one`)
    .prepare('ds_start_lookup')
    .execute();
  return { prior: rows[0]?.prior ?? null, current: rows[0]?.current ?? null };
}

export async function findRequestId(tx: Executor, namespaceId: string, requestId: string): Promise<string | null> {
  const rows = await tx
    .select({ runId: dsRequestIds.runId })
    .from(dsRequestIds)
    .where(and(eq(dsRequestIds.namespaceId, namespaceId), eq(dsRequestIds.requestId, requestId)));
  return rows[0]?.runId ?? null;
}

export async function insertRequestId(tx: Executor, namespaceId: string, requestId: string, runId: string) {
  await tx.insert(dsRequestIds).values({ namespaceId, requestId, runId }).onConflictDoNothing();
}

// ---- namespaces ----
export interface NamespaceRow {
  id: string;
  name: string;
  config: Record<string, unknown>;
}

export async function getNamespaceByName(db: Executor, name: string): Promise<NamespaceRow | null> {
  const rows = await db.select().from(dsNamespaces).where(eq(dsNamespaces.name, name));
  return rows[0] ?? null;
}
export async function getNamespaceById(db: Executor, id: string): Promise<NamespaceRow | null> {
  const rows = await db.select().from(dsNamespaces).where(eq(dsNamespaces.id, id));
  return rows[0] ?? null;
}
export async function listNamespaces(db: Executor): Promise<NamespaceRow[]> {
  return db.select().from(dsNamespaces).orderBy(asc(dsNamespaces.name));
}
export async function insertNamespace(db: Executor, row: NamespaceRow): Promise<boolean> {
  const res = await db.insert(dsNamespaces).values(row).onConflictDoNothing().returning({ id: dsNamespaces.id });
  return res.length === 1;
}

/** Drops the events of a speculative workflow task that turned out to change nothing. */
export async function deleteEventsFrom(tx: Executor, runId: string, fromEventId: number) {
  await tx.delete(dsHistoryEvents).where(and(eq(dsHistoryEvents.runId, runId), gte(dsHistoryEvents.eventId, fromEventId)));
}

export async function deleteDeadlinesOfKinds(tx: Executor, runId: string, kinds: string[]) {
  await tx.delete(dsDeadlines).where(and(eq(dsDeadlines.runId, runId), inArray(dsDeadlines.kind, kinds)));
}

export async function listQueueTasks(db: Executor, namespaceId: string, kind: string, taskQueue: string) {
  return db
    .select({ runId: dsTasks.runId, scheduledEventId: dsTasks.scheduledEventId })
    .from(dsTasks)
    .where(and(eq(dsTasks.namespaceId, namespaceId), eq(dsTasks.kind, kind), eq(dsTasks.taskQueue, taskQueue)));
}

export async function deleteTaskByKey(
  db: Executor,
  t: { taskQueue: string; runId: string; kind: string; scheduledEventId: number; attempt: number },
) {
  await db
    .delete(dsTasks)
    .where(
      and(
        eq(dsTasks.runId, t.runId),
        eq(dsTasks.taskQueue, t.taskQueue),
        eq(dsTasks.kind, t.kind),
        eq(dsTasks.scheduledEventId, t.scheduledEventId),
        eq(dsTasks.attempt, t.attempt),
      ),
    );
}

/** Removes every row of a run: execution, history, tasks, deadlines, request ids and the current-run pointer to it. */
export async function deleteRun(tx: Executor, namespaceId: string, workflowId: string, runId: string) {
  await tx.delete(dsHistoryEvents).where(eq(dsHistoryEvents.runId, runId));
  await tx.delete(dsTasks).where(eq(dsTasks.runId, runId));
  await tx.delete(dsDeadlines).where(eq(dsDeadlines.runId, runId));
  await tx.delete(dsRequestIds).where(and(eq(dsRequestIds.namespaceId, namespaceId), eq(dsRequestIds.runId, runId)));
  await tx
    .delete(dsCurrentRuns)
    .where(and(eq(dsCurrentRuns.namespaceId, namespaceId), eq(dsCurrentRuns.workflowId, workflowId), eq(dsCurrentRuns.runId, runId)));
  await tx.delete(dsExecutions).where(eq(dsExecutions.runId, runId));
}
