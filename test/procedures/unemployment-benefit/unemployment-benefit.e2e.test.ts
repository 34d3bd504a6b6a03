import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { listAudit } from '../../../db/engine/audit-queries';
import { employmentRecords, unemploymentDecisions } from '../../../db/registries/schema';
import { catalogFixtureEmployment, CONVICTED, DEATH_WORKER_SON, UNMARRIED_MAN_2, type FixturePerson } from '../../../db/seed';
import { localDateOf } from '../../../domain/working-days';
import { unemploymentBenefitV1, type UnemploymentApplication } from '../../../procedures/unemployment-benefit/procedure';
import { getCaseResult, sendEvent, startCase, EventNotAcceptedError } from '../../../workflows/case-client';
import { inState, officers, startHarness, waitForCase, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ extraWorkers: ['labour'] });
  // A contract that ended a month ago (the seeded ones carry fixed dates): the claim is within the 3-month window.
  await h.registries.db.insert(employmentRecords).values({
    personalId: CONVICTED.personalId,
    lastEmployer: 'Công ty TNHH Cơ khí Ba Đình',
    contractEndedAt: localDateOf(new Date(Date.now() - 30 * 86_400_000)),
    unemploymentInsuranceMonths: 20,
    averageMonthlySalary: 10_000_000,
  });
});
afterAll(async () => {
  await h?.close();
});

const labourOfficer = { kind: 'officer' as const, id: 'dvvl-ha-noi-05', agency: 'labour' as const };
const application = (p: FixturePerson): UnemploymentApplication => ({ applicant: { personalId: p.personalId }, claim: { provinceCode: '01', bankAccount: 'VCB 0123456789' } });

describe('unemployment benefit end to end', () => {
  it('granted: 60% of the average salary for 3 months; contributions read, not asked; audited; decided once', async () => {
    const caseId = 'ub-granted';
    await startCase(h.client, { caseId, procedureId: 'unemployment-benefit', input: { application: application(CONVICTED) } });
    await waitForCase(h.client, caseId, inState('awaitingOfficer'));
    await expect(sendEvent(h.client, caseId, { type: 'APPROVE_UNEMPLOYMENT_BENEFIT', actor: officers.justice })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await sendEvent(h.client, caseId, { type: 'APPROVE_UNEMPLOYMENT_BENEFIT', actor: labourOfficer });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    expect(r.decision).toMatchObject({ personalId: CONVICTED.personalId, monthlyAmount: 6_000_000, months: 3 });
    const citizenSourced = unemploymentBenefitV1.data.filter((d) => d.source.kind === 'citizen').map((d) => d.name);
    expect(r.dataReuse.collectedFields.every((f: string) => citizenSourced.includes(f))).toBe(true);
    expect(r.dataReuse.reusedFields).toEqual(expect.arrayContaining(['applicant.fullName', 'employment.contributionMonths']));
    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => `${a.ctx.agency}:${a.registry}.${a.operation}`)).toEqual([
      'labour:population.getPerson',
      'labour:employment.getEmploymentRecord',
      'labour:employment.decideUnemploymentBenefit',
    ]);
    for (const a of audit) expect(a.ctx.legalBasis).toMatch(/Law on Employment/);
    expect(await h.registries.db.select().from(unemploymentDecisions).where(eq(unemploymentDecisions.personalId, CONVICTED.personalId))).toHaveLength(1);
  });

  it('fewer than 12 months of contributions: rejected with the reason; a refusal states reasons; nothing written', async () => {
    const caseId = 'ub-rejected';
    await startCase(h.client, { caseId, procedureId: 'unemployment-benefit', input: { application: application(DEATH_WORKER_SON) } });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('rejected');
    expect((result.results as any).refusals[0]).toMatchObject({ code: 'NOT_ENTITLED', reason: expect.stringMatching(/only 8 months/) });
    expect((await listAudit(h.registries.db, { caseId })).filter((a) => a.kind === 'write')).toEqual([]);

    const again = 'ub-refused';
    await startCase(h.client, { caseId: again, procedureId: 'unemployment-benefit', input: { application: application(CONVICTED) } });
    await waitForCase(h.client, again, inState('awaitingOfficer'));
    await sendEvent(h.client, again, { type: 'REFUSE_UNEMPLOYMENT_BENEFIT', actor: labourOfficer, reason: 'a benefit was already decided for this termination' });
    expect((await getCaseResult(h.client, again)).outcome).toBe('refused');
    expect((await listAudit(h.registries.db, { caseId: again })).filter((a) => a.kind === 'write')).toEqual([]);
  });

  it('the seeded claimant is entitled on any day: the fixture contracts end relative to the seeding day', async () => {
    for (const today of ['2026-12-02', '2031-02-28']) {
      for (const e of catalogFixtureEmployment(today)) {
        expect(e.contractEndedAt < today).toBe(true);
        expect(Date.parse(today) - Date.parse(e.contractEndedAt)).toBeLessThan(60 * 86_400_000);
      }
    }
    const caseId = 'ub-seeded';
    await startCase(h.client, { caseId, procedureId: 'unemployment-benefit', input: { application: application(UNMARRIED_MAN_2) } });
    await waitForCase(h.client, caseId, inState('awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_UNEMPLOYMENT_BENEFIT', actor: labourOfficer });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    expect((result.results as any).decision).toMatchObject({ personalId: UNMARRIED_MAN_2.personalId, monthlyAmount: 5_400_000 });
  });
});
