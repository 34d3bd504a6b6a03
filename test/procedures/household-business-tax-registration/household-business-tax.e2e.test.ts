import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { listAudit } from '../../../db/engine/audit-queries';
import { taxRegistrations } from '../../../db/registries/schema';
import { UNMARRIED_WOMAN, UNMARRIED_WOMAN_2, type FixturePerson } from '../../../db/seed';
import { householdBusinessTaxV1, type HouseholdBusinessApplication } from '../../../procedures/household-business-tax-registration/procedure';
import { getCaseResult, sendEvent, startCase, EventNotAcceptedError } from '../../../workflows/case-client';
import { inState, officers, startHarness, waitForCase, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ extraWorkers: ['tax'] });
});
afterAll(async () => {
  await h?.close();
});

const taxOfficer = { kind: 'officer' as const, id: 'thue-ba-dinh-02', agency: 'tax' as const };
const application = (p: FixturePerson): HouseholdBusinessApplication => ({
  applicant: { personalId: p.personalId },
  business: { name: `Tạp hoá ${p.fullName.split(' ').pop()}`, line: 'retail of food', communeCode: '00070', provinceCode: '01', startDate: '2026-12-01' },
});

describe('household business first tax registration end to end', () => {
  it('the tax officer accepts: the tax code is the owner\'s personal ID; owner read, not asked; audited', async () => {
    const caseId = 'tax-happy';
    await startCase(h.client, { caseId, procedureId: 'household-business-tax-registration', input: { application: application(UNMARRIED_WOMAN) } });
    await waitForCase(h.client, caseId, inState('awaitingOfficer'));
    await expect(sendEvent(h.client, caseId, { type: 'APPROVE_TAX_REGISTRATION', actor: officers.police })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await sendEvent(h.client, caseId, { type: 'APPROVE_TAX_REGISTRATION', actor: taxOfficer });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    expect(r.taxRegistration).toMatchObject({ taxCode: UNMARRIED_WOMAN.personalId, ownerId: UNMARRIED_WOMAN.personalId, communeCode: '00070' });
    const citizenSourced = householdBusinessTaxV1.data.filter((d) => d.source.kind === 'citizen').map((d) => d.name);
    expect(r.dataReuse.collectedFields.every((f: string) => citizenSourced.includes(f))).toBe(true);
    expect(r.dataReuse.reusedFields).toEqual(expect.arrayContaining(['applicant.fullName', 'applicant.dateOfBirth']));
    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => `${a.ctx.agency}:${a.registry}.${a.operation}`)).toEqual([
      'tax:population.getPerson',
      'tax:tax.findHouseholdBusinessOf',
      'tax:tax.registerHouseholdBusiness',
    ]);
    for (const a of audit) expect(a.ctx.legalBasis).toMatch(/Law on Tax Administration/);
  });

  it('a second registration of the same owner is rejected; a refusal states reasons; nothing written twice', async () => {
    const again = 'tax-again';
    await startCase(h.client, { caseId: again, procedureId: 'household-business-tax-registration', input: { application: application(UNMARRIED_WOMAN) } });
    const result = await getCaseResult(h.client, again);
    expect(result.outcome).toBe('rejected');
    expect((result.results as any).refusals[0].code).toBe('ALREADY_TAX_REGISTERED');

    const refused = 'tax-refused';
    await startCase(h.client, { caseId: refused, procedureId: 'household-business-tax-registration', input: { application: application(UNMARRIED_WOMAN_2) } });
    await waitForCase(h.client, refused, inState('awaitingOfficer'));
    await sendEvent(h.client, refused, { type: 'REFUSE_TAX_REGISTRATION', actor: taxOfficer, reason: 'the business line needs a licence first' });
    expect((await getCaseResult(h.client, refused)).outcome).toBe('refused');
    for (const id of [again, refused]) expect((await listAudit(h.registries.db, { caseId: id })).filter((a) => a.kind === 'write')).toEqual([]);
    expect(await h.registries.db.select().from(taxRegistrations).where(eq(taxRegistrations.ownerId, UNMARRIED_WOMAN.personalId))).toHaveLength(1);
  });
});
