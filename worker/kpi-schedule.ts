/**
 * The daily KPI snapshot as a Temporal Schedule: every day at 00:15 Vietnam time the `kpiDailySnapshot` workflow
 * records the previous day's indicators (workflows/kpi-snapshot.ts). Created once, idempotently, by `npm start` and
 * the engine worker; a missed run is caught up within a day; runs never overlap.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { KPI_SNAPSHOT_WORKFLOW } from '../workflows/kpi-snapshot';
import { ENGINE_TASK_QUEUE } from '../workflows/task-queues';

export const KPI_SCHEDULE_ID = 'kpi-daily-snapshot';

export interface EnsureScheduleResult {
  scheduleId: string;
  created: boolean;
}

export async function ensureKpiSnapshotSchedule(client: Client): Promise<EnsureScheduleResult> {
  try {
    await client.schedule.create({
      scheduleId: KPI_SCHEDULE_ID,
      spec: { calendars: [{ hour: 0, minute: 15, comment: 'the previous day is complete (UTC+7)' }], timezone: 'Asia/Ho_Chi_Minh' },
      action: { type: 'startWorkflow', workflowType: KPI_SNAPSHOT_WORKFLOW, taskQueue: ENGINE_TASK_QUEUE, args: [{}] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return { scheduleId: KPI_SCHEDULE_ID, created: true };
  } catch (e) {
    if (e instanceof ScheduleAlreadyRunning) return { scheduleId: KPI_SCHEDULE_ID, created: false };
    throw e;
  }
}
