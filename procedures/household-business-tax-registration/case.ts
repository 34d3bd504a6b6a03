/** The household business tax registration's case data: what the citizen gives, what its services take and return, the chart's context. Pure types. */
import type { TaxRegistration } from '../../domain/registries';
import type { Refusal } from '../chart-kit';

export interface HouseholdBusinessApplication {
  applicant: { personalId: string };
  business: { name: string; line: string; communeCode: string; provinceCode: string; startDate: string };
}

export interface TaxRegistrationCheck {
  ownerId: string;
  ownerName: string;
  reusedFields: string[];
  collectedFields: string[];
}

export interface TaxCaseContext {
  caseId: string;
  application: HouseholdBusinessApplication;
  check?: TaxRegistrationCheck;
  registration?: TaxRegistration;
  refusals: Refusal[];
}

export interface TaxCaseInput {
  caseId: string;
  application: HouseholdBusinessApplication;
}
export interface CheckTaxRegistrationInput {
  application: HouseholdBusinessApplication;
}
export interface RegisterHouseholdBusinessInput {
  application: HouseholdBusinessApplication;
}
