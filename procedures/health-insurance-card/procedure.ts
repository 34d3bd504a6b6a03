/**
 * Health-insurance card for a child under 6 (Vietnam Social Security, agency `vss`): automatic, state-funded;
 * VSS allocates the 10-digit social-insurance number and issues the card.
 */
import type { DeadlineDeclaration, FieldDeclaration, ProcedureDefinition, ServiceDeclaration } from '../types';
import { birthCaseResults, LEGAL_BASIS_GROUP, LEGAL_BASIS_INSURANCE, type BirthCaseContext } from '../birth-group/case';
import { birthGroupSetup, initialBirthContext } from '../birth-group/setup';
import { birthSimulation } from '../birth-group/simulation';
import { withChart } from '../chart-kit';

const purpose = 'issue the state-funded health-insurance card of a child under 6';

export const HEALTH_INSURANCE_FIELDS: readonly FieldDeclaration[] = [
  {
    name: 'child.personalId',
    type: 'personalId',
    required: true,
    source: { kind: 'step', step: 'issuePersonalId', output: 'personalId' },
    purpose,
    legalBasis: LEGAL_BASIS_INSURANCE,
  },
  {
    name: 'child.dateOfBirth',
    type: 'date',
    required: true,
    source: { kind: 'registry', registry: 'population', keyField: 'child.personalId', attribute: 'dateOfBirth' },
    purpose,
    legalBasis: LEGAL_BASIS_INSURANCE,
  },
  {
    name: 'registration.provinceCode',
    type: 'string',
    required: true,
    source: { kind: 'step', step: 'registerBirth', output: 'provinceCode' },
    purpose,
    legalBasis: LEGAL_BASIS_INSURANCE,
  },
];

export const HEALTH_INSURANCE_SERVICES: readonly ServiceDeclaration[] = [
  {
    name: 'issueHealthInsuranceCard',
    agency: 'vss',
    description: 'Allocates the 10-digit social-insurance number and issues the card (beneficiary group TE)',
    purpose,
    legalBasis: LEGAL_BASIS_INSURANCE,
  },
];

export const HEALTH_INSURANCE_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'insurance', workingDays: 2, legalBasis: LEGAL_BASIS_GROUP },
];

/** The insurance step's states; `issued` and `failed` are final within the step. */
export function insuranceStates() {
  return {
    initial: 'issuing' as const,
    states: {
      issuing: {
        invoke: {
          id: 'issueHealthInsuranceCard',
          src: 'issueHealthInsuranceCard' as const,
          input: ({ context }: { context: BirthCaseContext }) => ({
            childId: context.childId!,
            provinceCode: context.application.registration.provinceCode,
            dateOfBirth: context.application.child.dateOfBirth,
          }),
          onDone: { target: 'issued', actions: 'storeInsuranceCard' as const },
          onError: { target: 'failed', actions: { type: 'recordServiceRefusal' as const, params: { step: 'insurance' } } },
        },
      },
      issued: { type: 'final' as const },
      failed: { type: 'final' as const },
    },
  };
}

const healthInsuranceCardChart = () =>
  birthGroupSetup.createMachine({
    id: 'healthInsuranceCard',
    context: ({ input }) => initialBirthContext(input),
    initial: 'insurance',
    states: {
      insurance: {
        ...insuranceStates(),
        onDone: [{ guard: 'followUpRefused', target: 'failed' }, { target: 'issued' }],
      },
      issued: { type: 'final' },
      failed: { type: 'final' },
    },
  });

export const healthInsuranceCardV1: ProcedureDefinition = withChart({
  id: 'health-insurance-card',
  version: 1,
  title: 'Health-insurance card for a child under 6',
  legalBasis: [LEGAL_BASIS_INSURANCE],
  agencies: ['vss'],
  access: { jurisdiction: { province: 'application.registration.provinceCode' } },
  data: HEALTH_INSURANCE_FIELDS,
  deadlines: HEALTH_INSURANCE_DEADLINES,
  delays: [],
  events: [],
  services: HEALTH_INSURANCE_SERVICES,
  outcomes: { issued: 'completed', failed: 'failed' },
  simulation: birthSimulation('registeredChild'),
  results: birthCaseResults,
}, healthInsuranceCardChart);
