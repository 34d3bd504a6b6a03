/**
 * Shared pieces of the operator toolkit: dependencies, case references (from visibility + the first history
 * event), gRPC error helpers. Only public Temporal client APIs are used, so everything works on a real cluster.
 */
import { decodeHistoryPayload } from '../worker/codec/data-converter';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Executor } from '../db/connection';
import { getProcedure } from '../procedures/catalog';
import type { ProcedureDefinition } from '../procedures/types';
import { RUN_PROCEDURE_WORKFLOW, type RunProcedureInput } from '../workflows/definitions';

export interface OpsDeps {
  client: Client;
  /** The registries database (audit log). */
  db: Executor;
  namespace?: string;
  now?: () => Date;
}

export function nsOf(deps: OpsDeps): string {
  return deps.namespace ?? deps.client.options.namespace ?? 'default';
}

export function nowOf(deps: OpsDeps): Date {
  return deps.now ? deps.now() : new Date();
}

export const CASE_PREFIX = 'case-';

export function caseIdOf(workflowId: string): string {
  return workflowId.startsWith(CASE_PREFIX) ? workflowId.slice(CASE_PREFIX.length) : workflowId;
}

export interface CaseRef {
  caseId: string;
  workflowId: string;
  runId: string;
  procedureId: string;
  procedureVersion: number;
  receivedAt: string | null;
  startTime: string;
  status: string;
  historyLength: number;
}

export interface CaseFilter {
  procedureId?: string;
  procedureVersion?: number;
  /** Only cases of procedures this agency takes part in (and, for `stuck`, reasons concerning it). */
  agency?: string;
  /** Only cases started at least this long ago. */
  olderThanMs?: number;
  /** Extra list-filter clause, ANDed (e.g. `StartTime > '2026-01-01T00:00:00Z'`). */
  query?: string;
  /** Include closed executions (default: running only). */
  includeClosed?: boolean;
  caseIds?: string[];
  limit?: number;
}

/** Escapes a literal for Temporal's list-filter language. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function buildListQuery(filter: CaseFilter, now: Date): string {
  const parts = [`WorkflowType = ${quote(RUN_PROCEDURE_WORKFLOW)}`, `WorkflowId STARTS_WITH ${quote(CASE_PREFIX)}`];
  if (!filter.includeClosed) parts.push(`ExecutionStatus = 'Running'`);
  if (filter.olderThanMs !== undefined) parts.push(`StartTime < ${quote(new Date(now.getTime() - filter.olderThanMs).toISOString())}`);
  if (filter.caseIds && filter.caseIds.length > 0) parts.push(`WorkflowId IN (${filter.caseIds.map((c) => quote(CASE_PREFIX + c)).join(', ')})`);
  if (filter.query && filter.query.trim()) parts.push(`(${filter.query.trim()})`);
  return parts.join(' AND ');
}

/** The run's start input (procedure id/version, case id, received-at) from its first history event. */
export async function loadStartInput(deps: OpsDeps, workflowId: string, runId?: string): Promise<{ input: RunProcedureInput | null }> {
  const res = await deps.client.workflowService.getWorkflowExecutionHistory({
    namespace: nsOf(deps),
    execution: { workflowId, runId: runId ?? '' },
    maximumPageSize: 1,
  });
  const first = res.history?.events?.[0];
  const payload = first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const input = (await decodeHistoryPayload<RunProcedureInput>(deps.client.options.loadedDataConverter, payload)) ?? null;
  return { input };
}

export function definitionOf(ref: Pick<CaseRef, 'procedureId' | 'procedureVersion'>): ProcedureDefinition | null {
  try {
    return getProcedure(ref.procedureId, ref.procedureVersion);
  } catch {
    return null;
  }
}

async function refOf(deps: OpsDeps, info: WorkflowExecutionInfo): Promise<CaseRef> {
  const { input } = await loadStartInput(deps, info.workflowId, info.runId);
  return {
    caseId: input?.caseId ?? caseIdOf(info.workflowId),
    workflowId: info.workflowId,
    runId: info.runId,
    procedureId: input?.procedureId ?? '?',
    procedureVersion: input?.procedureVersion ?? 0,
    receivedAt: input?.receivedAt ?? null,
    startTime: info.startTime.toISOString(),
    status: info.status.name,
    historyLength: info.historyLength,
  };
}

/** Case executions matching the filter (visibility query, then procedure/version/agency from the start input). */
export async function listCases(deps: OpsDeps, filter: CaseFilter = {}): Promise<CaseRef[]> {
  const query = buildListQuery(filter, nowOf(deps));
  const out: CaseRef[] = [];
  try {
    for await (const info of listing(deps, query, filter)) {
      out.push(info);
      if (filter.limit !== undefined && out.length >= filter.limit) break;
    }
  } catch (err) {
    // A malformed --query / ?query= is the caller's error, not the server's.
    if (grpcCode(err) === grpcStatus.INVALID_ARGUMENT) throw new OpsError('INVALID_QUERY', `not a valid list filter: ${filter.query ?? query} (${err instanceof Error ? err.message : String(err)})`);
    throw err;
  }
  return out;
}

async function* listing(deps: OpsDeps, query: string, filter: CaseFilter): AsyncGenerator<CaseRef> {
  for await (const info of deps.client.workflow.list({ query })) {
    const ref = await refOf(deps, info);
    if (filter.procedureId && ref.procedureId !== filter.procedureId) continue;
    if (filter.procedureVersion !== undefined && ref.procedureVersion !== filter.procedureVersion) continue;
    if (filter.agency) {
      const def = definitionOf(ref);
      if (!def || !(def.agencies as readonly string[]).includes(filter.agency)) continue;
    }
    yield ref;
  }
}

/** The current (latest) run of a case. */
export async function caseRef(deps: OpsDeps, caseId: string): Promise<CaseRef> {
  const workflowId = CASE_PREFIX + caseId;
  const desc = await deps.client.workflow.getHandle(workflowId).describe();
  const { input } = await loadStartInput(deps, workflowId, desc.runId);
  return {
    caseId,
    workflowId,
    runId: desc.runId,
    procedureId: input?.procedureId ?? '?',
    procedureVersion: input?.procedureVersion ?? 0,
    receivedAt: input?.receivedAt ?? null,
    startTime: desc.startTime.toISOString(),
    status: desc.status.name,
    historyLength: desc.historyLength,
  };
}

export function grpcCode(err: unknown): number | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.cause?.code === 'number') return e.cause.code;
  return undefined;
}

export function isUnimplemented(err: unknown): boolean {
  return grpcCode(err) === grpcStatus.UNIMPLEMENTED;
}

export class OpsUnsupportedError extends Error {
  readonly code = 'OPS_UNSUPPORTED';
  constructor(
    readonly rpc: string,
    what: string,
  ) {
    super(`${what}: the Temporal server does not implement ${rpc}`);
  }
}

export class OpsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function failureMessage(f: temporal.api.failure.v1.IFailure | null | undefined): string | null {
  if (!f) return null;
  const parts: string[] = [];
  let cur: temporal.api.failure.v1.IFailure | null | undefined = f;
  for (let i = 0; cur && i < 5; i++) {
    const type = cur.applicationFailureInfo?.type;
    if (cur.message) parts.push(type ? `${type}: ${cur.message}` : cur.message);
    cur = cur.cause;
  }
  return parts.join(' ← ') || null;
}

export function tsToIso(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null {
  if (!ts || ts.seconds == null) return null;
  const raw = ts.seconds as number | string | { toNumber(): number };
  const secs = typeof raw === 'object' ? raw.toNumber() : Number(raw);
  return new Date(secs * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}
