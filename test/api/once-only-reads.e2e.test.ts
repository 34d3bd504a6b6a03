/**
 * Once-only, counted: the README's birth example through the HTTP API (real devserver, real SDK workers and client,
 * registries on PGlite). The parents' population records are read — and audited — once when the application is
 * received; the justice step that checks the dossier uses those reads, so before the officer sees the case each
 * parent's record has been read exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../api/app';
import { listAudit } from '../../db/engine/audit-queries';
import { FIXTURE_FATHER, FIXTURE_MOTHER } from '../../db/seed';
import type { Harness } from '../support/harness';
import { childFields, readmeApplication } from './fixtures';
import { persons } from '../../db/registries/schema';
import { eq } from 'drizzle-orm';
import type { DevIdentityProvider } from '../../identity/dev-identity-provider';
import { apiCaller, startApiStack, MOTHER, FATHER, HEAD, JUSTICE, POLICE } from './helpers';

let h: Harness;
let idp: DevIdentityProvider;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ({ h, idp, app } = await startApiStack());
});
afterAll(async () => h?.close());

const { call, waitFor } = apiCaller(() => app, () => idp, MOTHER);
const asFather = apiCaller(() => app, () => idp, FATHER);

describe('once-only reads, counted', () => {
  it("the README's birth: each parent's population record is read and audited once before the officer sees the case", async () => {
    // The README names the seed's fixture family.
    expect([FIXTURE_MOTHER.personalId, FIXTURE_MOTHER.fullName, FIXTURE_FATHER.personalId]).toEqual(['036196023456', 'Trần Thị Bình', '001094012345']);
    expect(readmeApplication.fields).toMatchObject({ 'child.fullName': 'Nguyễn Minh An', medicalBirthNoticeNo: 'CS-0001', 'registration.communeCode': '00004' });
    const submitted = await call('POST', '/applications', readmeApplication, MOTHER);
    expect(submitted.status).toBe(201);
    expect(submitted.body.missing).toEqual([]);
    expect(submitted.body.prefilled).toEqual(expect.arrayContaining([
      { field: 'mother.fullName', registry: 'population' },
      { field: 'father.homeTown', registry: 'population' },
    ]));
    const { caseId } = submitted.body;

    // The officer sees the case: the dossier was checked (derived home town and nationality), the decision is theirs.
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH'));
    const officerView = await call('GET', `/cases/${caseId}`, undefined, JUSTICE);
    expect(officerView.status).toBe(200);
    const seen = officerView.body;
    expect(seen.activeStates).toContain('birth.awaitingOfficer');
    expect(seen.context.check).toMatchObject({ complete: true, homeTown: FIXTURE_FATHER.homeTown, nationality: 'VN', motherId: FIXTURE_MOTHER.personalId });
    expect(seen.context.check.reusedFields).toEqual(expect.arrayContaining(['mother.fullName', 'mother.nationality', 'father.fullName', 'father.homeTown']));

    const personReads = async (personalId: string) =>
      (await listAudit(h.registries.db, { caseId })).filter((a) => a.registry === 'population' && a.operation === 'getPerson' && a.subjectId === personalId);
    const motherReads = await personReads(FIXTURE_MOTHER.personalId);
    const fatherReads = await personReads(FIXTURE_FATHER.personalId);
    expect(motherReads).toHaveLength(1);
    expect(fatherReads).toHaveLength(1);
    // Each one read names every attribute used: the declared ones, and whether the person is alive.
    expect(motherReads[0].fields).toEqual(['fullName', 'dateOfBirth', 'ethnicity', 'nationality', 'homeTown', 'deceased']);
    expect(fatherReads[0].fields).toEqual(['fullName', 'dateOfBirth', 'nationality', 'homeTown', 'deceased']);
    expect(motherReads[0].ctx.purpose).toMatch(/identify the applicant and reuse the data the state holds/);

    // The rest of the README's example: the case completes, and no step reads the parents again.
    expect((await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, JUSTICE)).status).toBe(200);
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'HEAD_CONSENT'));
    expect((await call('POST', `/cases/${caseId}/events`, { type: 'HEAD_CONSENT' }, HEAD)).status).toBe(200);
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_RESIDENCE'));
    expect((await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_RESIDENCE' }, POLICE)).status).toBe(200);
    const done = await waitFor(caseId, (c) => c.status === 'closed');
    expect(done.outcome.name).toBe('completed');
    expect(await personReads(FIXTURE_MOTHER.personalId)).toHaveLength(1);
    expect(await personReads(FIXTURE_FATHER.personalId)).toHaveLength(1);
  });

  it('the check step knows, without reading again, that the mother is recorded as deceased (verification needed)', async () => {
    await h.registries.db.update(persons).set({ deceased: true }).where(eq(persons.personalId, FIXTURE_MOTHER.personalId));
    try {
      const father = { personalId: FIXTURE_FATHER.personalId, fullName: FIXTURE_FATHER.fullName };
      const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant: father, fields: childFields('Nguyễn Minh Phúc') }, FATHER);
      expect(submitted.status).toBe(201);
      const { caseId } = submitted.body;
      const seen = await asFather.waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH'));
      expect(seen.context.check.verificationNeeded).toBe(true);
      const motherReads = (await listAudit(h.registries.db, { caseId })).filter((a) => a.operation === 'getPerson' && a.subjectId === FIXTURE_MOTHER.personalId);
      expect(motherReads.map((a) => a.fields)).toEqual([['fullName', 'dateOfBirth', 'ethnicity', 'nationality', 'homeTown', 'deceased']]);
    } finally {
      await h.registries.db.update(persons).set({ deceased: false }).where(eq(persons.personalId, FIXTURE_MOTHER.personalId));
    }
  });
});
