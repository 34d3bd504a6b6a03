/**
 * Unemployment benefit (agency `labour`: the provincial public employment service centre, which receives the
 * dossier and proposes the decision; VSS pays). The claimant gives only what no registry holds; the last employment
 * and unemployment-insurance contributions come from the contribution data. Conditions (Law on Employment 2013,
 * Art. 49): ≥ 12 months of contributions in the 24 months before the contract ended; filed within 3 months.
 */
import type { DeadlineDeclaration, EventDeclaration, FieldDeclaration, ProcedureDefinition, ServiceDeclaration } from '../types';
import { decisionOutcomes, runnerCheckedVersion, withChart } from '../chart-kit';
import { checkDecideActChart, decisionResults } from '../decision-chart';
import { UNEMPLOYMENT_SIMULATION } from './simulation';
import type { UnemploymentContext } from './case';
export type * from './case';

export const LEGAL_BASIS_UNEMPLOYMENT = 'Law on Employment 2013, Art. 46–50; Decree 28/2015/ND-CP, Art. 16–18';
export const LEGAL_BASIS_ONCE_ONLY_UB = 'Decree 47/2020/ND-CP, Art. 9';
/** Configuration: region I minimum wage (Decree 74/2024/ND-CP, from 2024-07-01); the benefit is capped at 5×. */
export const REGIONAL_MINIMUM_WAGE = 4_960_000;
export const BENEFIT_RATE = 0.6;
export const MIN_CONTRIBUTION_MONTHS = 12;
export const FILING_WINDOW_MONTHS = 3;

/** 60% of the average salary, at most 5 × the regional minimum wage; 3 months for 12–36 months of contributions, +1 per further 12, at most 12. */
export function unemploymentBenefitFor(contributionMonths: number, averageMonthlySalary: number): { monthlyAmount: number; months: number; basis: string } {
  const monthlyAmount = Math.min(Math.round(BENEFIT_RATE * averageMonthlySalary), 5 * REGIONAL_MINIMUM_WAGE);
  const months = Math.min(12, 3 + Math.max(0, Math.floor((contributionMonths - 36) / 12)));
  return {
    monthlyAmount,
    months,
    basis: `min(60% × ${averageMonthlySalary}, 5 × ${REGIONAL_MINIMUM_WAGE}) VND for ${months} months (${contributionMonths} months of contributions)`,
  };
}

const purpose = 'decide an unemployment benefit claim';
const citizen = (name: string, type: FieldDeclaration['type'], p = purpose): FieldDeclaration => ({
  name, type, required: true, source: { kind: 'citizen' }, purpose: p, legalBasis: LEGAL_BASIS_UNEMPLOYMENT,
});
const step = (name: string, output: string): FieldDeclaration => ({
  name, type: 'string', required: false, source: { kind: 'step', step: 'checkUnemploymentClaim', output }, purpose, legalBasis: LEGAL_BASIS_UNEMPLOYMENT,
});

export const UNEMPLOYMENT_FIELDS: readonly FieldDeclaration[] = [
  { ...citizen('applicant.personalId', 'personalId', 'identify the claimant (VNeID)'), mode: 'verify' },
  citizen('claim.provinceCode', 'string', 'the province where the claimant receives the benefit'),
  citizen('claim.bankAccount', 'string', 'where the benefit is paid'),
  ...(['fullName', 'dateOfBirth'] as const).map(
    (attribute): FieldDeclaration => ({
      name: `applicant.${attribute}`,
      type: attribute === 'dateOfBirth' ? 'date' : 'string',
      required: true,
      source: { kind: 'registry', registry: 'population', keyField: 'applicant.personalId', attribute },
      purpose,
      legalBasis: LEGAL_BASIS_ONCE_ONLY_UB,
    }),
  ),
  // Read by the check from the contribution data (never declared by the claimant).
  step('employment.contractEndedAt', 'contractEndedAt'),
  step('employment.contributionMonths', 'contributionMonths'),
];

export const UNEMPLOYMENT_SERVICES: readonly ServiceDeclaration[] = [
  { name: 'checkUnemploymentClaim', agency: 'labour', description: 'Reads the claimant and the last employment with its contributions; checks the conditions; proposes amount and duration', purpose, legalBasis: LEGAL_BASIS_UNEMPLOYMENT },
  { name: 'decideUnemploymentBenefit', agency: 'labour', description: 'Records the decision granting the benefit (amount, months)', purpose, legalBasis: LEGAL_BASIS_UNEMPLOYMENT },
];

export const UNEMPLOYMENT_EVENTS: readonly EventDeclaration[] = [
  { type: 'APPROVE_UNEMPLOYMENT_BENEFIT', actor: 'officer', agency: 'labour', description: 'The employment service centre proposes the decision and it is signed' },
  { type: 'REFUSE_UNEMPLOYMENT_BENEFIT', actor: 'officer', agency: 'labour', description: 'The claim is refused, stating the reasons (e.g. the claimant found a job)', requiredFields: ['reason'] },
];

export const UNEMPLOYMENT_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'total', workingDays: 20, legalBasis: `${LEGAL_BASIS_UNEMPLOYMENT}: 20 working days from a complete dossier` },
  { step: 'decision', statePath: 'awaitingOfficer', workingDays: 20, legalBasis: 'Decree 28/2015/ND-CP, Art. 18' },
];

/** The chart; `senders`: who checks who may send its events (SenderRule: v1 restated it as guards). */
const unemploymentChart = checkDecideActChart<UnemploymentContext>({
  id: 'unemploymentBenefit',
  services: UNEMPLOYMENT_SERVICES,
  refusalStep: 'unemployment',
  actOutput: 'decision',
  steps: {
    check: { service: 'checkUnemploymentClaim', input: ({ context }) => ({ application: context.application }) },
    decide: { agency: 'labour', approve: 'APPROVE_UNEMPLOYMENT_BENEFIT', refuse: 'REFUSE_UNEMPLOYMENT_BENEFIT' },
    act: { state: 'deciding', service: 'decideUnemploymentBenefit', input: ({ context }) => ({ application: context.application, check: context.check! }) },
    done: 'granted',
  },
});

/** Version 1's chart (its officer guards restate the event declarations; frozen for the cases running on it). */

export const unemploymentBenefitV1: ProcedureDefinition = withChart({
  id: 'unemployment-benefit',
  version: 1,
  title: 'Unemployment benefit',
  legalBasis: [LEGAL_BASIS_UNEMPLOYMENT, LEGAL_BASIS_ONCE_ONLY_UB],
  agencies: ['labour'],
  access: { jurisdiction: { province: 'application.claim.provinceCode' } },
  data: UNEMPLOYMENT_FIELDS,
  deadlines: UNEMPLOYMENT_DEADLINES,
  delays: [],
  events: UNEMPLOYMENT_EVENTS,
  services: UNEMPLOYMENT_SERVICES,
  outcomes: decisionOutcomes('granted'),
  simulation: UNEMPLOYMENT_SIMULATION,
  results: decisionResults('decision', 'decision'),
}, () => unemploymentChart('inChart'));

/** Version 2: who may send each event is checked by the runner alone, from the declarations. */
export const unemploymentBenefitV2: ProcedureDefinition = runnerCheckedVersion(unemploymentBenefitV1, 2, () => unemploymentChart('byRunner'));
