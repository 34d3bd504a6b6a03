/**
 * Registers accept only consistent facts, checked by the registry adapters themselves: dates, parents, reference
 * lists, one use of a birth notice, one record per child, and the dead cannot act. Each refusal names its rule
 * (the code) and the field.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRegistries } from '../../activities/registries/postgres/index';
import type { NewPerson, Registries } from '../../domain/registries';
import { persons } from '../../db/registries/schema';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HANOI, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER, seedPopulation } from '../../db/seed';
import { ETHNIC_GROUPS, InconsistentFactError, isEthnicGroup, isNationality } from '../../domain/plausibility';
import { openTestDatabase, seededRandom, testCtx, type TestDatabase } from '../support/registry-helpers';

const NOW = new Date('2026-06-15T03:00:00Z'); // 10:00 in Vietnam
let t: TestDatabase;
let reg: Registries;
beforeAll(async () => {
  t = await openTestDatabase();
  await seedPopulation(t.db, { people: 20 });
  reg = createPostgresRegistries(t.db, { random: seededRandom(11), clock: () => NOW });
});
afterAll(async () => t?.close());

function child(over: Partial<NewPerson> = {}): NewPerson {
  return {
    fullName: 'Nguyễn Thị Lan',
    dateOfBirth: '2026-06-10',
    sex: 'female',
    ethnicity: 'Kinh',
    nationality: 'VN',
    homeTown: '00004',
    placeOfBirth: '00004',
    registrationProvince: '001',
    fatherId: FIXTURE_FATHER.personalId,
    motherId: FIXTURE_MOTHER.personalId,
    ...over,
  };
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; field: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InconsistentFactError);
  const { code, field } = e as InconsistentFactError;
  return { code, field };
}

describe('reference lists', () => {
  it('hold the 54 recognised ethnic groups (and foreign origin) and the ISO country codes', () => {
    expect(ETHNIC_GROUPS).toHaveLength(54);
    expect(new Set(ETHNIC_GROUPS).size).toBe(54);
    for (const e of ['Kinh', 'Ơ Đu', "H'Mông", 'foreign origin']) expect(isEthnicGroup(e)).toBe(true);
    for (const e of ['Klingon', '']) expect(isEthnicGroup(e)).toBe(false);
    expect(isNationality('VN')).toBe(true);
    expect(isNationality('XX')).toBe(false);
  });
});

describe('the population register', () => {
  it('refuses impossible births, naming the field and the rule', async () => {
    const cases: [Partial<NewPerson>, string, string][] = [
      [{ dateOfBirth: '2026-07-01' }, 'DATE_IN_FUTURE', 'dateOfBirth'],
      [{ dateOfBirth: '1990-01-01' }, 'BORN_BEFORE_PARENT', 'dateOfBirth'],
      [{ motherId: FIXTURE_HOUSEHOLD_HEAD.personalId, fatherId: null, dateOfBirth: '1970-01-01' }, 'PARENT_AGE_IMPLAUSIBLE', 'dateOfBirth'],
      [{ ethnicity: 'Klingon' }, 'UNKNOWN_ETHNICITY', 'ethnicity'],
      [{ nationality: 'XX' }, 'UNKNOWN_NATIONALITY', 'nationality'],
      [{ homeTown: '99999' }, 'UNKNOWN_COMMUNE', 'homeTown'],
      [{ placeOfBirth: '99998' }, 'UNKNOWN_COMMUNE', 'placeOfBirth'],
    ];
    for (const [i, [over, code, field]] of cases.entries()) {
      expect(await refusal(reg.population.createPerson(testCtx(`bad-${i}`), child(over)))).toEqual({ code, field });
    }
    expect(await t.db.select().from(persons).where(eq(persons.createdByCaseId, 'bad-0'))).toEqual([]);
  });

  it('reads both parents (one statement) and names the one the register does not hold', async () => {
    const unknown = '001199000001';
    await expect(reg.population.createPerson(testCtx('parents-1'), child({ fatherId: unknown }))).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND', personalId: unknown });
    await expect(reg.population.createPerson(testCtx('parents-2'), child({ motherId: unknown }))).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND', personalId: unknown });
    // A father alone is checked as a parent too.
    expect(await refusal(reg.population.createPerson(testCtx('parents-3'), child({ motherId: null, dateOfBirth: '1990-01-01' })))).toEqual({ code: 'BORN_BEFORE_PARENT', field: 'dateOfBirth' });
    const made = await reg.population.createPerson(testCtx('parents-4'), child({ fullName: 'Nguyễn Văn Hai Cha Mẹ' }));
    expect(made).toMatchObject({ motherId: FIXTURE_MOTHER.personalId, fatherId: FIXTURE_FATHER.personalId });
  });

  it('records a child once: the same mother, date of birth and name under another case is refused with the existing record', async () => {
    const first = await reg.population.createPerson(testCtx('twice-1', { operationKey: 'child' }), child({ fullName: 'Nguyễn Minh Tâm' }));
    const e = await reg.population.createPerson(testCtx('twice-2', { operationKey: 'child' }), child({ fullName: '  nguyễn minh  tâm ' })).catch((x) => x);
    expect(e).toMatchObject({ code: 'BIRTH_ALREADY_RECORDED', field: 'fullName', existing: { personalId: first.personalId, caseId: 'twice-1' } });
    // A twin (another name) is a different child.
    await expect(reg.population.createPerson(testCtx('twice-3', { operationKey: 'child' }), child({ fullName: 'Nguyễn Minh Tú' }))).resolves.toBeTruthy();
  });
});

describe('the civil-status register', () => {
  it('uses a medical birth notice once and takes commune codes from the commune table', async () => {
    const a = await reg.population.createPerson(testCtx('notice-a'), child({ fullName: 'Trần Văn A' }));
    const b = await reg.population.createPerson(testCtx('notice-b'), child({ fullName: 'Trần Văn B' }));
    const at = '2026-06-15T03:00:00Z';
    await reg.civilStatus.registerBirth(testCtx('notice-a'), { childId: a.personalId, communeCode: '00004', registeredAt: at, medicalBirthNoticeNo: 'CS-ONCE' });
    expect(await refusal(reg.civilStatus.registerBirth(testCtx('notice-b'), { childId: b.personalId, communeCode: '00004', registeredAt: at, medicalBirthNoticeNo: ' CS-ONCE' }))).toEqual({
      code: 'BIRTH_NOTICE_ALREADY_USED',
      field: 'medicalBirthNoticeNo',
    });
    expect(await refusal(reg.civilStatus.registerBirth(testCtx('notice-b'), { childId: b.personalId, communeCode: '12345', registeredAt: at, medicalBirthNoticeNo: 'CS-OTHER' }))).toEqual({
      code: 'UNKNOWN_COMMUNE',
      field: 'communeCode',
    });
  });

  it('refuses a death in the future, before the birth, or declared by someone recorded as deceased', async () => {
    const death = { communeCode: '00004', registeredAt: '2026-06-15T03:00:00Z', placeOfDeath: '00004', cause: 'natural' as const, deathNoticeNo: 'BT-1' };
    const deceasedId = FIXTURE_HOUSEHOLD_HEAD.personalId;
    expect(await refusal(reg.civilStatus.registerDeath(testCtx('death-1'), { ...death, deceasedId, dateOfDeath: '2026-06-20', declarantId: FIXTURE_FATHER.personalId }))).toEqual({
      code: 'DATE_IN_FUTURE',
      field: 'dateOfDeath',
    });
    expect(await refusal(reg.civilStatus.registerDeath(testCtx('death-2'), { ...death, deceasedId, dateOfDeath: '1950-01-01', declarantId: FIXTURE_FATHER.personalId }))).toEqual({
      code: 'DATE_BEFORE_BIRTH',
      field: 'dateOfDeath',
    });
  });
});

describe('the dead cannot act', () => {
  it('a household head recorded as deceased cannot agree to a new member; a deceased person gets no card, payment, certificate or registration', async () => {
    await reg.population.markDeceased(testCtx('death-head'), FIXTURE_HOUSEHOLD_HEAD.personalId);
    const baby = await reg.population.createPerson(testCtx('orphan-consent'), child({ fullName: 'Nguyễn Văn Mới' }));
    expect(
      await refusal(
        reg.residence.addPermanentMember(testCtx('orphan-consent'), {
          householdId: FIXTURE_HOUSEHOLD_HANOI.householdId,
          personalId: baby.personalId,
          relationToHead: 'grandchild',
          headConsentRef: 'consent-by-the-dead',
        }),
      ),
    ).toEqual({ code: 'PERSON_DECEASED', field: 'household.headId' });
    const dead = FIXTURE_HOUSEHOLD_HEAD.personalId;
    expect(await refusal(reg.socialInsurance.issueHealthInsuranceCard(testCtx('dead-card'), { personalId: dead, provinceCode: '01', validFrom: '2026-06-15', beneficiaryGroup: 'GD' }))).toEqual({
      code: 'PERSON_DECEASED',
      field: 'personalId',
    });
    expect(
      await refusal(
        reg.civilStatus.registerDeath(testCtx('dead-declarant'), {
          deceasedId: FIXTURE_MOTHER.personalId,
          declarantId: dead,
          communeCode: '00004',
          registeredAt: '2026-06-15T03:00:00Z',
          dateOfDeath: '2026-06-14',
          placeOfDeath: '00004',
          cause: 'natural',
          deathNoticeNo: 'BT-2',
        }),
      ),
    ).toEqual({ code: 'PERSON_DECEASED', field: 'declarantId' });
    expect(
      await refusal(
        reg.tax.registerHouseholdBusiness(testCtx('dead-tax'), {
          ownerId: dead, businessName: 'x', businessLine: 'retail', communeCode: '00004', provinceCode: '01', startDate: '2026-07-01', registeredAt: '2026-06-15T03:00:00Z',
        }),
      ),
    ).toEqual({ code: 'PERSON_DECEASED', field: 'ownerId' });
  });

  it('a commune outside the given province is refused', async () => {
    expect(
      await refusal(
        reg.tax.registerHouseholdBusiness(testCtx('tax-province'), {
          ownerId: FIXTURE_FATHER.personalId, businessName: 'Quán An', businessLine: 'food', communeCode: '26734', provinceCode: '01', startDate: '2026-07-01', registeredAt: '2026-06-15T03:00:00Z',
        }),
      ),
    ).toEqual({ code: 'COMMUNE_NOT_IN_PROVINCE', field: 'communeCode' });
  });
});
