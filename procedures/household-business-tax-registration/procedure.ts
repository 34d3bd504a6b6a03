/**
 * First tax registration of a household business (tax department, agency `tax`). The owner's identity comes from
 * the population database; since 1 July 2025 the tax code is the owner's personal ID number, so no new number is
 * allocated. The owner gives only the business's own data.
 */
import type { DeadlineDeclaration, EventDeclaration, FieldDeclaration, ProcedureDefinition, ServiceDeclaration } from '../types';
import { decisionOutcomes, runnerCheckedVersion, withChart } from '../chart-kit';
import { checkDecideActChart, decisionResults } from '../decision-chart';
import { HOUSEHOLD_BUSINESS_TAX_SIMULATION } from './simulation';
import type { TaxCaseContext } from './case';
export type * from './case';

export const LEGAL_BASIS_TAX_REGISTRATION = 'Law on Tax Administration 2019, Art. 30–34; Circular 86/2024/TT-BTC (personal ID as tax code)';
export const LEGAL_BASIS_ONCE_ONLY_TAX = 'Decree 47/2020/ND-CP, Art. 9';

const purpose = 'register a household business for tax for the first time';
const citizen = (name: string, type: FieldDeclaration['type'], p = purpose): FieldDeclaration => ({
  name,
  type,
  required: true,
  source: { kind: 'citizen' },
  purpose: p,
  legalBasis: LEGAL_BASIS_TAX_REGISTRATION,
});

export const TAX_FIELDS: readonly FieldDeclaration[] = [
  { ...citizen('applicant.personalId', 'personalId', 'identify the owner (VNeID); also the tax code'), mode: 'verify' },
  citizen('business.name', 'string'),
  citizen('business.line', 'string'),
  citizen('business.communeCode', 'communeCode'),
  citizen('business.provinceCode', 'string'),
  citizen('business.startDate', 'date'),
  ...(['fullName', 'dateOfBirth', 'nationality'] as const).map(
    (attribute): FieldDeclaration => ({
      name: `applicant.${attribute}`,
      type: attribute === 'dateOfBirth' ? 'date' : 'string',
      required: true,
      source: { kind: 'registry', registry: 'population', keyField: 'applicant.personalId', attribute },
      purpose,
      legalBasis: LEGAL_BASIS_ONCE_ONLY_TAX,
    }),
  ),
  {
    name: 'taxCode',
    type: 'string',
    required: false,
    source: { kind: 'step', step: 'registerHouseholdBusiness', output: 'taxCode' },
    purpose,
    legalBasis: LEGAL_BASIS_TAX_REGISTRATION,
  },
];

export const TAX_SERVICES: readonly ServiceDeclaration[] = [
  { name: 'checkTaxRegistration', agency: 'tax', description: 'Reads the owner from the population database; checks no household business is registered yet', purpose, legalBasis: LEGAL_BASIS_TAX_REGISTRATION },
  { name: 'registerHouseholdBusiness', agency: 'tax', description: 'Registers the household business with the owner\'s personal ID as tax code', purpose, legalBasis: LEGAL_BASIS_TAX_REGISTRATION },
];

export const TAX_EVENTS: readonly EventDeclaration[] = [
  { type: 'APPROVE_TAX_REGISTRATION', actor: 'officer', agency: 'tax', description: 'The tax officer accepts the registration' },
  { type: 'REFUSE_TAX_REGISTRATION', actor: 'officer', agency: 'tax', description: 'The tax officer refuses, stating the reasons', requiredFields: ['reason'] },
];

export const TAX_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'total', workingDays: 3, legalBasis: `${LEGAL_BASIS_TAX_REGISTRATION}: Art. 34 (3 working days)` },
  { step: 'decision', statePath: 'awaitingOfficer', workingDays: 3, legalBasis: 'Law on Tax Administration 2019, Art. 34' },
];

/** The chart; `senders`: who checks who may send its events (SenderRule: v1 restated it as guards). */
const householdBusinessTaxChart = checkDecideActChart<TaxCaseContext>({
  id: 'householdBusinessTax',
  services: TAX_SERVICES,
  refusalStep: 'tax',
  actOutput: 'registration',
  steps: {
    check: { service: 'checkTaxRegistration', input: ({ context }) => ({ application: context.application }) },
    decide: { agency: 'tax', approve: 'APPROVE_TAX_REGISTRATION', refuse: 'REFUSE_TAX_REGISTRATION' },
    act: { state: 'registering', service: 'registerHouseholdBusiness', input: ({ context }) => ({ application: context.application }) },
    done: 'registered',
  },
});

/** Version 1's chart (its officer guards restate the event declarations; frozen for the cases running on it). */

export const householdBusinessTaxV1: ProcedureDefinition = withChart({
  id: 'household-business-tax-registration',
  version: 1,
  title: 'First tax registration of a household business',
  legalBasis: [LEGAL_BASIS_TAX_REGISTRATION, LEGAL_BASIS_ONCE_ONLY_TAX],
  agencies: ['tax'],
  access: { jurisdiction: { province: 'application.business.provinceCode', commune: 'application.business.communeCode' } },
  data: TAX_FIELDS,
  deadlines: TAX_DEADLINES,
  delays: [],
  events: TAX_EVENTS,
  services: TAX_SERVICES,
  outcomes: decisionOutcomes('registered'),
  simulation: HOUSEHOLD_BUSINESS_TAX_SIMULATION,
  results: decisionResults('taxRegistration', 'registration'),
}, () => householdBusinessTaxChart('inChart'));

/** Version 2: who may send each event is checked by the runner alone, from the declarations. */
export const householdBusinessTaxV2: ProcedureDefinition = runnerCheckedVersion(householdBusinessTaxV1, 2, () => householdBusinessTaxChart('byRunner'));
