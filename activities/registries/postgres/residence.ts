import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { preparedQuery } from '../../../db/prepared-query';
import { householdMembers, households, residenceDeletions } from '../../../db/registries/schema';
import { localDateOf } from '../../../domain/working-days';
import {
  AlreadyPermanentResidentError,
  HouseholdNotFoundError,
  InvalidRegistryInputError,
  isUniqueViolation,
  NoPermanentResidenceError,
} from '../errors';
import { checkedAlive, findTwoPersons } from './population';
import type { Household, ResidenceDeletion, ResidenceRegistry } from '../../../domain/registries';
import { writeKey } from './keys';

/** A household and its members in one statement (one snapshot, one round trip). */
const householdQuery = (db: Executor, which: SQL) =>
  db
    .select({ h: households, m: householdMembers })
    .from(households)
    .leftJoin(householdMembers, eq(householdMembers.householdId, households.householdId))
    .where(which)
    .orderBy(asc(householdMembers.since), asc(householdMembers.personalId));
type HouseholdRows = Awaited<ReturnType<typeof householdQuery>>;

const householdById = preparedQuery((db) => householdQuery(db, eq(households.householdId, sql.placeholder('householdId'))).prepare('household'));
// The household of a member: the hottest read of the residence register (every case reads the applicant's).
const householdOfMember = preparedQuery((db) =>
  householdQuery(
    db,
    inArray(households.householdId, db.select({ householdId: householdMembers.householdId }).from(householdMembers).where(eq(householdMembers.personalId, sql.placeholder('personalId'))).limit(1)),
  ).prepare('household_of'),
);

function householdOf(rows: HouseholdRows): Household | null {
  if (rows.length === 0) return null;
  const h = rows[0].h;
  return {
    householdId: h.householdId,
    headId: h.headId,
    address: { provinceCode: h.provinceCode, communeCode: h.communeCode, street: h.street },
    members: rows.flatMap(({ m }) => (m ? [{ personalId: m.personalId, relationToHead: m.relationToHead, since: m.since }] : [])),
  };
}

export async function findHousehold(db: Executor, householdId: string): Promise<Household | null> {
  return householdOf(await householdById(db, { householdId }));
}

export async function findHouseholdOf(db: Executor, personalId: string): Promise<Household | null> {
  return householdOf(await householdOfMember(db, { personalId }));
}

type DeletionRow = typeof residenceDeletions.$inferSelect;
const toDeletion = (r: DeletionRow): ResidenceDeletion => ({
  personalId: r.personalId,
  householdId: r.householdId,
  relationToHead: r.relationToHead,
  reason: r.reason,
  basisRef: r.basisRef,
  deletedAt: new Date(r.deletedAt).toISOString(),
  caseId: r.caseId,
});

export async function findResidenceDeletionsOf(db: Executor, personalId: string): Promise<ResidenceDeletion[]> {
  const rows = await db.select().from(residenceDeletions).where(eq(residenceDeletions.personalId, personalId));
  return rows.map(toDeletion);
}

export function createPostgresResidence(db: Executor, clock: () => Date): ResidenceRegistry {
  const deletionBy = async (key: string) => {
    const [row] = await db.select().from(residenceDeletions).where(eq(residenceDeletions.caseId, key)).limit(1);
    return row ? toDeletion(row) : null;
  };
  return {
    async deletePermanentResidence(ctx, input) {
      const key = writeKey(ctx);
      const done = await deletionBy(key);
      if (done) return done; // a retried activity: already deleted by this case
      if (input.reason.trim() === '') throw new InvalidRegistryInputError('reason is empty');
      if (input.basisRef.trim() === '') throw new InvalidRegistryInputError('basisRef is empty');
      try {
        await db.transaction(async (tx) => {
          const [member] = await tx
            .delete(householdMembers)
            .where(eq(householdMembers.personalId, input.personalId))
            .returning();
          if (!member) throw new NoPermanentResidenceError(input.personalId);
          await tx.insert(residenceDeletions).values({
            personalId: member.personalId,
            householdId: member.householdId,
            relationToHead: member.relationToHead,
            since: member.since,
            reason: input.reason,
            basisRef: input.basisRef,
            deletedAt: clock().toISOString(),
            caseId: key,
          });
        });
      } catch (e) {
        const raced = await deletionBy(key);
        if (raced && (e instanceof NoPermanentResidenceError || isUniqueViolation(e))) return raced;
        throw e;
      }
      return (await deletionBy(key))!;
    },

    getHouseholdOf: (_ctx, personalId) => findHouseholdOf(db, personalId),

    async addPermanentMember(ctx, input) {
      if (input.relationToHead.trim() === '') throw new InvalidRegistryInputError('relationToHead is empty');
      if (input.headConsentRef.trim() === '') throw new InvalidRegistryInputError('the head of household must agree');
      const household = await findHousehold(db, input.householdId);
      if (!household) throw new HouseholdNotFoundError(input.householdId);
      const [member, head] = await findTwoPersons(db, input.personalId, household.headId);
      checkedAlive('personalId', input.personalId, member);
      // The head's agreement is an act: a head recorded as deceased cannot give it.
      checkedAlive('household.headId', household.headId, head);
      const insert = () =>
        db
          .insert(householdMembers)
          .values({
            personalId: input.personalId,
            householdId: input.householdId,
            relationToHead: input.relationToHead,
            since: localDateOf(clock()),
            headConsentRef: input.headConsentRef,
            addedByCaseId: writeKey(ctx),
          })
          .onConflictDoNothing()
          .returning();
      const [added] = await insert();
      if (!added) {
        // Already a permanent resident: fine if here (a retry, or registered by an earlier case), else refuse.
        const [m] = await db
          .select()
          .from(householdMembers)
          .where(eq(householdMembers.personalId, input.personalId))
          .limit(1);
        if (!m) {
          throw new InvalidRegistryInputError(
            `case key ${writeKey(ctx)} already added another member: set ctx.operationKey per member`,
          );
        }
        if (m.householdId !== input.householdId) {
          throw new AlreadyPermanentResidentError(input.personalId, m.householdId);
        }
      }
      return (await findHousehold(db, input.householdId))!;
    },
  };
}
