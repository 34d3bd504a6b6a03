import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRegistries } from '../../activities/registries/postgres/index';
import {
  healthInsuranceCards,
  householdMembers,
  households,
  persons,
  socialInsuranceNumbers,
} from '../../db/registries/schema';
import {
  FIXTURE_FATHER,
  FIXTURE_HOUSEHOLD_HANOI,
  FIXTURE_HOUSEHOLD_HEAD,
  FIXTURE_MOTHER,
  FIXTURE_PEOPLE,
  generatePopulation,
  seedPopulation,
} from '../../db/seed';
import { validatePersonalId, validateSocialInsuranceNumber } from '../../domain/identifiers';
import { openTestDatabase, testCtx, type TestDatabase } from '../support/registry-helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const n = async (table: any) => (await t.db.select({ n: count() }).from(table))[0].n;

describe('synthetic population', () => {
  it('is deterministic: the same seed gives the same people, another seed other people', () => {
    const opts = { people: 2000, referenceDate: '2026-07-01' };
    const a = generatePopulation({ ...opts, seed: 42 });
    const b = generatePopulation({ ...opts, seed: 42 });
    const c = generatePopulation({ ...opts, seed: 43 });
    expect(b.persons.map((p) => p.personalId)).toEqual(a.persons.map((p) => p.personalId));
    expect(b.persons.map((p) => p.fullName)).toEqual(a.persons.map((p) => p.fullName));
    expect(b.cards).toEqual(a.cards);
    expect(c.persons[0].personalId).not.toBe(a.persons[0].personalId);
  });

  it('is realistic: valid unique IDs, a head per household, couples of child-bearing age, Kinh majority', () => {
    const g = generatePopulation({ people: 3000, seed: 7, referenceDate: '2026-07-01' });
    const ids = g.persons.map((p) => p.personalId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of g.persons) {
      const v = validatePersonalId(p.personalId, { expected: { sex: p.sex, birthYear: Number(p.dateOfBirth.slice(0, 4)) } });
      expect(v.ok).toBe(true);
    }
    for (const h of g.households) {
      expect(h.members[0]).toMatchObject({ personalId: h.headId, relationToHead: 'head' });
      expect(h.members.filter((m) => m.relationToHead === 'head')).toHaveLength(1);
    }
    const byId = new Map(g.persons.map((p) => [p.personalId, p]));
    const mothers = new Set(g.persons.map((p) => p.motherId).filter(Boolean));
    const youngMothers = [...mothers].filter((id) => {
      const age = 2026 - Number(byId.get(id!)!.dateOfBirth.slice(0, 4));
      return age >= 18 && age <= 45;
    });
    expect(youngMothers.length).toBeGreaterThan(200);
    const kinh = g.persons.filter((p) => p.ethnicity === 'Kinh').length / g.persons.length;
    expect(kinh).toBeGreaterThan(0.75);
    expect(new Set(g.persons.map((p) => p.ethnicity)).size).toBeGreaterThan(5);
    expect(g.socialInsurance.every((s) => validateSocialInsuranceNumber(s.number).ok)).toBe(true);
    expect(g.cards.length).toBeGreaterThan(g.persons.length / 2);
  });
});

describe('seedPopulation', () => {
  it('seeds ≥ 10,000 people with households, insurance numbers and cards, idempotently', async () => {
    const first = await seedPopulation(t.db, { people: 10_000, seed: 42 });
    expect(first.total.persons).toBeGreaterThanOrEqual(10_000);
    expect(first.inserted.persons).toBe(first.total.persons);
    expect(await n(persons)).toBe(first.total.persons);
    expect(await n(households)).toBe(first.total.households);
    expect(await n(socialInsuranceNumbers)).toBe(first.total.socialInsuranceNumbers);
    expect(await n(healthInsuranceCards)).toBe(first.total.cards);

    const again = await seedPopulation(t.db, { people: 10_000, seed: 42 });
    expect(again.inserted).toEqual({ persons: 0, households: 0, members: 0, socialInsuranceNumbers: 0, cards: 0 });
    expect(await n(persons)).toBe(first.total.persons);
    expect(await n(householdMembers)).toBe(first.inserted.members);

    // Every household has its head among its members.
    const [orphans] = await t.db
      .select({ n: count() })
      .from(households)
      .where(sql`not exists (select 1 from household_members m where m.household_id = ${households.householdId} and m.personal_id = ${households.headId})`);
    expect(orphans.n).toBe(0);
  });

  it('contains the fixture people, readable through the registry adapters', async () => {
    const reg = createPostgresRegistries(t.db);
    for (const f of FIXTURE_PEOPLE) {
      const { socialInsuranceNumber: _si, ...record } = f;
      expect(await reg.population.getPerson(testCtx('seed-fx'), f.personalId)).toEqual(record);
    }
    const hh = await reg.residence.getHouseholdOf(testCtx('seed-fx'), FIXTURE_MOTHER.personalId);
    expect(hh).toMatchObject({ householdId: FIXTURE_HOUSEHOLD_HANOI.householdId, headId: FIXTURE_HOUSEHOLD_HEAD.personalId });
    expect(hh!.members.map((m) => m.personalId).sort()).toEqual(FIXTURE_HOUSEHOLD_HANOI.members.map((m) => m.personalId).sort());
    expect((await reg.socialInsurance.getCardOf(testCtx('seed-fx'), FIXTURE_FATHER.personalId))?.socialInsuranceNumber).toBe(
      FIXTURE_FATHER.socialInsuranceNumber,
    );
    const [mother] = await t.db.select().from(persons).where(eq(persons.personalId, FIXTURE_MOTHER.personalId));
    expect(mother.fullName).toBe('Trần Thị Bình');
  });
});
