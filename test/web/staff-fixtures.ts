/** Fixtures of the staff browser tests: a flaky registry (injected fault) and read-model cases for the dashboard. */
import { and, count, eq, like } from 'drizzle-orm';
import { expect } from 'vitest';
import { cryptoRandom } from '../../activities/registries';
import { createPostgresSocialInsurance } from '../../activities/registries/postgres/social-insurance';
import type { SocialInsuranceRegistry } from '../../domain/registries';
import type { Executor } from '../../db/connection';
import { applyCaseRows } from '../../db/engine/case-views';
import type { CaseRows } from '../../db/engine/case-rows';
import { birthRegistrations, healthInsuranceCards, householdMembers, persons } from '../../db/registries/schema';

/** The VSS register failing (a retryable error) while `outage.broken`: the agency worker's adapter wraps the real one. */
export function flakySocialInsurance(db: Executor, outage: { broken: boolean }): SocialInsuranceRegistry {
  const real = createPostgresSocialInsurance(db, cryptoRandom);
  return {
    ...real,
    issueHealthInsuranceCard: async (ctx, input) => {
      if (outage.broken) throw new Error('VSS registry unavailable (injected fault)');
      return real.issueHealthInsuranceCard(ctx, input);
    },
  };
}

/** Every register write of a completed birth-group case exists once. */
export async function expectWrittenOnce(db: Executor, caseId: string, childName: string): Promise<void> {
  const people = await db.select().from(persons).where(like(persons.createdByCaseId, `${caseId}#%`));
  expect(people).toHaveLength(1);
  expect(people[0].fullName).toBe(childName);
  const childId = people[0].personalId;
  expect(await db.select().from(birthRegistrations).where(eq(birthRegistrations.caseId, caseId))).toHaveLength(1);
  expect((await db.select({ n: count() }).from(householdMembers).where(eq(householdMembers.personalId, childId)))[0].n).toBe(1);
  expect((await db.select({ n: count() }).from(healthInsuranceCards).where(and(eq(healthInsuranceCards.personalId, childId))))[0].n).toBe(1);
}

interface FixtureCase {
  id: string;
  procedureId: string;
  channel: string;
  province: string;
  receivedDaysAgo: number;
  settledDaysAgo: number | null;
  deadlineDaysAgo: number;
  days: number | null;
  agencies: string[];
  outcome?: string;
}

/** Read-model rows of settled, open and overdue cases received in the last days (as the projection writes them). */
export const DASHBOARD_CASES: FixtureCase[] = [
  { id: 'kpi-a', procedureId: 'birth-group', channel: 'portal', province: '01', receivedDaysAgo: 6, settledDaysAgo: 5, deadlineDaysAgo: 3, days: 1, agencies: ['justice', 'police', 'vss'] },
  { id: 'kpi-b', procedureId: 'birth-group', channel: 'counter', province: '01', receivedDaysAgo: 12, settledDaysAgo: 2, deadlineDaysAgo: 8, days: 7, agencies: ['justice', 'police'] },
  { id: 'kpi-c', procedureId: 'birth-group', channel: 'vneid', province: '79', receivedDaysAgo: 9, settledDaysAgo: null, deadlineDaysAgo: 4, days: null, agencies: ['justice'] },
  { id: 'kpi-d', procedureId: 'marriage-registration', channel: 'counter', province: '79', receivedDaysAgo: 3, settledDaysAgo: 3, deadlineDaysAgo: -2, days: 0, agencies: ['justice'], outcome: 'refused' },
  { id: 'kpi-e', procedureId: 'death-group', channel: 'portal', province: '01', receivedDaysAgo: 1, settledDaysAgo: null, deadlineDaysAgo: -4, days: null, agencies: ['justice', 'vss'] },
];

export async function insertDashboardCases(db: Executor, now: Date): Promise<void> {
  const ago = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
  for (const f of DASHBOARD_CASES) {
    const settled = f.settledDaysAgo !== null;
    const rows: CaseRows = {
      view: {
        caseId: f.id, seq: 1, procedureId: f.procedureId, procedureVersion: 1, applicantId: null, channel: f.channel, agencies: [...f.agencies].sort(),
        provinceCode: f.province, communeCode: null, status: settled ? 'closed' : 'in_progress', outcome: settled ? (f.outcome ?? 'completed') : null,
        activeStates: settled ? [] : ['awaitingOfficer'], receivedAt: ago(f.receivedDaysAgo), dossierCompleteAt: ago(f.receivedDaysAgo),
        settledAt: settled ? ago(f.settledDaysAgo!) : null, deadlineAt: ago(f.deadlineDaysAgo), onTime: settled ? f.settledDaysAgo! >= f.deadlineDaysAgo : null,
        settlementWorkingDays: f.days, fieldsReused: 6, fieldsCollected: 3, populationDataUsed: f.channel !== 'counter', electronicResult: settled && f.outcome === undefined, snapshot: {},
      },
      parties: [],
      steps: [],
      decisions: [],
      fields: [],
      workItems: [],
    };
    await applyCaseRows(db, rows, now.toISOString());
  }
}
