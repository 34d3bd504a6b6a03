import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { preparedQuery } from '../../../db/prepared-query';
import { persons } from '../../../db/registries/schema';
import { makePersonalId, randomDigits } from '../../../domain/identifiers';
import { isCommuneCode } from '../../../domain/provinces';
import { checkAlive, checkBirthDates, checkCommune, checkEthnicity, checkNationality, InconsistentFactError, sameName } from '../../../domain/plausibility';
import { localDateOf } from '../../../domain/working-days';
import { InvalidRegistryInputError, PersonalIdAllocationError, PersonNotFoundError } from '../errors';
import type { AccessContext, NewPerson, PersonRecord, PopulationRegistry } from '../../../domain/registries';
import { writeKey, type RandomSource } from './keys';

const MAX_ATTEMPTS = 20;

type PersonRow = typeof persons.$inferSelect;

export function toPersonRecord(r: PersonRow): PersonRecord {
  return {
    personalId: r.personalId,
    fullName: r.fullName,
    dateOfBirth: r.dateOfBirth,
    sex: r.sex,
    ethnicity: r.ethnicity,
    nationality: r.nationality,
    homeTown: r.homeTown,
    placeOfBirth: r.placeOfBirth,
    fatherId: r.fatherId,
    motherId: r.motherId,
    deceased: r.deceased,
  };
}

const selectPerson = preparedQuery((db) => db.select().from(persons).where(eq(persons.personalId, sql.placeholder('personalId'))).limit(1).prepare('person'));

export async function findPerson(db: Executor, personalId: string): Promise<PersonRecord | null> {
  const [row] = await selectPerson(db, { personalId });
  return row ? toPersonRecord(row) : null;
}

const selectTwoPersons = preparedQuery((db) =>
  db
    .select()
    .from(persons)
    .where(or(eq(persons.personalId, sql.placeholder('a')), eq(persons.personalId, sql.placeholder('b'))))
    .prepare('two_persons'),
);

/** Two persons in one statement (a step often names two: the parents, a member and the head); null where absent. */
export async function findTwoPersons(db: Executor, a: string | null, b: string | null): Promise<[PersonRecord | null, PersonRecord | null]> {
  if (a === null && b === null) return [null, null];
  const rows = await selectTwoPersons(db, { a: a ?? b, b: b ?? a });
  const of = (id: string | null) => {
    const row = id === null ? undefined : rows.find((r) => r.personalId.trimEnd() === id.trimEnd());
    return row ? toPersonRecord(row) : null;
  };
  return [of(a), of(b)];
}

/** The person, who must exist and be alive: the dead cannot act in any role (`field` names the role). */
export async function requireAlive(db: Executor, field: string, personalId: string): Promise<PersonRecord> {
  return checkedAlive(field, personalId, await findPerson(db, personalId));
}

export function checkedAlive(field: string, personalId: string, person: PersonRecord | null): PersonRecord {
  if (!person) throw new PersonNotFoundError(personalId);
  checkAlive(field, person);
  return person;
}

async function findCreatedBy(db: Executor, key: string): Promise<PersonRecord | null> {
  const [row] = await db.select().from(persons).where(eq(persons.createdByCaseId, key)).limit(1);
  return row ? toPersonRecord(row) : null;
}

function checkNewPerson(p: NewPerson): number {
  const m = /^(\d{4})-\d{2}-\d{2}$/.exec(p.dateOfBirth);
  if (!m) throw new InvalidRegistryInputError(`dateOfBirth must be yyyy-mm-dd: "${p.dateOfBirth}"`);
  if (!isCommuneCode(p.homeTown)) throw new InvalidRegistryInputError(`homeTown must be a commune code: "${p.homeTown}"`);
  if (!isCommuneCode(p.placeOfBirth)) {
    throw new InvalidRegistryInputError(`placeOfBirth must be a commune code: "${p.placeOfBirth}"`);
  }
  if (p.fullName.trim() === '') throw new InvalidRegistryInputError('fullName is empty');
  return Number(m[1]);
}

/** Consistent facts only (domain/plausibility.ts): dates, parents, reference lists, one record per child. */
async function checkNewPersonFacts(db: Executor, p: NewPerson, today: string): Promise<void> {
  const [mother, father] = await findTwoPersons(db, p.motherId, p.fatherId);
  if (p.motherId && !mother) throw new PersonNotFoundError(p.motherId);
  if (p.fatherId && !father) throw new PersonNotFoundError(p.fatherId);
  checkBirthDates(today, { field: 'dateOfBirth', dateOfBirth: p.dateOfBirth }, { mother, father });
  checkEthnicity('ethnicity', p.ethnicity);
  checkNationality('nationality', p.nationality);
  checkCommune('homeTown', p.homeTown);
  checkCommune('placeOfBirth', p.placeOfBirth);
  if (mother) {
    const siblings = await db
      .select()
      .from(persons)
      .where(and(eq(persons.motherId, mother.personalId), eq(persons.dateOfBirth, p.dateOfBirth)));
    const same = siblings.find((s) => sameName(s.fullName, p.fullName));
    if (same) {
      throw new InconsistentFactError('BIRTH_ALREADY_RECORDED', 'fullName', `the mother already has a child ${same.fullName} born ${p.dateOfBirth}`, {
        personalId: same.personalId,
        ...(same.createdByCaseId ? { caseId: same.createdByCaseId.split('#')[0] } : {}),
      });
    }
  }
}

export function createPostgresPopulation(db: Executor, random: RandomSource, clock: () => Date = () => new Date()): PopulationRegistry {
  return {
    getPerson: (_ctx: AccessContext, personalId: string) => findPerson(db, personalId),

    async markDeceased(_ctx, personalId) {
      const [row] = await db.update(persons).set({ deceased: true }).where(eq(persons.personalId, personalId)).returning();
      if (!row) throw new PersonNotFoundError(personalId);
      return toPersonRecord(row);
    },

    async findChildrenOf(_ctx, personalId) {
      const rows = await db
        .select()
        .from(persons)
        .where(or(eq(persons.fatherId, personalId), eq(persons.motherId, personalId)))
        .orderBy(asc(persons.dateOfBirth), asc(persons.personalId));
      return rows.map(toPersonRecord);
    },

    async createPerson(ctx, person) {
      const key = writeKey(ctx);
      const existing = await findCreatedBy(db, key);
      if (existing) return existing; // a retried activity: the person already exists
      const birthYear = checkNewPerson(person);
      await checkNewPersonFacts(db, person, localDateOf(clock()));
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const personalId = makePersonalId({
          provinceCode3: person.registrationProvince,
          sex: person.sex,
          birthYear,
          serial6: randomDigits(6, random),
        });
        // No conflict target: a clash on the ID (collision → new serial) or on the case key (a concurrent retry).
        const inserted = await db
          .insert(persons)
          .values({
            personalId,
            fullName: person.fullName.trim(),
            dateOfBirth: person.dateOfBirth,
            sex: person.sex,
            ethnicity: person.ethnicity,
            nationality: person.nationality,
            homeTown: person.homeTown,
            placeOfBirth: person.placeOfBirth,
            fatherId: person.fatherId,
            motherId: person.motherId,
            createdByCaseId: key,
          })
          .onConflictDoNothing()
          .returning();
        if (inserted[0]) return toPersonRecord(inserted[0]);
        const raced = await findCreatedBy(db, key);
        if (raced) return raced;
      }
      throw new PersonalIdAllocationError(MAX_ATTEMPTS);
    },
  };
}
