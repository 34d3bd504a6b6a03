/**
 * Public Security (residence registration, agency `police`): finds the household of a parent in the residence
 * database and adds the child as a permanent member once the household head has agreed.
 */
import type {
  CheckResidenceInput,
  HouseholdCheck,
  HouseholdMembership,
  RegisterPermanentResidenceInput,
} from '../../procedures/birth-group/case';
import type { ServiceRequest } from '../../procedures/types';
import type { Household, JudicialRecordsRegistry, PopulationRegistry, ResidenceRegistry } from '../../domain/registries';
import { accessContext, audited, requireString, run, type AgencyDeps } from './common';
import { HouseholdNotFoundError } from '../registries/errors';
import { createPoliceDeathActivities } from './police-death';
import { createPoliceJudicialActivities } from './police-judicial';

/** Population is read only (identity for the judicial record certificate). */
export type PoliceRegistries = {
  residence: ResidenceRegistry;
  population?: PopulationRegistry;
  judicialRecords?: JudicialRecordsRegistry;
};
export type PoliceDeps = AgencyDeps<PoliceRegistries>;

export class ParentHouseholdNotFoundError extends HouseholdNotFoundError {
  constructor(readonly parentIds: string[]) {
    super(parentIds.join(', '));
    this.message = `No household with a permanent residence for the parents (${parentIds.join(', ')})`;
  }
}

/** The child's relation to the household head, from the parents' own relations to the head. */
export function relationOfChildToHead(household: Household, parentIds: readonly string[]): string {
  const relations = parentIds.map((id) =>
    household.headId === id ? 'head' : (household.members.find((m) => m.personalId === id)?.relationToHead ?? '').toLowerCase(),
  );
  if (relations.some((r) => r === 'head' || r === 'wife' || r === 'husband' || r === 'spouse')) return 'child';
  if (relations.some((r) => ['child', 'son', 'daughter', 'child-in-law'].includes(r))) return 'grandchild';
  return 'relative';
}

export function createPoliceActivities(deps: PoliceDeps) {
  const { residence } = audited(deps);

  return {
    ...createPoliceDeathActivities(deps),
    ...createPoliceJudicialActivities(deps),
    async checkResidence(request: ServiceRequest<CheckResidenceInput>): Promise<HouseholdCheck> {
      return run(async () => {
        const { motherId, fatherId } = request.input;
        const ctx = accessContext('police', request, { fields: ['householdId', 'headId', 'address', 'members'] });
        const parents = [requireString(motherId, 'motherId'), ...(fatherId ? [fatherId] : [])];
        for (const parentId of parents) {
          const household = await residence.getHouseholdOf(ctx, parentId);
          if (household) {
            return {
              householdId: household.householdId,
              headId: household.headId,
              relationToHead: relationOfChildToHead(household, parents),
              address: household.address,
            };
          }
        }
        throw new ParentHouseholdNotFoundError(parents);
      });
    },

    async registerPermanentResidence(
      request: ServiceRequest<RegisterPermanentResidenceInput>,
    ): Promise<HouseholdMembership> {
      return run(async () => {
        const { childId, household, headConsentRef } = request.input;
        const ctx = accessContext('police', request, { operationKey: `member-${childId}` });
        const updated = await residence.addPermanentMember(ctx, {
          householdId: requireString(household?.householdId, 'household.householdId'),
          personalId: requireString(childId, 'childId'),
          relationToHead: requireString(household.relationToHead, 'household.relationToHead'),
          headConsentRef: requireString(headConsentRef, 'headConsentRef'),
        });
        const member = updated.members.find((m) => m.personalId === childId);
        return {
          householdId: updated.householdId,
          personalId: childId,
          headId: updated.headId,
          relationToHead: member?.relationToHead ?? household.relationToHead,
          since: member?.since ?? '',
          headConsentRef,
          address: updated.address,
        };
      });
    },
  };
}

export type PoliceActivities = ReturnType<typeof createPoliceActivities>;
