/**
 * Visibility records: upsert/delete (called by core inside its transactions) and list/count queries.
 */
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { temporal, type TemporalTypes } from './proto';
import { msNumberToTs } from '@temporalio/common/lib/time';
import type { Executor } from '../../db/connection';
import { InvalidSearchAttributeValueError } from './errors';
import { decodePageToken, encodePageToken } from './page-token';
import { afterClause, compileQuery, orderByClause } from './query/compile';
import { parseQuery } from './query/parser';
import { statusName } from './query/values';
import { cachedCustomSearchAttributes, customSearchAttributes } from './registry';
import { visibilityExecutions as t } from './schema';
import {
  attributeTypes,
  encodeSearchAttributePayload,
  normalizeSearchAttributes,
  saTypeFromName,
  type SaType,
} from './search-attributes';

type IPayload = TemporalTypes.api.common.v1.IPayload;

export interface VisibilityRecord {
  namespaceId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus */
  status: number;
  startTime: Date;
  executionTime: Date;
  closeTime: Date | null;
  historyLength: number;
  memo: TemporalTypes.api.common.v1.IMemo | null;
  searchAttributes: Record<string, IPayload>;
  parentWorkflowId?: string | null;
  parentRunId?: string | null;
  /** Optional extras (default: 0, and root = self for a workflow without parent). */
  historySizeBytes?: number;
  stateTransitionCount?: number;
  rootWorkflowId?: string | null;
  rootRunId?: string | null;
}

export const DEFAULT_PAGE_SIZE = 1000;
export const MAX_PAGE_SIZE = 1000;

/** The visibility row of a run (pure: the namespace's registered attributes are passed in). */
export function visibilityRow(rec: VisibilityRecord, registered: Record<string, SaType>) {
  const sa = normalizeSearchAttributes(rec.searchAttributes ?? {}, registered);
  const memoFields = rec.memo?.fields ?? {};
  const memo =
    Object.keys(memoFields).length > 0 ? temporal.api.common.v1.Memo.encode(rec.memo!).finish() : null;
  const isRoot = !rec.parentWorkflowId;
  return {
    namespaceId: rec.namespaceId,
    runId: rec.runId,
    workflowId: rec.workflowId,
    workflowType: rec.workflowType,
    taskQueue: rec.taskQueue,
    status: rec.status,
    startTime: rec.startTime,
    executionTime: rec.executionTime,
    closeTime: rec.closeTime,
    historyLength: rec.historyLength,
    historySizeBytes: rec.historySizeBytes ?? 0,
    stateTransitionCount: rec.stateTransitionCount ?? 0,
    parentWorkflowId: rec.parentWorkflowId ?? null,
    parentRunId: rec.parentRunId ?? null,
    rootWorkflowId: rec.rootWorkflowId ?? (isRoot ? rec.workflowId : null),
    rootRunId: rec.rootRunId ?? (isRoot ? rec.runId : null),
    memo,
    searchAttributes: sa.values,
    searchAttributeTypes: sa.types as Record<string, string>,
  };
}

export async function recordVisibility(tx: Executor, rec: VisibilityRecord): Promise<void> {
  const row = visibilityRow(rec, await customSearchAttributes(tx, rec.namespaceId));
  const { namespaceId: _n, runId: _r, ...update } = row;
  await tx
    .insert(t)
    .values(row)
    .onConflictDoUpdate({ target: [t.namespaceId, t.runId], set: update });
}

/**
 * The visibility row as the JSON document the run-write function upserts (column names, ISO times, memo
 * as bytea hex), so the record commits in the same write as the run — no statement of its own.
 */
export async function visibilityDocument(db: Executor, rec: VisibilityRecord): Promise<Record<string, unknown>> {
  const r = visibilityRow(rec, await cachedCustomSearchAttributes(db, rec.namespaceId));
  return {
    namespace_id: r.namespaceId,
    run_id: r.runId,
    workflow_id: r.workflowId,
    workflow_type: r.workflowType,
    task_queue: r.taskQueue,
    status: r.status,
    start_time: r.startTime.toISOString(),
    execution_time: r.executionTime.toISOString(),
    close_time: r.closeTime ? r.closeTime.toISOString() : null,
    history_length: r.historyLength,
    history_size_bytes: r.historySizeBytes,
    state_transition_count: r.stateTransitionCount,
    parent_workflow_id: r.parentWorkflowId,
    parent_run_id: r.parentRunId,
    root_workflow_id: r.rootWorkflowId,
    root_run_id: r.rootRunId,
    memo: r.memo ? `\\x${Buffer.from(r.memo).toString('hex')}` : null,
    search_attributes: r.searchAttributes,
    search_attribute_types: r.searchAttributeTypes,
  };
}

export async function deleteVisibility(tx: Executor, namespaceId: string, runId: string): Promise<void> {
  await tx.delete(t).where(and(eq(t.namespaceId, namespaceId), eq(t.runId, runId)));
}

/**
 * Throws InvalidSearchAttributeValueError (INVALID_ARGUMENT) if a payload names an unregistered search
 * attribute or carries a value that does not fit its type — what Temporal answers to a start/upsert with
 * such attributes. Optional for core; recordVisibility stores what it can regardless.
 */
export async function validateSearchAttributes(
  tx: Executor,
  namespaceId: string,
  searchAttributes: Record<string, IPayload>,
): Promise<void> {
  const registered = await cachedCustomSearchAttributes(tx, namespaceId);
  const { problems } = normalizeSearchAttributes(searchAttributes, registered);
  if (problems.length > 0) throw new InvalidSearchAttributeValueError(problems.map((p) => p.reason).join('; '));
}

type Row = typeof t.$inferSelect;

function duration(ms: number) {
  return msNumberToTs(Math.max(0, ms));
}

export function toExecutionInfo(r: Row): Record<string, unknown> {
  const indexedFields: Record<string, IPayload> = {};
  const types = r.searchAttributeTypes ?? {};
  for (const [name, value] of Object.entries(r.searchAttributes ?? {})) {
    const type = saTypeFromName(types[name] ?? '');
    if (type) indexedFields[name] = encodeSearchAttributePayload(type, value);
  }
  const parent = r.parentWorkflowId ? { workflowId: r.parentWorkflowId, runId: r.parentRunId ?? '' } : null;
  const root = r.rootWorkflowId ? { workflowId: r.rootWorkflowId, runId: r.rootRunId ?? '' } : null;
  return {
    execution: { workflowId: r.workflowId, runId: r.runId },
    type: { name: r.workflowType },
    startTime: msNumberToTs(r.startTime.getTime()),
    closeTime: r.closeTime ? msNumberToTs(r.closeTime.getTime()) : null,
    status: r.status,
    historyLength: r.historyLength,
    parentNamespaceId: parent ? r.namespaceId : '',
    parentExecution: parent,
    executionTime: msNumberToTs(r.executionTime.getTime()),
    memo: r.memo ? temporal.api.common.v1.Memo.decode(r.memo) : { fields: {} },
    searchAttributes: { indexedFields },
    taskQueue: r.taskQueue,
    stateTransitionCount: r.stateTransitionCount,
    historySizeBytes: r.historySizeBytes,
    executionDuration: r.closeTime ? duration(r.closeTime.getTime() - r.executionTime.getTime()) : null,
    rootExecution: root,
  };
}

async function namespaceTypes(db: Executor, namespaceId: string): Promise<Map<string, SaType>> {
  return attributeTypes(await customSearchAttributes(db, namespaceId));
}

export interface ListRequest {
  query?: string | null;
  pageSize?: number | null;
  nextPageToken?: Uint8Array | null;
}

export interface ListResult {
  executions: Record<string, unknown>[];
  nextPageToken: Uint8Array;
}

/**
 * As Temporal does, rows of a namespace division (schedules: TemporalNamespaceDivision = 'TemporalScheduler')
 * are left out of lists and counts unless the query names TemporalNamespaceDivision.
 */
function divisionFilter(query: string | null | undefined): SQL[] {
  if (query && /\bTemporalNamespaceDivision\b/.test(query)) return [];
  return [sql`not (${t.searchAttributes} ? 'TemporalNamespaceDivision')`];
}

export async function listExecutions(db: Executor, namespaceId: string, req: ListRequest): Promise<ListResult> {
  const compiled = compileQuery(parseQuery(req.query ?? ''), await namespaceTypes(db, namespaceId), 'list');
  const keys = compiled.orderBy;
  const token = decodePageToken(
    req.nextPageToken,
    keys.map((k) => `${k.name} ${k.direction}`),
  );
  const pageSize = req.pageSize && req.pageSize > 0 ? Math.min(req.pageSize, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const conditions: SQL[] = [sql`${t.namespaceId} = ${namespaceId}`, ...divisionFilter(req.query)];
  if (compiled.where) conditions.push(compiled.where);
  if (token) conditions.push(afterClause(keys, token.values));
  // Sort-key values as text for the page token; timestamps in a DateStyle/TimeZone-independent form.
  const keyText = (k: (typeof keys)[number]) =>
    k.kind === 'timestamptz'
      ? sql<string | null>`to_char((${k.expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
      : sql<string | null>`(${k.expr})::text`;
  const keyColumns = Object.fromEntries(keys.map((k, i) => [`k${i}`, keyText(k)]));
  const rows = (await db
    .select({ ...getTableColumns(t), ...keyColumns })
    .from(t)
    .where(and(...conditions))
    .orderBy(orderByClause(keys))
    .limit(pageSize + 1)) as (Row & Record<string, string | null>)[];
  const page = rows.slice(0, pageSize);
  let nextPageToken: Uint8Array = new Uint8Array(0);
  if (rows.length > pageSize) {
    const last = page[page.length - 1];
    nextPageToken = encodePageToken({
      keys: keys.map((k) => `${k.name} ${k.direction}`),
      values: keys.map((_k, i) => last[`k${i}`] ?? null),
    });
  }
  return { executions: page.map(toExecutionInfo), nextPageToken };
}

export interface CountResult {
  count: number;
  groups: { groupValues: IPayload[]; count: number }[];
}

export async function countExecutions(db: Executor, namespaceId: string, query: string | null | undefined): Promise<CountResult> {
  const compiled = compileQuery(parseQuery(query ?? ''), await namespaceTypes(db, namespaceId), 'count');
  const conditions: SQL[] = [sql`${t.namespaceId} = ${namespaceId}`, ...divisionFilter(query)];
  if (compiled.where) conditions.push(compiled.where);
  if (compiled.groupBy.length === 0) {
    const [row] = await db
      .select({ count: sql<number>`count(*)`.mapWith(Number) })
      .from(t)
      .where(and(...conditions));
    return { count: row?.count ?? 0, groups: [] };
  }
  const rows = await db
    .select({ status: t.status, count: sql<number>`count(*)`.mapWith(Number) })
    .from(t)
    .where(and(...conditions))
    .groupBy(t.status)
    .orderBy(sql`count(*) desc`, t.status);
  return {
    count: rows.reduce((s, r) => s + r.count, 0),
    groups: rows.map((r) => ({
      groupValues: [encodeSearchAttributePayload('Keyword', statusName(r.status))],
      count: r.count,
    })),
  };
}
