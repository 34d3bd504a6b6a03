/**
 * Public Security (agency `police`), death group: finds the deceased's household and deletes the permanent
 * residence, citing the death certificate.
 */
import type {
  CheckResidenceDeletionInput,
  DeletePermanentResidenceInput,
  ResidenceCheck,
} from '../../procedures/death-group/case';
import type { ServiceRequest } from '../../procedures/types';
import { NoPermanentResidenceError } from '../registries/errors';
import type { ResidenceDeletion, ResidenceRegistry } from '../../domain/registries';
import { accessContext, audited, requireString, run, type AgencyDeps } from './common';

export function createPoliceDeathActivities(deps: AgencyDeps<{ residence: ResidenceRegistry }>) {
  const { residence } = audited(deps);
  return {
    async checkResidenceDeletion(request: ServiceRequest<CheckResidenceDeletionInput>): Promise<ResidenceCheck> {
      return run(async () => {
        const deceasedId = requireString(request.input.deceasedId, 'deceasedId');
        const ctx = accessContext('police', request, { fields: ['householdId', 'headId', 'members'] });
        const household = await residence.getHouseholdOf(ctx, deceasedId);
        if (!household) throw new NoPermanentResidenceError(deceasedId);
        const member = household.members.find((m) => m.personalId === deceasedId);
        return { householdId: household.householdId, headId: household.headId, relationToHead: member?.relationToHead ?? 'head' };
      });
    },

    async deletePermanentResidence(request: ServiceRequest<DeletePermanentResidenceInput>): Promise<ResidenceDeletion> {
      return run(async () => {
        const { deceasedId, certificate } = request.input;
        const ctx = accessContext('police', request, { operationKey: `deletion-${deceasedId}` });
        return residence.deletePermanentResidence(ctx, {
          personalId: requireString(deceasedId, 'deceasedId'),
          reason: 'death',
          basisRef: `death certificate ${requireString(certificate?.registerBook, 'certificate.registerBook')}/${certificate.certificateNumber}`,
        });
      });
    },
  };
}
