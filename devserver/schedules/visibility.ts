/**
 * Schedules in visibility, as Temporal keeps them: one row per schedule (workflow id
 * `temporal-sys-scheduler:<id>`, search attributes TemporalNamespaceDivision = 'TemporalScheduler' and
 * TemporalSchedulePaused, plus the schedule's own), so ListSchedules filters with the list-filter language of
 * the visibility module; ListWorkflowExecutions leaves these rows out unless its query names the division.
 * Without a visibility module, ListSchedules lists every schedule and refuses a query.
 */
import type { Executor } from '../../db/connection';
import { InvalidArgumentError } from '../errors';
import { decodeB64, enums, Memo, SearchAttributes, type TemporalTypes } from '../proto';
import type { VisibilityModule, VisibilityRecord } from '../visibility-adapter';
import { isPaused, type ScheduleRecord } from './model';
import * as store from './store';

export const SCHEDULER_WORKFLOW_ID_PREFIX = 'temporal-sys-scheduler:';
export const SCHEDULER_DIVISION = 'TemporalScheduler';
const SCHEDULER_WORKFLOW_TYPE = 'temporal-sys-scheduler-workflow';

type IPayload = TemporalTypes.api.common.v1.IPayload;

/** A search attribute value as the SDK encodes it (json/plain with its type). */
export const jsonPayload = (value: unknown, type: string): IPayload => ({
  metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) },
  data: Buffer.from(JSON.stringify(value)),
});

/** The schedule's visibility row id (stable per namespace and schedule id). */
const rowId = (r: { scheduleId: string }) => `${SCHEDULER_WORKFLOW_ID_PREFIX}${r.scheduleId}`;

export interface ScheduleListPage {
  ids: string[];
  nextPageToken: Uint8Array;
}

export class ScheduleVisibility {
  constructor(
    private readonly db: Executor,
    private readonly module: VisibilityModule | null,
  ) {}

  async record(r: ScheduleRecord): Promise<void> {
    if (!this.module?.recordVisibility) return;
    const own = decodeB64(SearchAttributes, r.searchAttributes)?.indexedFields ?? {};
    const rec: VisibilityRecord = {
      namespaceId: r.namespaceId,
      workflowId: rowId(r),
      runId: rowId(r),
      workflowType: SCHEDULER_WORKFLOW_TYPE,
      taskQueue: '',
      status: enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
      startTime: new Date(r.createTime),
      executionTime: new Date(r.createTime),
      closeTime: null,
      historyLength: 0,
      memo: decodeB64(Memo, r.memo),
      searchAttributes: {
        ...own,
        TemporalNamespaceDivision: jsonPayload(SCHEDULER_DIVISION, 'Keyword'),
        TemporalSchedulePaused: jsonPayload(isPaused(r), 'Bool'),
      },
    };
    await this.module.recordVisibility(this.db, rec);
  }

  /** Refuses unregistered search attributes (of the schedule or its action), as Temporal does at create and update. */
  async validate(namespaceId: string, ...maps: (Record<string, IPayload> | null | undefined)[]): Promise<void> {
    const check = this.module?.validateSearchAttributes;
    if (!check) return;
    for (const m of maps) if (m && Object.keys(m).length > 0) await check(this.db, namespaceId, m);
  }

  async delete(namespaceId: string, scheduleId: string): Promise<void> {
    await this.module?.deleteVisibility?.(this.db, namespaceId, rowId({ scheduleId }));
  }

  /** Schedule ids of one page, in the visibility module's order (newest first by default). */
  async list(namespaceId: string, query: string, pageSize: number, nextPageToken: Uint8Array | null): Promise<ScheduleListPage> {
    const list = this.module?.listExecutions;
    if (!list) {
      if (query.trim()) throw new InvalidArgumentError('ListSchedules with a query needs the visibility module.');
      return { ids: (await store.schedulesOf(this.db, namespaceId)).map((r) => r.scheduleId), nextPageToken: new Uint8Array(0) };
    }
    const division = `TemporalNamespaceDivision = '${SCHEDULER_DIVISION}'`;
    // The filter goes in parentheses; an ORDER BY stays at the end.
    const [, filter, orderBy] = /^([\s\S]*?)(\s*\border\s+by\b[\s\S]*)?$/i.exec(query.trim())!;
    const res = await list(this.db, namespaceId, {
      query: `${filter.trim() ? `${division} AND (${filter})` : division}${orderBy ?? ''}`,
      pageSize,
      nextPageToken,
    });
    const ids = res.executions.map((e) => String((e.execution as { workflowId: string }).workflowId).slice(SCHEDULER_WORKFLOW_ID_PREFIX.length));
    return { ids, nextPageToken: res.nextPageToken };
  }
}
