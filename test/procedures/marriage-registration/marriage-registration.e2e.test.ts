import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, or } from 'drizzle-orm';
import { listAudit } from '../../../db/engine/audit-queries';
import { marriageRegistrations } from '../../../db/registries/schema';
import {
  FIXTURE_FATHER,
  UNDERAGE_MAN,
  UNMARRIED_MAN,
  UNMARRIED_MAN_2,
  UNMARRIED_WOMAN,
  UNMARRIED_WOMAN_2,
  type FixturePerson,
} from '../../../db/seed';
import { marriageRegistrationV1, type MarriageApplication } from '../../../procedures/marriage-registration/procedure';
import { getCaseResult, getCaseSnapshot, sendEvent, startCase, EventNotAcceptedError } from '../../../workflows/case-client';
import { inState, officers, startHarness, waitForCase, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const citizen = (p: FixturePerson) => ({ kind: 'citizen' as const, id: p.personalId });
const application = (a: FixturePerson, b: FixturePerson): MarriageApplication => ({
  applicant: { personalId: a.personalId },
  partyA: { personalId: a.personalId },
  partyB: { personalId: b.personalId },
  registration: { communeCode: '00070', provinceCode: '01' },
});
const writesOf = async (caseId: string) =>
  (await listAudit(h.registries.db, { caseId })).filter((a) => a.kind === 'write').map((a) => `${a.registry}.${a.operation}`);

describe('marriage registration end to end', () => {
  it('both parties consent, the officer registers: certificate from the register book; once-only; audited', async () => {
    const caseId = 'marriage-happy';
    await startCase(h.client, { caseId, procedureId: 'marriage-registration', input: { application: application(UNMARRIED_MAN, UNMARRIED_WOMAN) } });
    const waiting = await waitForCase(h.client, caseId, inState('awaitingConsents'));
    expect(waiting.acceptedEvents.map((e) => e.type).sort()).toEqual(['CONSENT_TO_MARRIAGE', 'DECLINE_MARRIAGE']);
    await sendEvent(h.client, caseId, { type: 'CONSENT_TO_MARRIAGE', actor: citizen(UNMARRIED_MAN) });
    // The officer cannot register before both consent; a third person cannot consent.
    await expect(sendEvent(h.client, caseId, { type: 'APPROVE_MARRIAGE', actor: officers.justice })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await expect(sendEvent(h.client, caseId, { type: 'CONSENT_TO_MARRIAGE', actor: citizen(FIXTURE_FATHER) })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await sendEvent(h.client, caseId, { type: 'CONSENT_TO_MARRIAGE', actor: citizen(UNMARRIED_WOMAN) });
    await waitForCase(h.client, caseId, inState('awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_MARRIAGE', actor: officers.justice });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    expect(r.marriageCertificate).toMatchObject({
      partyAId: UNMARRIED_MAN.personalId,
      partyBId: UNMARRIED_WOMAN.personalId,
      communeCode: '00070',
      registerBook: expect.stringMatching(/^KH-\d{4}-00070$/),
      entryNumber: 1,
      certificateNumber: '01',
      dissolvedAt: null,
    });
    expect(r.consents.map((c: any) => c.partyId)).toEqual([UNMARRIED_MAN.personalId, UNMARRIED_WOMAN.personalId]);

    // Once-only: only IDs and the commune were given; names, dates of birth, marital status were read.
    const citizenSourced = marriageRegistrationV1.data.filter((d) => d.source.kind === 'citizen').map((d) => d.name);
    expect(r.dataReuse.collectedFields.every((f: string) => citizenSourced.includes(f))).toBe(true);
    expect(r.dataReuse.reusedFields).toEqual(expect.arrayContaining(['partyA.fullName', 'partyB.dateOfBirth', 'partyB.sex', 'maritalStatus']));

    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => `${a.registry}.${a.operation}`).sort()).toEqual([
      'civilStatus.findCurrentMarriageOf',
      'civilStatus.findCurrentMarriageOf',
      'civilStatus.registerMarriage',
      'population.getPerson',
      'population.getPerson',
    ]);
    for (const a of audit) {
      expect(a.ctx).toMatchObject({ procedureId: 'marriage-registration', agency: 'justice' });
      expect(a.ctx.legalBasis).toMatch(/Law on/);
    }
    const snap = await getCaseSnapshot(h.client, caseId);
    expect(snap.steps.map((s) => s.step)).toEqual(['total', 'decision']);
    expect(snap.history.map((e) => e.type)).toEqual(['CONSENT_TO_MARRIAGE', 'CONSENT_TO_MARRIAGE', 'APPROVE_MARRIAGE']);
  });

  it('a party already married (per the register) cannot marry again: rejected, nothing written', async () => {
    const caseId = 'marriage-already-married';
    await startCase(h.client, { caseId, procedureId: 'marriage-registration', input: { application: application(UNMARRIED_MAN, UNMARRIED_WOMAN_2) } });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('rejected');
    expect((result.results as any).refusals).toEqual([expect.objectContaining({ code: 'ALREADY_MARRIED' })]);
    expect(await writesOf(caseId)).toEqual([]);
  });

  it('under the marriage age: rejected with the reason', async () => {
    const caseId = 'marriage-underage';
    await startCase(h.client, { caseId, procedureId: 'marriage-registration', input: { application: application(UNDERAGE_MAN, UNMARRIED_WOMAN_2) } });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('rejected');
    expect((result.results as any).refusals).toEqual([expect.objectContaining({ code: 'MARRIAGE_NOT_ALLOWED', reason: expect.stringMatching(/under the marriage age/) })]);
  });

  it('a party declining ends the case as withdrawn; the officer\'s refusal states reasons; nothing written', async () => {
    const caseId = 'marriage-withdrawn';
    await startCase(h.client, { caseId, procedureId: 'marriage-registration', input: { application: application(UNMARRIED_MAN_2, UNMARRIED_WOMAN_2) } });
    await waitForCase(h.client, caseId, inState('awaitingConsents'));
    await sendEvent(h.client, caseId, { type: 'DECLINE_MARRIAGE', actor: citizen(UNMARRIED_WOMAN_2) });
    expect((await getCaseResult(h.client, caseId)).outcome).toBe('withdrawn');

    const refused = 'marriage-refused';
    await startCase(h.client, { caseId: refused, procedureId: 'marriage-registration', input: { application: application(UNMARRIED_MAN_2, UNMARRIED_WOMAN_2) } });
    await waitForCase(h.client, refused, inState('awaitingConsents'));
    await sendEvent(h.client, refused, { type: 'CONSENT_TO_MARRIAGE', actor: citizen(UNMARRIED_MAN_2) });
    await sendEvent(h.client, refused, { type: 'CONSENT_TO_MARRIAGE', actor: citizen(UNMARRIED_WOMAN_2) });
    await waitForCase(h.client, refused, inState('awaitingOfficer'));
    await sendEvent(h.client, refused, { type: 'REFUSE_MARRIAGE', actor: officers.justice, reason: 'a party is under guardianship' });
    const result = await getCaseResult(h.client, refused);
    expect(result.outcome).toBe('refused');
    expect((result.results as any).refusals).toEqual([{ step: 'marriage', reason: 'a party is under guardianship', by: `officer:${officers.justice.id}` }]);
    expect([...(await writesOf(caseId)), ...(await writesOf(refused))]).toEqual([]);
  });

  it('nothing is written twice: one marriage entry for the couple', async () => {
    const rows = await h.registries.db
      .select()
      .from(marriageRegistrations)
      .where(or(eq(marriageRegistrations.partyAId, UNMARRIED_MAN.personalId), eq(marriageRegistrations.partyBId, UNMARRIED_MAN.personalId)));
    expect(rows).toHaveLength(1);
    expect(await writesOf('marriage-happy')).toEqual(['civilStatus.registerMarriage']);
  });
});
