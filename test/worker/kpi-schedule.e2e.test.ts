/**
 * The daily KPI snapshot's Temporal Schedule against the devserver (real SDK client and engine worker): created once
 * by `ensureKpiSnapshotSchedule` (as `npm start` and the engine worker do), and a triggered run starts the snapshot
 * workflow on the engine queue, which writes the previous local day's indicators to `kpi_snapshots`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKpiSnapshots } from '../../db/engine/kpi-snapshots';
import { applyCaseRows } from '../../db/engine/case-views';
import { ensureKpiSnapshotSchedule, KPI_SCHEDULE_ID } from '../../worker/kpi-schedule';
import { KPI_SNAPSHOT_WORKFLOW, previousLocalDay } from '../../workflows/kpi-snapshot';
import { ENGINE_TASK_QUEUE } from '../../workflows/task-queues';
import { startHarness, type Harness } from '../support/harness';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('KPI snapshot schedule', () => {
  it('is created once on the devserver, and a triggered run writes the day\'s snapshot', async () => {
    expect(await ensureKpiSnapshotSchedule(h.client)).toEqual({ scheduleId: KPI_SCHEDULE_ID, created: true });
    // Idempotent: the engine worker and `npm start` both ensure it.
    expect(await ensureKpiSnapshotSchedule(h.client)).toEqual({ scheduleId: KPI_SCHEDULE_ID, created: false });

    const handle = h.client.schedule.getHandle(KPI_SCHEDULE_ID);
    const described = await handle.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: KPI_SNAPSHOT_WORKFLOW, taskQueue: ENGINE_TASK_QUEUE });
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 15, end: 15, step: 1 }] });
    expect(described.spec.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(described.info.recentActions).toEqual([]);

    // One case received on the day the run will snapshot (noon, Vietnam time).
    const before = new Date();
    const day = previousLocalDay(before);
    const receivedAt = `${day}T05:00:00.000Z`;
    await applyCaseRows(
      h.registries.db,
      {
        view: {
          caseId: 'kpi-schedule-case', seq: 1, procedureId: 'birth-group', procedureVersion: 1, applicantId: null, channel: 'portal',
          agencies: ['justice'], provinceCode: '01', communeCode: null, status: 'in_progress', outcome: null, activeStates: [],
          receivedAt, dossierCompleteAt: receivedAt, settledAt: null, deadlineAt: null, onTime: null, settlementWorkingDays: null,
          fieldsReused: 3, fieldsCollected: 1, populationDataUsed: true, electronicResult: false, snapshot: {},
        },
        parties: [], steps: [], decisions: [], fields: [], workItems: [],
      },
      before.toISOString(),
    );
    await handle.trigger();
    let workflowId: string | undefined;
    for (let i = 0; i < 100 && !workflowId; i++) {
      workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!workflowId) await sleep(100);
    }
    expect(workflowId).toBeDefined();
    const result = await h.client.workflow.getHandle(workflowId!).result();
    // The previous local day (UTC+7) of the run's start; the snapshot rows are that day's.
    expect(result.day).toBe(day);
    expect(result.rows).toBeGreaterThan(0);
    const snapshots = await listKpiSnapshots(h.registries.db, { from: result.day, to: result.day });
    expect(snapshots).toHaveLength(result.rows);
    expect(snapshots.find((r) => r.groupBy === 'all')).toMatchObject({ day, groupKey: 'all', indicators: { received: 1, settled: 0 } });
    expect(snapshots.find((r) => r.groupBy === 'agency' && r.groupKey === 'justice')!.indicators).toMatchObject({ received: 1 });
  });
});
