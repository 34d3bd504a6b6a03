import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyPermanentResidentError,
  BirthAlreadyRegisteredError,
  HouseholdNotFoundError,
  PersonNotFoundError,
} from '../../activities/registries/errors';
import { createPostgresRegistries } from '../../activities/registries/postgres/index';
import { findHousehold } from '../../activities/registries/postgres/residence';
import type { NewPerson, Registries } from '../../domain/registries';
import {
  birthRegistrations,
  healthInsuranceCards,
  householdMembers,
  households,
  persons,
  socialInsuranceNumbers,
} from '../../db/registries/schema';
import { validatePersonalId, validateSocialInsuranceNumber } from '../../domain/identifiers';
import { openTestDatabase, seededRandom, testCtx, type TestDatabase } from '../support/registry-helpers';

const NOW = new Date('2026-03-10T02:00:00Z');

function newborn(over: Partial<NewPerson> = {}): NewPerson {
  return {
    fullName: 'Nguyễn Minh Khôi',
    dateOfBirth: '2026-03-01',
    sex: 'male',
    ethnicity: 'Kinh',
    nationality: 'VN',
    homeTown: '00004',
    placeOfBirth: '00004',
    registrationProvince: '001',
    fatherId: null,
    motherId: null,
    ...over,
  };
}

let t: TestDatabase;
let reg: Registries;

beforeAll(async () => {
  t = await openTestDatabase();
  reg = createPostgresRegistries(t.db, { random: seededRandom(7), clock: () => NOW });
});
afterAll(async () => {
  await t?.close();
});

const rows = async (table: any, where?: any) => (await t.db.select({ n: count() }).from(table).where(where))[0].n;

describe('population', () => {
  it('creates a person once per case, with a valid ID for the registration province, sex and year', async () => {
    const a = await reg.population.createPerson(testCtx('pop-1'), newborn({ sex: 'female' }));
    const b = await reg.population.createPerson(testCtx('pop-1'), newborn({ sex: 'female' }));
    expect(b).toEqual(a);
    expect(await rows(persons, eq(persons.createdByCaseId, 'pop-1'))).toBe(1);
    const parsed = validatePersonalId(a.personalId);
    expect(parsed.ok && parsed.value).toMatchObject({ provinceCode3: '001', sex: 'female', birthYear: 2026 });
    expect(a.personalId.slice(3, 6)).toBe('326');
  });

  it('tells apart two creations in one case by operationKey (twins)', async () => {
    const a = await reg.population.createPerson(testCtx('pop-twins', { operationKey: 'child-1' }), newborn());
    const b = await reg.population.createPerson(testCtx('pop-twins', { operationKey: 'child-2' }), newborn());
    expect(a.personalId).not.toBe(b.personalId);
  });

  it('retries with a new serial when the random ID collides', async () => {
    // Same seed → the same first serial as an ID that is already taken.
    const first = await createPostgresRegistries(t.db, { random: seededRandom(99) }).population.createPerson(
      testCtx('pop-collide-1'),
      newborn(),
    );
    const second = await createPostgresRegistries(t.db, { random: seededRandom(99) }).population.createPerson(
      testCtx('pop-collide-2'),
      newborn(),
    );
    expect(second.personalId).not.toBe(first.personalId);
    expect(second.personalId.slice(0, 6)).toBe(first.personalId.slice(0, 6));
  });

  it('allocates with the default cryptographic random source', async () => {
    const p = await createPostgresRegistries(t.db).population.createPerson(testCtx('pop-crypto'), newborn({ registrationProvince: '079' }));
    expect(validatePersonalId(p.personalId).ok).toBe(true);
    expect(p.personalId.slice(0, 6)).toBe('079226');
  });

  it('refuses unknown parents, children and residents with PersonNotFoundError', async () => {
    await expect(reg.population.createPerson(testCtx('pop-np'), newborn({ motherId: '001199000001' }))).rejects.toBeInstanceOf(PersonNotFoundError);
    await expect(
      reg.civilStatus.registerBirth(testCtx('pop-np'), { childId: '001226000001', communeCode: '00004', registeredAt: '2026-03-10T02:00:00Z', medicalBirthNoticeNo: 'N' }),
    ).rejects.toMatchObject({ code: 'PERSON_NOT_FOUND', personalId: '001226000001' });
  });

  it('returns null for an unknown person', async () => {
    expect(await reg.population.getPerson(testCtx('pop-2'), '001099000000')).toBeNull();
  });
});

describe('civil status', () => {
  it('registers a birth once per case; the certificate number is the entry number', async () => {
    const child = await reg.population.createPerson(testCtx('cs-1'), newborn());
    const input = { childId: child.personalId, communeCode: '00004', registeredAt: '2026-03-10T02:00:00Z', medicalBirthNoticeNo: 'GCS-1' };
    const a = await reg.civilStatus.registerBirth(testCtx('cs-1'), input);
    const b = await reg.civilStatus.registerBirth(testCtx('cs-1'), input);
    expect(b).toEqual(a);
    expect(a).toMatchObject({ registerBook: 'KS-2026-00004', year: 2026, entryNumber: 1, certificateNumber: '01' });
    expect(await rows(birthRegistrations, eq(birthRegistrations.caseId, 'cs-1'))).toBe(1);
    expect(await reg.civilStatus.findBirthByChild(testCtx('cs-1'), child.personalId)).toEqual(a);
  });

  it('gives concurrent registrations consecutive unique entry numbers', async () => {
    const children = [];
    for (let i = 0; i < 12; i++) children.push(await reg.population.createPerson(testCtx(`cc-${i}`), newborn()));
    const results = await Promise.all(
      children.map((c, i) =>
        reg.civilStatus.registerBirth(testCtx(`cc-${i}`), {
          childId: c.personalId,
          communeCode: '26734',
          registeredAt: '2026-03-10T03:00:00Z',
          medicalBirthNoticeNo: `GCS-C${i}`,
        }),
      ),
    );
    expect(results.map((r) => r.entryNumber).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('writes once when the same case is retried concurrently', async () => {
    const child = await reg.population.createPerson(testCtx('cs-race'), newborn());
    const input = { childId: child.personalId, communeCode: '00070', registeredAt: '2026-03-10T02:00:00Z', medicalBirthNoticeNo: 'GCS-R' };
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => reg.civilStatus.registerBirth(testCtx('cs-race'), input)));
    expect(a).toEqual(b);
    expect(b).toEqual(c);
    expect(a.entryNumber).toBe(1);
    expect(await rows(birthRegistrations, eq(birthRegistrations.caseId, 'cs-race'))).toBe(1);
  });

  it('numbers each local calendar year from 1 (17:30 UTC on 31 Dec is already 1 Jan in Vietnam)', async () => {
    const c1 = await reg.population.createPerson(testCtx('cy-1'), newborn({ dateOfBirth: '2026-03-01' }));
    const c2 = await reg.population.createPerson(testCtx('cy-2'), newborn({ dateOfBirth: '2026-03-01', fullName: 'Trần Văn Hai' }));
    const a = await reg.civilStatus.registerBirth(testCtx('cy-1'), { childId: c1.personalId, communeCode: '00100', registeredAt: '2026-12-31T10:00:00Z', medicalBirthNoticeNo: 'X1' });
    const b = await reg.civilStatus.registerBirth(testCtx('cy-2'), { childId: c2.personalId, communeCode: '00100', registeredAt: '2026-12-31T17:30:00Z', medicalBirthNoticeNo: 'X2' });
    expect([a.registerBook, a.entryNumber]).toEqual(['KS-2026-00100', 1]);
    expect([b.registerBook, b.year, b.entryNumber]).toEqual(['KS-2027-00100', 2027, 1]);
  });

  it('refuses to register the same child under another case', async () => {
    const child = await reg.population.createPerson(testCtx('cs-dup'), newborn());
    const input = { childId: child.personalId, communeCode: '00004', registeredAt: '2026-03-11T02:00:00Z', medicalBirthNoticeNo: 'D' };
    await reg.civilStatus.registerBirth(testCtx('cs-dup'), input);
    await expect(reg.civilStatus.registerBirth(testCtx('cs-dup-other'), input)).rejects.toBeInstanceOf(BirthAlreadyRegisteredError);
  });
});

describe('residence and social insurance', () => {
  let headId: string;
  beforeAll(async () => {
    const head = await reg.population.createPerson(testCtx('res-head'), newborn({ fullName: 'Lê Văn Hải', dateOfBirth: '1980-05-05' }));
    headId = head.personalId;
    await t.db.insert(households).values([
      { householdId: 'HH-T1', headId, provinceCode: '01', communeCode: '00004', street: '12 Phố Quán Thánh' },
      { householdId: 'HH-T2', headId, provinceCode: '01', communeCode: '00070', street: '3 Hàng Bạc' },
    ]);
    await t.db.insert(householdMembers).values({ personalId: headId, householdId: 'HH-T1', relationToHead: 'head', since: '2010-01-01' });
  });

  it('adds a permanent member once per case', async () => {
    const child = await reg.population.createPerson(testCtx('res-1'), newborn());
    const input = { householdId: 'HH-T1', personalId: child.personalId, relationToHead: 'grandchild', headConsentRef: 'VNEID-OK-1' };
    const a = await reg.residence.addPermanentMember(testCtx('res-1', { agency: 'police' }), input);
    const b = await reg.residence.addPermanentMember(testCtx('res-1', { agency: 'police' }), input);
    expect(b).toEqual(a);
    expect(a.members.filter((m) => m.personalId === child.personalId)).toEqual([
      { personalId: child.personalId, relationToHead: 'grandchild', since: '2026-03-10' },
    ]);
    expect(await rows(householdMembers, eq(householdMembers.personalId, child.personalId))).toBe(1);
    expect((await reg.residence.getHouseholdOf(testCtx('res-1'), child.personalId))?.householdId).toBe('HH-T1');
    await expect(
      reg.residence.addPermanentMember(testCtx('res-2'), { ...input, householdId: 'HH-T2' }),
    ).rejects.toBeInstanceOf(AlreadyPermanentResidentError);
    await expect(
      reg.residence.addPermanentMember(testCtx('res-3'), { ...input, householdId: 'HH-NONE' }),
    ).rejects.toBeInstanceOf(HouseholdNotFoundError);
    await expect(
      reg.residence.addPermanentMember(testCtx('res-4'), { ...input, personalId: '001226000001' }),
    ).rejects.toBeInstanceOf(PersonNotFoundError);
    expect(await reg.residence.getHouseholdOf(testCtx('res-1'), '001099000000')).toBeNull();
  });

  it("reads a person's household with its members by date of arrival, and a household without members", async () => {
    const hh = await reg.residence.getHouseholdOf(testCtx('res-read'), headId);
    expect(hh).toMatchObject({ householdId: 'HH-T1', headId, address: { provinceCode: '01', communeCode: '00004', street: '12 Phố Quán Thánh' } });
    expect(hh!.members[0]).toEqual({ personalId: headId, relationToHead: 'head', since: '2010-01-01' });
    expect(hh!.members.map((m) => m.since)).toEqual([...hh!.members.map((m) => m.since)].sort());
    expect(await findHousehold(t.db, 'HH-T2')).toEqual({
      householdId: 'HH-T2',
      headId,
      address: { provinceCode: '01', communeCode: '00070', street: '3 Hàng Bạc' },
      members: [],
    });
    expect(await findHousehold(t.db, 'HH-NONE')).toBeNull();
  });

  it('issues a health-insurance card once per case, allocating one social-insurance number', async () => {
    const child = await reg.population.createPerson(testCtx('si-1'), newborn({ dateOfBirth: '2026-03-01' }));
    const input = { personalId: child.personalId, provinceCode: '01', validFrom: '2026-03-10', beneficiaryGroup: 'TE' };
    const a = await reg.socialInsurance.issueHealthInsuranceCard(testCtx('si-1', { agency: 'vss' }), input);
    const b = await reg.socialInsurance.issueHealthInsuranceCard(testCtx('si-1', { agency: 'vss' }), input);
    expect(b).toEqual(a);
    expect(validateSocialInsuranceNumber(a.socialInsuranceNumber).ok).toBe(true);
    expect(a.socialInsuranceNumber.slice(0, 2)).toBe('01');
    expect(a.cardNumber).toBe(`TE101${a.socialInsuranceNumber}`);
    expect(a.validTo).toBe('2032-02-29'); // the day before the 6th birthday
    expect(await rows(healthInsuranceCards, eq(healthInsuranceCards.personalId, child.personalId))).toBe(1);
    expect(await rows(socialInsuranceNumbers, eq(socialInsuranceNumbers.personalId, child.personalId))).toBe(1);
    expect(await reg.socialInsurance.getCardOf(testCtx('si-1'), child.personalId)).toEqual(a);
    expect(await reg.socialInsurance.getCardOf(testCtx('si-1'), headId)).toBeNull();
  });

  it('keeps the social-insurance number when a card is issued again for a new period', async () => {
    const p = await reg.population.createPerson(testCtx('si-2'), newborn({ dateOfBirth: '1990-01-01' }));
    const base = { personalId: p.personalId, provinceCode: '79', beneficiaryGroup: 'HN' };
    const a = await reg.socialInsurance.issueHealthInsuranceCard(testCtx('si-2'), { ...base, validFrom: '2026-01-01' });
    const b = await reg.socialInsurance.issueHealthInsuranceCard(testCtx('si-3'), { ...base, validFrom: '2027-01-01' });
    expect(b.socialInsuranceNumber).toBe(a.socialInsuranceNumber);
    expect([a.validTo, b.validTo]).toEqual(['2026-12-31', '2027-12-31']);
    expect((await reg.socialInsurance.getCardOf(testCtx('si-2'), p.personalId))?.validTo).toBe('2027-12-31');
  });
});
