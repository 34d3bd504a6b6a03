/**
 * Public employment service centre (agency `labour`): unemployment benefit. The claimant is read from the
 * population database and the last employment with its contributions from the contribution data (once-only).
 */
import { localDateOf } from '../../domain/working-days';
import {
  FILING_WINDOW_MONTHS,
  MIN_CONTRIBUTION_MONTHS,
  unemploymentBenefitFor,
  type CheckUnemploymentClaimInput,
  type DecideUnemploymentBenefitInput,
  type UnemploymentCheck,
} from '../../procedures/unemployment-benefit/procedure';
import type { ServiceRequest } from '../../procedures/types';
import { PersonNotFoundError } from '../registries/errors';
import type { EmploymentRegistry, PopulationRegistry, UnemploymentDecision } from '../../domain/registries';
import { accessContext, audited, NotEntitledError, requireString, run, type AgencyDeps } from './common';
import { checkStepData } from '../once-only/step-check';

export class NotEntitledToUnemploymentError extends NotEntitledError {}

function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

export function createLabourActivities(deps: AgencyDeps<{ employment: EmploymentRegistry; population: PopulationRegistry }>) {
  const registries = audited(deps);
  const { employment } = registries;
  return {
    async checkUnemploymentClaim(request: ServiceRequest<CheckUnemploymentClaimInput>): Promise<UnemploymentCheck> {
      return run(async () => {
        const app = request.input.application;
        const id = requireString(app?.applicant?.personalId, 'applicant.personalId');
        const check = await checkStepData(request, accessContext('labour', request), registries, ['applicant.personalId']);
        if (!check.record('applicant.personalId')) throw new PersonNotFoundError(id);
        const record = await employment.getEmploymentRecord(accessContext('labour', request), id);
        if (!record) throw new NotEntitledToUnemploymentError(`no employment with unemployment insurance recorded for ${id}`);
        if (record.unemploymentInsuranceMonths < MIN_CONTRIBUTION_MONTHS) {
          throw new NotEntitledToUnemploymentError(
            `only ${record.unemploymentInsuranceMonths} months of unemployment insurance in the 24 months before the contract ended (< ${MIN_CONTRIBUTION_MONTHS})`,
          );
        }
        const today = localDateOf(deps.clock());
        if (today > addMonths(record.contractEndedAt, FILING_WINDOW_MONTHS)) {
          throw new NotEntitledToUnemploymentError(`filed more than ${FILING_WINDOW_MONTHS} months after the contract ended (${record.contractEndedAt})`);
        }
        const { reusedFields, collectedFields } = check.assert();
        return {
          personalId: id,
          contractEndedAt: record.contractEndedAt,
          contributionMonths: record.unemploymentInsuranceMonths,
          proposal: unemploymentBenefitFor(record.unemploymentInsuranceMonths, record.averageMonthlySalary),
          reusedFields: [...reusedFields, 'employment.contractEndedAt', 'employment.contributionMonths'],
          collectedFields,
        };
      });
    },

    async decideUnemploymentBenefit(request: ServiceRequest<DecideUnemploymentBenefitInput>): Promise<UnemploymentDecision> {
      return run(async () => {
        const { check } = request.input;
        return employment.decideUnemploymentBenefit(accessContext('labour', request), {
          personalId: requireString(check?.personalId, 'check.personalId'),
          contractEndedAt: check.contractEndedAt,
          monthlyAmount: check.proposal.monthlyAmount,
          months: check.proposal.months,
          basis: check.proposal.basis,
          decidedAt: deps.clock().toISOString(),
        });
      });
    },
  };
}
