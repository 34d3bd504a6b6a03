/**
 * Service-quality indicators on a fixture month (November 2026, Vietnam time) of hand-made read-model rows, against
 * values computed by hand (formulas in docs/read-model.md). Real PGlite (or DATABASE_URL's Postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCaseRows } from '../../db/engine/case-views';
import type { CaseRows } from '../../db/engine/case-rows';
import { computeKpis, kpisToCsv } from '../../db/engine/kpis';
import { listKpiSnapshots, takeKpiSnapshot } from '../../db/engine/kpi-snapshots';
import { listCases, listWorkQueue } from '../../db/engine/case-lists';
import { openTestDatabase, type TestDatabase } from '../support/registry-helpers';

let t: TestDatabase;

interface Fixture {
  id: string;
  procedureId?: string;
  channel: string;
  province: string;
  received: string;
  settled: string | null;
  deadline: string;
  days: number | null;
  reused: number;
  collected: number;
  population: boolean;
  electronic: boolean;
  agencies: string[];
  outcome?: string;
}

function rowsOf(f: Fixture): CaseRows {
  const settled = f.settled !== null;
  return {
    view: {
      caseId: f.id,
      seq: 1,
      procedureId: f.procedureId ?? 'birth-group',
      procedureVersion: 1,
      applicantId: null,
      channel: f.channel,
      agencies: [...f.agencies].sort(),
      provinceCode: f.province,
      communeCode: null,
      status: settled ? 'closed' : 'in_progress',
      outcome: settled ? (f.outcome ?? 'completed') : null,
      activeStates: [],
      receivedAt: f.received,
      dossierCompleteAt: f.received,
      settledAt: f.settled,
      deadlineAt: f.deadline,
      onTime: settled ? f.settled! <= f.deadline : null,
      settlementWorkingDays: f.days,
      fieldsReused: f.reused,
      fieldsCollected: f.collected,
      populationDataUsed: f.population,
      electronicResult: f.electronic,
      snapshot: {},
    },
    parties: [],
    steps: f.agencies.map((agency, i) => ({ caseId: f.id, step: `s${i}`, agency, startedAt: f.received, dueAt: f.deadline, completedAt: f.settled, onTime: null, workingDays: 1 })),
    decisions: [],
    fields: [],
    workItems: settled ? [] : [{ caseId: f.id, agency: f.agencies[0], events: ['APPROVE'], since: f.received, dueAt: f.deadline, procedureId: f.procedureId ?? 'birth-group', provinceCode: f.province, communeCode: null }],
  };
}

// prettier-ignore
const FIXTURES: Fixture[] = [
  { id: 'A', channel: 'portal', province: '01', received: '2026-11-02T02:00:00.000Z', settled: '2026-11-03T03:00:00.000Z', deadline: '2026-11-05T16:59:59.999Z', days: 1, reused: 8, collected: 2, population: true, electronic: true, agencies: ['justice', 'police', 'vss'] },
  { id: 'B', channel: 'counter', province: '01', received: '2026-11-03T02:00:00.000Z', settled: '2026-11-12T03:00:00.000Z', deadline: '2026-11-06T16:59:59.999Z', days: 7, reused: 6, collected: 4, population: true, electronic: true, agencies: ['justice', 'police'] },
  { id: 'C', channel: 'vneid', province: '79', received: '2026-11-10T02:00:00.000Z', settled: null, deadline: '2026-11-13T16:59:59.999Z', days: null, reused: 5, collected: 5, population: false, electronic: false, agencies: ['justice'] },
  { id: 'D', procedureId: 'marriage-registration', channel: 'counter', province: '79', received: '2026-11-20T02:00:00.000Z', settled: '2026-11-20T08:00:00.000Z', deadline: '2026-11-25T16:59:59.999Z', days: 0, reused: 0, collected: 4, population: false, electronic: false, agencies: ['justice'], outcome: 'refused' },
  { id: 'E', channel: 'portal', province: '01', received: '2026-10-28T02:00:00.000Z', settled: '2026-11-04T03:00:00.000Z', deadline: '2026-10-31T16:59:59.999Z', days: 5, reused: 10, collected: 0, population: true, electronic: true, agencies: ['justice'] },
  { id: 'F', channel: 'portal', province: '01', received: '2026-12-01T03:00:00.000Z', settled: null, deadline: '2026-12-05T16:59:59.999Z', days: null, reused: 3, collected: 1, population: true, electronic: false, agencies: ['justice'] },
];

const NOVEMBER = { from: '2026-10-31T17:00:00.000Z', to: '2026-11-30T17:00:00.000Z', now: new Date('2026-11-30T10:00:00.000Z') };

beforeAll(async () => {
  t = await openTestDatabase();
  for (const f of FIXTURES) await applyCaseRows(t.db, rowsOf(f), '2026-12-01T00:00:00.000Z');
});
afterAll(async () => t?.close());

describe('KPIs on a fixture month', () => {
  it('computes every indicator and Decision 766 score as computed by hand', async () => {
    const [all] = await computeKpis(t.db, NOVEMBER);
    expect(all).toEqual({
      group: 'all',
      received: 4, // A B C D (E was received in October, F in December)
      settled: 4, // A B D E
      settledOnTime: 2, // A D
      onTimeRate: 0.5,
      overdueNow: 1, // C
      averageSettlementWorkingDays: 3.25, // (1 + 7 + 0 + 5) / 4
      p90SettlementWorkingDays: 6.4, // [0 1 5 7]: 5 + 0.7 × (7 − 5)
      onlineShare: 0.5, // A portal, C vneid
      reuseRate: 0.5588, // 19 / (19 + 15)
      populationDataShare: 0.5, // A B
      electronicResultShare: 0.75, // A B E of A B D E
      scores: {
        progress: 10, // 20 × 2 / 4
        onlineDossiers: 6, // 6 × min(1, 0.5 / 0.5)
        electronicResults: 4.5, // 6 × 0.75
        dataReuse: 1.4, // 2 × 0.5588 / 0.8
        populationData: 1, // 2 × 0.5
        total: 22.9,
      },
    });
  });

  it('groups by province and agency, and filters by procedure', async () => {
    const byProvince = await computeKpis(t.db, { ...NOVEMBER, groupBy: 'province' });
    expect(byProvince.map((r) => [r.group, r.received, r.settled, r.settledOnTime, r.overdueNow])).toEqual([
      ['01', 2, 3, 1, 0],
      ['79', 2, 1, 1, 1],
    ]);
    const byAgency = await computeKpis(t.db, { ...NOVEMBER, groupBy: 'agency' });
    expect(byAgency.map((r) => [r.group, r.received, r.settled, r.settledOnTime, r.onTimeRate])).toEqual([
      ['justice', 4, 4, 2, 0.5],
      ['police', 2, 2, 1, 0.5],
      ['vss', 1, 1, 1, 1],
    ]);
    const police = await computeKpis(t.db, { ...NOVEMBER, agency: 'police' });
    expect(police.map((r) => [r.group, r.received, r.settled])).toEqual([['all', 2, 2]]);
    const [marriage] = await computeKpis(t.db, { ...NOVEMBER, procedureId: 'marriage-registration' });
    expect(marriage).toMatchObject({ received: 1, settled: 1, settledOnTime: 1, electronicResultShare: 0, onlineShare: 0, reuseRate: 0 });
  });

  it('exports CSV with one line per group', async () => {
    const csv = kpisToCsv(await computeKpis(t.db, { ...NOVEMBER, groupBy: 'procedure' }));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'group,received,settled,settledOnTime,onTimeRate,overdueNow,averageSettlementWorkingDays,p90SettlementWorkingDays,onlineShare,reuseRate,populationDataShare,electronicResultShare,score.progress,score.onlineDossiers,score.electronicResults,score.dataReuse,score.populationData,score.total',
    );
    expect(lines[1]).toBe('birth-group,3,3,1,0.3333,1,4.33,6.6,0.6667,0.6333,0.6667,1,6.67,6,6,1.58,1.33,21.58');
    expect(lines[2]).toBe('marriage-registration,1,1,1,1,0,0,0,0,0,0,0,20,0,0,0,0,20');
  });

  it('keeps a daily snapshot per group; taking it again replaces it', async () => {
    const taken = await takeKpiSnapshot(t.db, { day: '2026-11-03', now: NOVEMBER.now });
    expect(await takeKpiSnapshot(t.db, { day: '2026-11-03', now: NOVEMBER.now })).toEqual(taken);
    const snapshots = await listKpiSnapshots(t.db, { from: '2026-11-03', to: '2026-11-03' });
    expect(snapshots).toHaveLength(taken.rows);
    // On 3 November (local time): B received, A settled on time.
    expect(snapshots.find((s) => s.groupBy === 'all')!.indicators).toMatchObject({ received: 1, settled: 1, settledOnTime: 1, overdueNow: 1 });
    expect(snapshots.filter((s) => s.groupBy === 'agency').map((s) => s.groupKey)).toEqual(['justice', 'police', 'vss']);
  });

  it('lists an agency\'s work queue by deadline, flags overdue cases, and pages cases newest first', async () => {
    const queue = await listWorkQueue(t.db, { agency: 'justice', now: NOVEMBER.now });
    expect(queue.items.map((i) => [i.caseId, i.overdue])).toEqual([
      ['C', true],
      ['F', false],
    ]);
    expect((await listWorkQueue(t.db, { agency: 'justice', provinceCode: '79', now: NOVEMBER.now })).items.map((i) => i.caseId)).toEqual(['C']);
    const first = await listCases(t.db, { limit: 4, now: NOVEMBER.now });
    expect(first.items.map((i) => i.caseId)).toEqual(['F', 'D', 'C', 'B']);
    const second = await listCases(t.db, { limit: 4, cursor: first.nextCursor!, now: NOVEMBER.now });
    expect(second.items.map((i) => i.caseId)).toEqual(['A', 'E']);
    expect(second.nextCursor).toBeNull();
    expect((await listCases(t.db, { overdue: true, now: NOVEMBER.now })).items.map((i) => i.caseId)).toEqual(['C']);
  });
});
