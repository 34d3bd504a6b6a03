import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { householdMembers, households } from '../../../db/registries/schema';
import { localDateOf } from '../../../domain/working-days';
import { AlreadyPermanentResidentError, HouseholdNotFoundError, InvalidRegistryInputError, PersonNotFoundError } from '../errors';
import { findPerson } from './population';
import type { Household, ResidenceRegistry } from '../types';
import { writeKey } from './keys';

export async function findHousehold(db: Executor, householdId: string): Promise<Household | null> {
  const [h] = await db.select().from(households).where(eq(households.householdId, householdId)).limit(1);
  if (!h) return null;
  const members = await db
    .select()
    .from(householdMembers)
    .where(eq(householdMembers.householdId, householdId))
    .orderBy(asc(householdMembers.since), asc(householdMembers.personalId));
  return {
    householdId: h.householdId,
    headId: h.headId,
    address: { provinceCode: h.provinceCode, communeCode: h.communeCode, street: h.street },
    members: members.map((m) => ({ personalId: m.personalId, relationToHead: m.relationToHead, since: m.since })),
  };
}

export async function findHouseholdOf(db: Executor, personalId: string): Promise<Household | null> {
  const [m] = await db
    .select({ householdId: householdMembers.householdId })
    .from(householdMembers)
    .where(eq(householdMembers.personalId, personalId))
    .limit(1);
  return m ? findHousehold(db, m.householdId) : null;
}

export function createPostgresResidence(db: Executor, clock: () => Date): ResidenceRegistry {
  return {
    getHouseholdOf: (_ctx, personalId) => findHouseholdOf(db, personalId),

    async addPermanentMember(ctx, input) {
      if (input.relationToHead.trim() === '') throw new InvalidRegistryInputError('relationToHead is empty');
      if (input.headConsentRef.trim() === '') throw new InvalidRegistryInputError('the head of household must agree');
      const household = await findHousehold(db, input.householdId);
      if (!household) throw new HouseholdNotFoundError(input.householdId);
      if (!(await findPerson(db, input.personalId))) throw new PersonNotFoundError(input.personalId);
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
