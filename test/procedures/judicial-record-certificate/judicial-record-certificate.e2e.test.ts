import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { listAudit } from '../../../db/engine/audit-queries';
import { judicialRecordCertificates } from '../../../db/registries/schema';
import { CONVICTED, CONVICTION_EXPUNGED, FIXTURE_SINGLE_HEAD, type FixturePerson } from '../../../db/seed';
import { judicialRecordCertificateV1, type JudicialRecordApplication } from '../../../procedures/judicial-record-certificate/procedure';
import { getCaseResult, getCaseSnapshot, sendEvent, startCase, EventNotAcceptedError } from '../../../workflows/case-client';
import { inState, officers, startHarness, waitForCase, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const application = (p: FixturePerson, certificateType: '1' | '2'): JudicialRecordApplication => ({
  applicant: { personalId: p.personalId },
  certificateType,
  purposeOfRequest: 'employment application',
});

async function issue(caseId: string, app: JudicialRecordApplication) {
  await startCase(h.client, { caseId, procedureId: 'judicial-record-certificate', input: { application: app } });
  await waitForCase(h.client, caseId, inState('awaitingOfficer'));
  await expect(sendEvent(h.client, caseId, { type: 'APPROVE_CERTIFICATE', actor: officers.justice })).rejects.toBeInstanceOf(EventNotAcceptedError);
  await sendEvent(h.client, caseId, { type: 'APPROVE_CERTIFICATE', actor: officers.police });
  return getCaseResult(h.client, caseId);
}

describe('judicial record certificate end to end', () => {
  it('a clean record: certificate with no convictions; identity read, not asked; audited', async () => {
    const caseId = 'jr-clean';
    const result = await issue(caseId, application(FIXTURE_SINGLE_HEAD, '1'));
    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    expect(r.certificate).toMatchObject({ personalId: FIXTURE_SINGLE_HEAD.personalId, certificateType: '1', convictions: [] });
    expect(r.certificate.certificateNumber).toMatch(/^LLTP-\d{8}-jr-clean$/);
    const citizenSourced = judicialRecordCertificateV1.data.filter((d) => d.source.kind === 'citizen').map((d) => d.name);
    expect(r.dataReuse.collectedFields.every((f: string) => citizenSourced.includes(f))).toBe(true);
    expect(r.dataReuse.reusedFields).toEqual(expect.arrayContaining(['applicant.fullName', 'applicant.dateOfBirth', 'convictions']));
    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => `${a.ctx.agency}:${a.registry}.${a.operation}`)).toEqual([
      'police:population.getPerson',
      'police:judicialRecords.getConvictionsOf',
      'police:judicialRecords.issueCertificate',
    ]);
    for (const a of audit) expect(a.ctx.legalBasis).toMatch(/Law on Judicial Records/);
    const snap = await getCaseSnapshot(h.client, caseId);
    expect(snap.steps.find((s) => s.step === 'total')).toMatchObject({ workingDays: 10, onTime: true });
  });

  it('shows an unexpunged conviction; type 1 omits an expunged one, type 2 shows it', async () => {
    const convicted = (await issue('jr-convicted', application(CONVICTED, '1'))).results as any;
    expect(convicted.certificate.convictions).toEqual([expect.objectContaining({ judgmentRef: 'BA-2019-HN-0457', expunged: false })]);
    const type1 = (await issue('jr-expunged-1', application(CONVICTION_EXPUNGED, '1'))).results as any;
    expect(type1.certificate.convictions).toEqual([]);
    const type2 = (await issue('jr-expunged-2', application(CONVICTION_EXPUNGED, '2'))).results as any;
    expect(type2.certificate.convictions).toEqual([expect.objectContaining({ judgmentRef: 'BA-2010-HN-0112', expunged: true })]);
  });

  it('the officer refuses with reasons, and an unknown applicant is rejected: nothing is issued', async () => {
    const caseId = 'jr-refused';
    await startCase(h.client, { caseId, procedureId: 'judicial-record-certificate', input: { application: application(FIXTURE_SINGLE_HEAD, '2') } });
    await waitForCase(h.client, caseId, inState('awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'REQUIRE_VERIFICATION', actor: officers.police });
    expect((await getCaseSnapshot(h.client, caseId)).steps.find((s) => s.step === 'total')!.workingDays).toBe(15);
    await sendEvent(h.client, caseId, { type: 'REFUSE_CERTIFICATE', actor: officers.police, reason: 'type 2 needs a request from a court' });
    expect((await getCaseResult(h.client, caseId)).outcome).toBe('refused');

    const unknown = 'jr-unknown';
    await startCase(h.client, { caseId: unknown, procedureId: 'judicial-record-certificate', input: { application: { ...application(FIXTURE_SINGLE_HEAD, '1'), applicant: { personalId: '001199999999' } } } });
    const result = await getCaseResult(h.client, unknown);
    expect(result.outcome).toBe('rejected');
    expect((result.results as any).refusals[0].code).toBe('PERSON_NOT_FOUND');
    for (const id of [caseId, unknown]) expect((await listAudit(h.registries.db, { caseId: id })).filter((a) => a.kind === 'write')).toEqual([]);
  });

  it('nothing is written twice: one certificate per case', async () => {
    const rows = await h.registries.db.select().from(judicialRecordCertificates).where(eq(judicialRecordCertificates.personalId, CONVICTION_EXPUNGED.personalId));
    expect(rows.map((r) => r.caseId).sort()).toEqual(['jr-expunged-1', 'jr-expunged-2']);
  });
});
