/**
 * Adapter to the visibility module (owned by another helper, devserver/visibility/index.ts). Loaded
 * dynamically so the core runs whether or not that module exists yet.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Executor } from '../db/connection';
import type { OperatorServiceHandlers, WorkflowServiceHandlers } from './errors';
import type { TemporalTypes } from './proto';

export interface VisibilityRecord {
  namespaceId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  status: number;
  startTime: Date;
  executionTime: Date;
  closeTime: Date | null;
  historyLength: number;
  memo: TemporalTypes.api.common.v1.IMemo | null;
  searchAttributes: Record<string, TemporalTypes.api.common.v1.IPayload>;
  parentWorkflowId?: string | null;
  parentRunId?: string | null;
}

/** The visibility row as a JSON document, written by the run's own write (ds_apply_writes). */
export type VisibilityDocumenter = (db: Executor, rec: VisibilityRecord) => Promise<Record<string, unknown>>;

export interface VisibilityModule {
  visibilityDocument: VisibilityDocumenter;
  deleteVisibility?: (tx: Executor, namespaceId: string, runId: string) => Promise<void>;
  /** Throws INVALID_ARGUMENT naming an unregistered attribute or a value of the wrong type. */
  validateSearchAttributes?: (db: Executor, namespaceId: string, payloads: Record<string, TemporalTypes.api.common.v1.IPayload>) => Promise<void>;
  /** Registers the Temporal CLI dev server's Custom*Field attributes in a namespace. */
  preregisterSearchAttributes?: (db: Executor, namespaceId: string, now: Date) => Promise<void>;
  /** Upserts a row as a statement of its own (schedules' rows). */
  recordVisibility?: (tx: Executor, rec: VisibilityRecord) => Promise<void>;
  /** ListWorkflowExecutions' query over the rows (ListSchedules filters schedules' rows with it). */
  listExecutions?: (
    db: Executor,
    namespaceId: string,
    req: { query?: string | null; pageSize?: number | null; nextPageToken?: Uint8Array | null },
  ) => Promise<{ executions: Record<string, unknown>[]; nextPageToken: Uint8Array }>;
  createVisibilityHandlers(deps: {
    db: Executor;
    resolveNamespace(name: string): Promise<{ id: string; name: string }>;
  }): { workflowService: WorkflowServiceHandlers; operatorService: OperatorServiceHandlers };
}

export async function loadVisibility(): Promise<VisibilityModule | null> {
  const url = new URL('./visibility/index.ts', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return null;
  try {
    const mod = (await import(url.href)) as Partial<VisibilityModule>;
    if (typeof mod.visibilityDocument !== 'function' || typeof mod.createVisibilityHandlers !== 'function') return null;
    return mod as VisibilityModule;
  } catch (e) {
    console.warn('[devserver] visibility module failed to load; continuing without it', e);
    return null;
  }
}
