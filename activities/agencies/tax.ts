/**
 * Tax department (agency `tax`): first tax registration of a household business. The owner is read from the
 * population database (once-only); the tax code is the owner's personal ID number (Circular 86/2024/TT-BTC).
 */
import type {
  CheckTaxRegistrationInput,
  RegisterHouseholdBusinessInput,
  TaxRegistrationCheck,
} from '../../procedures/household-business-tax-registration/procedure';
import type { ServiceRequest } from '../../procedures/types';
import { AlreadyTaxRegisteredError, PersonNotFoundError } from '../registries/errors';
import type { PopulationRegistry, TaxRegistration, TaxRegistry } from '../../domain/registries';
import { accessContext, audited, requireString, run, type AgencyDeps } from './common';
import { checkStepData } from '../once-only/step-check';

export type TaxRegistries = { tax: TaxRegistry; population: PopulationRegistry };

export function createTaxActivities(deps: AgencyDeps<TaxRegistries>) {
  const registries = audited(deps);
  const { tax } = registries;
  return {
    async checkTaxRegistration(request: ServiceRequest<CheckTaxRegistrationInput>): Promise<TaxRegistrationCheck> {
      return run(async () => {
        const app = request.input.application;
        const ownerId = requireString(app?.applicant?.personalId, 'applicant.personalId');
        // The dead register no business.
        const check = await checkStepData(request, accessContext('tax', request), registries, ['applicant.personalId'], { needs: { 'applicant.personalId': ['deceased'] } });
        const owner = check.record('applicant.personalId');
        if (!owner || owner.deceased) throw new PersonNotFoundError(ownerId);
        if (await tax.findHouseholdBusinessOf(accessContext('tax', request, { fields: ['taxCode'] }), ownerId)) {
          throw new AlreadyTaxRegisteredError(ownerId);
        }
        const { reusedFields, collectedFields } = check.assert();
        return { ownerId, ownerName: owner.fullName as string, reusedFields, collectedFields };
      });
    },

    async registerHouseholdBusiness(request: ServiceRequest<RegisterHouseholdBusinessInput>): Promise<TaxRegistration> {
      return run(async () => {
        const { applicant, business } = request.input.application;
        return tax.registerHouseholdBusiness(accessContext('tax', request), {
          ownerId: requireString(applicant?.personalId, 'applicant.personalId'),
          businessName: requireString(business?.name, 'business.name'),
          businessLine: requireString(business.line, 'business.line'),
          communeCode: requireString(business.communeCode, 'business.communeCode'),
          provinceCode: requireString(business.provinceCode, 'business.provinceCode'),
          startDate: requireString(business.startDate, 'business.startDate'),
          registeredAt: deps.clock().toISOString(),
        });
      });
    },
  };
}

export type TaxActivities = ReturnType<typeof createTaxActivities>;
