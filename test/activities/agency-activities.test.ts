import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import type { RegistriesDatabase } from '../../db/registries-database';
import { openTestDatabase } from '../support/registry-helpers';
import { seedPopulation, FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER, FIXTURE_SINGLE_HEAD, FIXTURE_GRANDMOTHER } from '../../db/seed';
import { createMemoryAuditSink } from '../../activities/registries/audited';
import { loadAgencyActivities } from '../../worker/agency-modules';
import { relationOfChildToHead } from '../../activities/agencies/police';
import type { ServiceRequest } from '../../procedures/types';
import { birthApplication } from '../support/harness';

let db: RegistriesDatabase;
const audit = createMemoryAuditSink();
const clock = () => new Date('2026-11-24T03:00:00.000Z');
let justice: Record<string, (r: ServiceRequest<any>) => Promise<any>>;
let police: Record<string, (r: ServiceRequest<any>) => Promise<any>>;
let vss: Record<string, (r: ServiceRequest<any>) => Promise<any>>;

beforeAll(async () => {
  db = await openTestDatabase();
  await seedPopulation(db.db, { people: 20 });
  justice = (await loadAgencyActivities('justice', { db: db.db, audit, clock })) as any;
  police = (await loadAgencyActivities('police', { db: db.db, audit, clock })) as any;
  vss = (await loadAgencyActivities('vss', { db: db.db, audit, clock })) as any;
});
afterAll(async () => {
  await db?.close();
});

function req<I>(caseId: string, input: I): ServiceRequest<I> {
  return {
    access: { procedureId: 'birth-group', procedureVersion: 1, caseId, purpose: 'test purpose', legalBasis: 'Decree 63/2024', actor: 'system' },
    input,
  };
}

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('agency activities', () => {
  it('checkBirthDossier reads the parents from the population registry and derives home town and nationality', async () => {
    const check = await justice.checkBirthDossier(req('act-1', { application: birthApplication('Trần An') }));
    expect(check).toMatchObject({ complete: true, homeTown: FIXTURE_FATHER.homeTown, nationality: 'VN', motherId: FIXTURE_MOTHER.personalId });
    expect(check.reusedFields).toEqual(expect.arrayContaining(['mother.fullName', 'father.fullName']));
    const reads = audit.entries.filter((e) => e.ctx.caseId === 'act-1');
    expect(reads.map((e) => [e.registry, e.operation, e.subjectId, e.ctx.agency])).toEqual([
      ['population', 'getPerson', FIXTURE_MOTHER.personalId, 'justice'],
      ['population', 'getPerson', FIXTURE_FATHER.personalId, 'justice'],
    ]);
    // The declared attributes, and `deceased`, which the check uses (a deceased mother's dossier needs verification).
    expect(reads[0].fields).toEqual(['fullName', 'dateOfBirth', 'ethnicity', 'nationality', 'homeTown', 'deceased']);
  });

  it('refuses, without retry, an application that re-sends data the state holds (once-only)', async () => {
    const application = { ...birthApplication('Trần Bình'), mother: { personalId: FIXTURE_MOTHER.personalId, fullName: FIXTURE_MOTHER.fullName } };
    const f = await failure(justice.checkBirthDossier(req('act-2', { application })));
    expect(f.type).toBe('DATA_ALREADY_HELD');
    expect(f.nonRetryable).toBe(true);
  });

  it('refuses an applicant who is not a parent, and an unknown mother', async () => {
    const notParent = { ...birthApplication('Trần Cúc'), applicant: { personalId: FIXTURE_SINGLE_HEAD.personalId } };
    expect((await failure(justice.checkBirthDossier(req('act-3', { application: notParent })))).type).toBe('APPLICANT_NOT_A_PARENT');
    const unknownMother = { ...birthApplication('Trần Dung'), applicant: { personalId: '001196099999' }, mother: { personalId: '001196099999' } };
    expect((await failure(justice.checkBirthDossier(req('act-4', { application: unknownMother })))).type).toBe('MOTHER_NOT_FOUND');
  });

  it('writes are idempotent per case: a retried activity returns the same ID, entry and card', async () => {
    const application = birthApplication('Trần Em');
    const check = await justice.checkBirthDossier(req('act-5', { application }));
    const a = await justice.issuePersonalId(req('act-5', { application, check }));
    const b = await justice.issuePersonalId(req('act-5', { application, check }));
    expect(b.personalId).toBe(a.personalId);
    const c1 = await justice.registerBirth(req('act-5', { application, childId: a.personalId }));
    const c2 = await justice.registerBirth(req('act-5', { application, childId: a.personalId }));
    expect(c2.entryNumber).toBe(c1.entryNumber);
    const household = await police.checkResidence(req('act-5', { childId: a.personalId, motherId: FIXTURE_MOTHER.personalId, fatherId: FIXTURE_FATHER.personalId }));
    expect(household).toMatchObject({ headId: FIXTURE_HOUSEHOLD_HEAD.personalId, relationToHead: 'grandchild' });
    const m1 = await police.registerPermanentResidence(req('act-5', { childId: a.personalId, household, headConsentRef: 'consent-act-5' }));
    const m2 = await police.registerPermanentResidence(req('act-5', { childId: a.personalId, household, headConsentRef: 'consent-act-5' }));
    expect(m2).toEqual(m1);
    const k1 = await vss.issueHealthInsuranceCard(req('act-5', { childId: a.personalId, provinceCode: '01', dateOfBirth: '2026-11-20' }));
    const k2 = await vss.issueHealthInsuranceCard(req('act-5', { childId: a.personalId, provinceCode: '01', dateOfBirth: '2026-11-20' }));
    expect(k2.socialInsuranceNumber).toBe(k1.socialInsuranceNumber);
    expect(k1.socialInsuranceNumber).toMatch(/^01\d{8}$/);
  });

  it('a parent without a household gives HOUSEHOLD_NOT_FOUND, not retried', async () => {
    const f = await failure(police.checkResidence(req('act-6', { childId: '001226000001', motherId: '001196099999', fatherId: null })));
    expect(f.type).toBe('HOUSEHOLD_NOT_FOUND');
    expect(f.nonRetryable).toBe(true);
  });

  it('each agency audits under its own name', () => {
    const agencies = new Set(audit.entries.filter((e) => e.ctx.caseId === 'act-5').map((e) => `${e.ctx.agency}:${e.registry}`));
    expect(agencies).toEqual(new Set(['justice:population', 'justice:civilStatus', 'police:residence', 'vss:socialInsurance']));
  });

  it('the child relation to the head follows the parents\' relation to the head', () => {
    const household = {
      householdId: 'H',
      headId: FIXTURE_HOUSEHOLD_HEAD.personalId,
      address: { provinceCode: '01', communeCode: '00004', street: 's' },
      members: [{ personalId: FIXTURE_GRANDMOTHER.personalId, relationToHead: 'spouse', since: '2000-01-01' }],
    };
    expect(relationOfChildToHead(household, [FIXTURE_HOUSEHOLD_HEAD.personalId])).toBe('child');
    expect(relationOfChildToHead(household, [FIXTURE_GRANDMOTHER.personalId])).toBe('child');
    expect(relationOfChildToHead(household, ['000000000000'])).toBe('relative');
  });
});
