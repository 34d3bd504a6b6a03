/**
 * The daily service-quality snapshot, started by the `kpi-daily-snapshot` Temporal Schedule (worker/kpi-schedule.ts):
 * records the indicators of the previous local day (UTC+7) so their history is kept. Sandbox code.
 */
import { proxyActivities } from '@temporalio/workflow';
import { ENGINE_TASK_QUEUE } from './task-queues';

export const KPI_SNAPSHOT_WORKFLOW = 'kpiDailySnapshot';

interface SnapshotActivities {
  takeKpiSnapshot(args: { day: string }): Promise<{ day: string; rows: number }>;
}

/** The local day (UTC+7, yyyy-mm-dd) before `now`. */
export function previousLocalDay(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
}

export async function kpiDailySnapshot(args: { day?: string } = {}): Promise<{ day: string; rows: number }> {
  const { takeKpiSnapshot } = proxyActivities<SnapshotActivities>({
    taskQueue: ENGINE_TASK_QUEUE,
    startToCloseTimeout: '5 minutes',
    retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes' },
  });
  // Workflow time: the schedule's start time, deterministic on replay.
  return takeKpiSnapshot({ day: args.day ?? previousLocalDay(new Date()) });
}
