/**
 * Deaths and marriages in the commune register books: one book per commune, year and kind, entries numbered
 * consecutively from 1 (the certificate number equals the entry number), as for births.
 */
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { deathRegistrations, marriageRegistrations, persons, registerBooks } from '../../../db/registries/schema';
import { isCommuneCode } from '../../../domain/provinces';
import { localDateOf } from '../../../domain/working-days';
import {
  AlreadyMarriedError,
  DeathAlreadyRegisteredError,
  InvalidRegistryInputError,
  isUniqueViolation,
  PersonNotFoundError,
} from '../errors';
import { findPerson, requireAlive } from './population';
import { checkCommune, checkNotFuture, InconsistentFactError } from '../../../domain/plausibility';
import type { CauseOfDeath, DeathRegistration, MarriageRegistration, NewDeathRegistration, NewMarriageRegistration } from '../../../domain/registries';
import { writeKey } from './keys';

const BOOK_PREFIX = { birth: 'KS', death: 'KT', marriage: 'KH' } as const;
type BookKind = keyof typeof BOOK_PREFIX;

/** The certificate number equals the entry number ("numbered from 01"), in every register book. */
export function certificateNumberOf(entryNumber: number): string {
  return String(entryNumber).padStart(2, '0');
}

/** Book code of a commune's birth (KS: khai sinh), death (KT: khai tử) or marriage (KH: kết hôn) register of a year. */
export function civilBookCode(kind: BookKind, communeCode: string, year: number): string {
  return `${BOOK_PREFIX[kind]}-${year}-${communeCode}`;
}

/**
 * Takes the next entry number of the book, creating the book at its first entry, in one statement. The row it
 * inserts or updates stays locked until the transaction ends, so concurrent registrations queue here and numbers stay
 * consecutive; a registration that fails after it rolls the counter back with it (no gaps).
 */
export async function takeEntry(tx: Executor, kind: BookKind, communeCode: string, year: number) {
  const bookCode = civilBookCode(kind, communeCode, year);
  const [book] = await tx
    .insert(registerBooks)
    .values({ bookCode, kind, communeCode, year, nextEntry: 2 })
    .onConflictDoUpdate({ target: registerBooks.bookCode, set: { nextEntry: sql`${registerBooks.nextEntry} + 1` } })
    .returning({ id: registerBooks.id, next: registerBooks.nextEntry });
  return { bookId: book.id, bookCode, entryNumber: book.next - 1 };
}

function registrationYear(registeredAt: string): { at: Date; year: number } {
  const at = new Date(registeredAt);
  if (Number.isNaN(at.getTime())) throw new InvalidRegistryInputError(`bad registeredAt "${registeredAt}"`);
  return { at, year: Number(localDateOf(at).slice(0, 4)) };
}

async function findDeathBy(db: Executor, where: ReturnType<typeof eq>): Promise<DeathRegistration | null> {
  const [row] = await db
    .select({ reg: deathRegistrations, bookCode: registerBooks.bookCode, year: registerBooks.year })
    .from(deathRegistrations)
    .innerJoin(registerBooks, eq(registerBooks.id, deathRegistrations.bookId))
    .where(where)
    .limit(1);
  if (!row) return null;
  const r = row.reg;
  return {
    registerBook: row.bookCode,
    year: row.year,
    entryNumber: r.entryNumber,
    certificateNumber: r.certificateNumber,
    deceasedId: r.deceasedId,
    dateOfDeath: r.dateOfDeath,
    placeOfDeath: r.placeOfDeath,
    cause: r.cause as CauseOfDeath,
    declarantId: r.declarantId,
    registeredAt: new Date(r.registeredAt).toISOString(),
    communeCode: r.communeCode,
    caseId: r.caseId,
  };
}

export function findDeathOfPerson(db: Executor, personalId: string): Promise<DeathRegistration | null> {
  return findDeathBy(db, eq(deathRegistrations.deceasedId, personalId));
}

async function findMarriageBy(db: Executor, where: ReturnType<typeof eq>): Promise<MarriageRegistration | null> {
  const [first] = await findMarriagesBy(db, where, 1);
  return first ?? null;
}

async function findMarriagesBy(db: Executor, where: ReturnType<typeof eq>, limit = 100): Promise<MarriageRegistration[]> {
  const rows = await db
    .select({ reg: marriageRegistrations, bookCode: registerBooks.bookCode, year: registerBooks.year })
    .from(marriageRegistrations)
    .leftJoin(registerBooks, eq(registerBooks.id, marriageRegistrations.bookId))
    .where(where)
    .orderBy(asc(marriageRegistrations.registeredAt))
    .limit(limit);
  return rows.map((row) => {
  const r = row.reg;
  const registeredAt = new Date(r.registeredAt).toISOString();
  return {
    registerBook: row.bookCode ?? 'historical',
    year: row.year ?? Number(registeredAt.slice(0, 4)),
    entryNumber: r.entryNumber,
    certificateNumber: r.certificateNumber,
    partyAId: r.partyAId,
    partyBId: r.partyBId,
    registeredAt,
    communeCode: r.communeCode,
    caseId: r.caseId ?? '',
    dissolvedAt: r.dissolvedAt ? new Date(r.dissolvedAt).toISOString() : null,
  };
  });
}

export function findCurrentMarriage(db: Executor, personalId: string): Promise<MarriageRegistration | null> {
  return findMarriageBy(
    db,
    and(
      or(eq(marriageRegistrations.partyAId, personalId), eq(marriageRegistrations.partyBId, personalId)),
      isNull(marriageRegistrations.dissolvedAt),
    )!,
  );
}

export function createPostgresCivilStatusEvents(db: Executor, clock: () => Date = () => new Date()) {
  return {
    findDeathOf: (_ctx: unknown, personalId: string) => findDeathOfPerson(db, personalId),
    findCurrentMarriageOf: (_ctx: unknown, personalId: string) => findCurrentMarriage(db, personalId),
    findMarriagesOf: (_ctx: unknown, personalId: string) =>
      findMarriagesBy(db, or(eq(marriageRegistrations.partyAId, personalId), eq(marriageRegistrations.partyBId, personalId))!),

    async registerDeath(ctx: Parameters<typeof writeKey>[0], input: NewDeathRegistration): Promise<DeathRegistration> {
      const key = writeKey(ctx);
      const done = await findDeathBy(db, eq(deathRegistrations.caseId, key));
      if (done) return done;
      if (!isCommuneCode(input.communeCode)) throw new InvalidRegistryInputError(`not a commune code: "${input.communeCode}"`);
      if (!isCommuneCode(input.placeOfDeath)) throw new InvalidRegistryInputError(`not a commune code: "${input.placeOfDeath}"`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dateOfDeath)) throw new InvalidRegistryInputError('dateOfDeath must be yyyy-mm-dd');
      const deceased = await findPerson(db, input.deceasedId);
      if (!deceased) throw new PersonNotFoundError(input.deceasedId);
      checkCommune('communeCode', input.communeCode);
      checkCommune('placeOfDeath', input.placeOfDeath);
      checkNotFuture('dateOfDeath', input.dateOfDeath, localDateOf(clock()));
      if (input.dateOfDeath < deceased.dateOfBirth) {
        throw new InconsistentFactError('DATE_BEFORE_BIRTH', 'dateOfDeath', `${input.dateOfDeath} is before the birth (${deceased.dateOfBirth})`);
      }
      await requireAlive(db, 'declarantId', input.declarantId);
      const { at, year } = registrationYear(input.registeredAt);
      try {
        await db.transaction(async (tx) => {
          const { bookId, entryNumber } = await takeEntry(tx, 'death', input.communeCode, year);
          await tx.insert(deathRegistrations).values({
            bookId,
            entryNumber,
            certificateNumber: certificateNumberOf(entryNumber),
            deceasedId: input.deceasedId,
            dateOfDeath: input.dateOfDeath,
            placeOfDeath: input.placeOfDeath,
            cause: input.cause,
            deathNoticeNo: input.deathNoticeNo,
            declarantId: input.declarantId,
            communeCode: input.communeCode,
            registeredAt: at.toISOString(),
            caseId: key,
          });
          // The death ends the person's marriage.
          await tx
            .update(marriageRegistrations)
            .set({ dissolvedAt: at.toISOString() })
            .where(
              and(
                or(eq(marriageRegistrations.partyAId, input.deceasedId), eq(marriageRegistrations.partyBId, input.deceasedId)),
                isNull(marriageRegistrations.dissolvedAt),
              ),
            );
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const mine = await findDeathBy(db, eq(deathRegistrations.caseId, key));
        if (mine) return mine;
        const other = await findDeathOfPerson(db, input.deceasedId);
        if (other) throw new DeathAlreadyRegisteredError(input.deceasedId, other.caseId);
        throw e;
      }
      const created = await findDeathBy(db, eq(deathRegistrations.caseId, key));
      if (!created) throw new Error(`death registration for case ${key} vanished after commit`);
      return created;
    },

    async registerMarriage(ctx: Parameters<typeof writeKey>[0], input: NewMarriageRegistration): Promise<MarriageRegistration> {
      const key = writeKey(ctx);
      const done = await findMarriageBy(db, eq(marriageRegistrations.caseId, key));
      if (done) return done;
      if (!isCommuneCode(input.communeCode)) throw new InvalidRegistryInputError(`not a commune code: "${input.communeCode}"`);
      if (input.partyAId === input.partyBId) throw new InvalidRegistryInputError('the two parties must differ');
      checkCommune('communeCode', input.communeCode);
      await requireAlive(db, 'partyAId', input.partyAId);
      await requireAlive(db, 'partyBId', input.partyBId);
      const { at, year } = registrationYear(input.registeredAt);
      await db.transaction(async (tx) => {
        // Lock both parties' rows so two concurrent marriages of one person cannot both pass the check.
        await tx
          .select({ id: persons.personalId })
          .from(persons)
          .where(or(eq(persons.personalId, input.partyAId), eq(persons.personalId, input.partyBId)))
          .for('update');
        for (const id of [input.partyAId, input.partyBId]) {
          const current = await findCurrentMarriage(tx, id);
          if (current) throw new AlreadyMarriedError(id);
        }
        const { bookId, entryNumber } = await takeEntry(tx, 'marriage', input.communeCode, year);
        await tx.insert(marriageRegistrations).values({
          bookId,
          entryNumber,
          certificateNumber: certificateNumberOf(entryNumber),
          partyAId: input.partyAId,
          partyBId: input.partyBId,
          communeCode: input.communeCode,
          registeredAt: at.toISOString(),
          caseId: key,
        });
      }).catch(async (e) => {
        if (!isUniqueViolation(e)) throw e;
        if (!(await findMarriageBy(db, eq(marriageRegistrations.caseId, key)))) throw e;
      });
      const created = await findMarriageBy(db, eq(marriageRegistrations.caseId, key));
      if (!created) throw new Error(`marriage registration for case ${key} vanished after commit`);
      return created;
    },
  };
}
