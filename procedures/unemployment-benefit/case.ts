/** The unemployment benefit's case data: what the citizen gives, what its services take and return, the chart's context. Pure types. */
import type { UnemploymentDecision } from '../../domain/registries';
import type { Refusal } from '../chart-kit';

export interface UnemploymentApplication {
  applicant: { personalId: string };
  /** Where the claimant will receive the benefit and report monthly (only the claimant can say). */
  claim: { provinceCode: string; bankAccount: string };
}

export interface UnemploymentCheck {
  personalId: string;
  contractEndedAt: string;
  contributionMonths: number;
  proposal: { monthlyAmount: number; months: number; basis: string };
  reusedFields: string[];
  collectedFields: string[];
}

export interface UnemploymentContext {
  caseId: string;
  application: UnemploymentApplication;
  check?: UnemploymentCheck;
  decision?: UnemploymentDecision;
  refusals: Refusal[];
}

export interface UnemploymentInput {
  caseId: string;
  application: UnemploymentApplication;
}
export interface CheckUnemploymentClaimInput {
  application: UnemploymentApplication;
}
export interface DecideUnemploymentBenefitInput {
  application: UnemploymentApplication;
  check: UnemploymentCheck;
}
