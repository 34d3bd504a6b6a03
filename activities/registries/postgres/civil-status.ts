import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { birthRegistrations, registerBooks } from '../../../db/registries/schema';
import { isCommuneCode } from '../../../domain/provinces';
import { localDateOf } from '../../../domain/working-days';
import { BirthAlreadyRegisteredError, InvalidRegistryInputError, isUniqueViolation, PersonNotFoundError } from '../errors';
import { findPerson } from './population';
import { checkCommune, InconsistentFactError } from '../../../domain/plausibility';
import type { BirthRegistration, CivilStatusRegistry } from '../../../domain/registries';
import { writeKey } from './keys';
import { certificateNumberOf, civilBookCode, createPostgresCivilStatusEvents, takeEntry } from './civil-status-events';

/** Book code for a commune's birth register of a year, e.g. "KS-2026-00106" (KS: khai sinh, birth). */
export function birthBookCode(communeCode: string, year: number): string {
  return civilBookCode('birth', communeCode, year);
}

async function findBy(
  db: Executor,
  where: ReturnType<typeof eq>,
): Promise<BirthRegistration | null> {
  const [row] = await db
    .select({ reg: birthRegistrations, bookCode: registerBooks.bookCode, year: registerBooks.year })
    .from(birthRegistrations)
    .innerJoin(registerBooks, eq(registerBooks.id, birthRegistrations.bookId))
    .where(where)
    .limit(1);
  if (!row) return null;
  return {
    registerBook: row.bookCode,
    year: row.year,
    entryNumber: row.reg.entryNumber,
    certificateNumber: row.reg.certificateNumber,
    childId: row.reg.childId,
    registeredAt: new Date(row.reg.registeredAt).toISOString(),
    communeCode: row.reg.communeCode,
    caseId: row.reg.caseId,
  };
}

export function findBirthByChildId(db: Executor, childId: string): Promise<BirthRegistration | null> {
  return findBy(db, eq(birthRegistrations.childId, childId));
}

/** The case of the registration that used a medical birth notice number (an index lookup: birth_registrations_notice_idx). */
export function birthByNoticeQuery(db: Executor, medicalBirthNoticeNo: string) {
  return db
    .select({ caseId: birthRegistrations.caseId })
    .from(birthRegistrations)
    .where(eq(birthRegistrations.medicalBirthNoticeNo, medicalBirthNoticeNo))
    .limit(1);
}

/** The registration that used a medical birth notice number, if any. */
export async function findBirthByNotice(db: Executor, medicalBirthNoticeNo: string): Promise<{ caseId: string } | null> {
  const [row] = await birthByNoticeQuery(db, medicalBirthNoticeNo);
  return row ?? null;
}

export function createPostgresCivilStatus(db: Executor, clock: () => Date = () => new Date()): CivilStatusRegistry {
  return {
    ...createPostgresCivilStatusEvents(db, clock),
    findBirthByChild: (_ctx, childId) => findBirthByChildId(db, childId),

    async registerBirth(ctx, input) {
      const key = writeKey(ctx);
      const done = await findBy(db, eq(birthRegistrations.caseId, key));
      if (done) return done;
      if (!isCommuneCode(input.communeCode)) {
        throw new InvalidRegistryInputError(`not a commune code: "${input.communeCode}"`);
      }
      checkCommune('communeCode', input.communeCode);
      if (input.medicalBirthNoticeNo.trim() === '') throw new InvalidRegistryInputError('medicalBirthNoticeNo is empty');
      if (!(await findPerson(db, input.childId))) throw new PersonNotFoundError(input.childId);
      const at = new Date(input.registeredAt);
      if (Number.isNaN(at.getTime())) throw new InvalidRegistryInputError(`bad registeredAt "${input.registeredAt}"`);
      // The register year is the local (UTC+7) calendar year of registration.
      const year = Number(localDateOf(at).slice(0, 4));
      try {
        await db.transaction(async (tx) => {
          // One registration per medical birth notice: concurrent registrations of one notice queue on this lock.
          await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`birth-notice:${input.medicalBirthNoticeNo.trim()}`}))`);
          const used = await findBirthByNotice(tx, input.medicalBirthNoticeNo.trim());
          if (used?.caseId === key) return; // a concurrent retry of this case won: its registration is returned below
          const other = await findBirthByChildId(tx, input.childId);
          if (other) throw new BirthAlreadyRegisteredError(input.childId, other.caseId);
          if (used) {
            throw new InconsistentFactError('BIRTH_NOTICE_ALREADY_USED', 'medicalBirthNoticeNo', `${input.medicalBirthNoticeNo} is already registered`, {
              caseId: used.caseId.split('#')[0],
            });
          }
          // The book row stays locked until commit: concurrent registrations queue there (numbers consecutive).
          const { bookId, entryNumber } = await takeEntry(tx, 'birth', input.communeCode, year);
          await tx.insert(birthRegistrations).values({
            bookId,
            entryNumber,
            certificateNumber: certificateNumberOf(entryNumber),
            childId: input.childId,
            communeCode: input.communeCode,
            registeredAt: at.toISOString(),
            medicalBirthNoticeNo: input.medicalBirthNoticeNo.trim(),
            caseId: key,
          });
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        // A concurrent retry of this case won, or the child was registered by another case.
        const mine = await findBy(db, eq(birthRegistrations.caseId, key));
        if (mine) return mine;
        const other = await findBirthByChildId(db, input.childId);
        if (other) throw new BirthAlreadyRegisteredError(input.childId, other.caseId);
        throw e;
      }
      const created = await findBy(db, eq(birthRegistrations.caseId, key));
      if (!created) throw new Error(`birth registration for case ${key} vanished after commit`);
      return created;
    },
  };
}
