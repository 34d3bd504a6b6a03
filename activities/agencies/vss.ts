/**
 * Vietnam Social Security (agency `vss`): allocates the child's 10-digit social-insurance number and issues the
 * state-funded health-insurance card (beneficiary group TE, children under 6).
 */
import type { InsuranceCard, IssueHealthInsuranceCardInput } from '../../procedures/birth-group/case';
import type { ServiceRequest } from '../../procedures/types';
import type { CivilStatusRegistry, PopulationRegistry, SocialInsuranceRegistry } from '../../domain/registries';
import { createVssDeathActivities } from './vss-death';
import { accessContext, audited, requireString, run, type AgencyDeps } from './common';

/** Population and civil status are read only (the deceased's relatives and marriages). */
export type VssRegistries = {
  socialInsurance: SocialInsuranceRegistry;
  population?: PopulationRegistry;
  civilStatus?: CivilStatusRegistry;
};
export type VssDeps = AgencyDeps<VssRegistries>;

/** Children under 6: card group TE, funded by the state budget. */
export const CHILD_UNDER_SIX_GROUP = 'TE';

export function createVssActivities(deps: VssDeps) {
  const { socialInsurance } = audited(deps);

  return {
    ...createVssDeathActivities(deps),
    async issueHealthInsuranceCard(request: ServiceRequest<IssueHealthInsuranceCardInput>): Promise<InsuranceCard> {
      return run(async () => {
        const { childId, provinceCode, dateOfBirth } = request.input;
        const ctx = accessContext('vss', request, { operationKey: `card-${childId}` });
        return socialInsurance.issueHealthInsuranceCard(ctx, {
          personalId: requireString(childId, 'childId'),
          provinceCode: requireString(provinceCode, 'provinceCode'),
          validFrom: requireString(dateOfBirth, 'dateOfBirth'),
          beneficiaryGroup: CHILD_UNDER_SIX_GROUP,
        });
      });
    },
  };
}

export type VssActivities = ReturnType<typeof createVssActivities>;
