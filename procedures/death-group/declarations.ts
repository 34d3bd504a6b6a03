/** The death group's declarations: its data, services, events (and who may send them), deadlines and delays. */
import type { DeadlineDeclaration, DelayDeclaration, EventDeclaration, FieldDeclaration, ServiceDeclaration } from '../types';
import { CONFIGURATION_NOTE, CONFIRMATION_WINDOW_WORKING_DAYS, DEATH_SELECTIONS, LEGAL_BASIS_DEATH_GROUP, LEGAL_BASIS_DEATH_REGISTRATION, LEGAL_BASIS_FUNERAL_ALLOWANCE, LEGAL_BASIS_ONCE_ONLY_DEATH, LEGAL_BASIS_RESIDENCE_DELETION, LEGAL_BASIS_SURVIVOR_BENEFIT } from './case';

const purposeDeath = 'register a death and record it in the population database';
const purposeResidence = 'delete the permanent residence of a deceased person';
const purposeFuneral = 'settle the funeral allowance for a deceased insured person';
const purposeSurvivor = 'settle the one-time survivor benefit for the family of a deceased insured person';

function citizen(name: string, type: FieldDeclaration['type'], extra: Partial<FieldDeclaration> = {}): FieldDeclaration {
  return { name, type, required: true, source: { kind: 'citizen' }, purpose: purposeDeath, legalBasis: LEGAL_BASIS_DEATH_REGISTRATION, ...extra };
}

function population(name: string, keyField: string, attribute: string, type: FieldDeclaration['type'] = 'string'): FieldDeclaration {
  return {
    name,
    type,
    required: true,
    source: { kind: 'registry', registry: 'population', keyField, attribute },
    purpose: purposeDeath,
    legalBasis: LEGAL_BASIS_ONCE_ONLY_DEATH,
  };
}

function step(name: string, stepName: string, output: string, type: FieldDeclaration['type'], purpose: string, legalBasis: string): FieldDeclaration {
  return { name, type, required: false, source: { kind: 'step', step: stepName, output }, purpose, legalBasis };
}

/** The declarant gives the facts of the death, keys and the choice; everything the state holds is read. */
export const DEATH_GROUP_FIELDS: readonly FieldDeclaration[] = [
  citizen('applicant.personalId', 'personalId', { mode: 'verify', purpose: 'identify the declarant (VNeID), the family\'s representative' }),
  citizen('deceased.personalId', 'personalId', { mode: 'verify', purpose: 'key to the deceased\'s population record' }),
  citizen('death.dateOfDeath', 'date'),
  citizen('death.placeOfDeath', 'communeCode'),
  citizen('death.cause', 'enum', { enumValues: ['natural', 'illness', 'workAccident', 'occupationalDisease', 'other'] }),
  citizen('death.deathNoticeNo', 'string', { purpose: 'identify the death notice (giấy báo tử)' }),
  citizen('registration.communeCode', 'communeCode', { purpose: 'the competent commune chosen by the declarant' }),
  citizen('registration.provinceCode', 'string', { purpose: 'the province of the competent commune' }),
  citizen('selection', 'enum', {
    enumValues: DEATH_SELECTIONS,
    purpose: 'the procedures the family chooses (2, 3 or 4)',
    legalBasis: LEGAL_BASIS_DEATH_GROUP,
  }),
  population('deceased.fullName', 'deceased.personalId', 'fullName'),
  population('deceased.dateOfBirth', 'deceased.personalId', 'dateOfBirth', 'date'),
  population('deceased.sex', 'deceased.personalId', 'sex'),
  population('deceased.nationality', 'deceased.personalId', 'nationality'),
  population('deceased.ethnicity', 'deceased.personalId', 'ethnicity'),
  population('applicant.fullName', 'applicant.personalId', 'fullName'),
  step('deathCertificate.number', 'registerDeath', 'certificateNumber', 'string', purposeResidence, LEGAL_BASIS_RESIDENCE_DELETION),
  step('household.householdId', 'checkResidenceDeletion', 'householdId', 'string', purposeResidence, LEGAL_BASIS_RESIDENCE_DELETION),
  step('deceased.compulsoryMonths', 'checkBenefitEntitlements', 'contribution.compulsoryMonths', 'string', purposeFuneral, LEGAL_BASIS_FUNERAL_ALLOWANCE),
  step('deceased.pensioner', 'checkBenefitEntitlements', 'contribution.pensioner', 'boolean', purposeFuneral, LEGAL_BASIS_FUNERAL_ALLOWANCE),
  step('relatives.mustConfirm', 'checkBenefitEntitlements', 'survivor.mustConfirm', 'string', purposeSurvivor, LEGAL_BASIS_SURVIVOR_BENEFIT),
  {
    name: 'relatives.confirmations',
    type: 'boolean',
    required: false,
    // Given by each relative through CONFIRM_REPRESENTATIVE during the case, never by the declarant.
    source: { kind: 'step', step: 'confirmRepresentative', output: 'confirmed' },
    purpose: 'every relative confirms the family\'s representative for the one-time survivor benefit',
    legalBasis: LEGAL_BASIS_SURVIVOR_BENEFIT,
  },
];

export const DEATH_GROUP_SERVICES: readonly ServiceDeclaration[] = [
  {
    name: 'checkDeathDossier',
    agency: 'justice',
    description: 'Reads the deceased and the declarant from the population database; checks the death is not registered yet',
    purpose: 'check a death registration dossier',
    legalBasis: LEGAL_BASIS_DEATH_REGISTRATION,
  },
  {
    name: 'registerDeath',
    agency: 'justice',
    description: 'Records the death in the commune death register (entries numbered per year) and marks the person deceased',
    purpose: purposeDeath,
    legalBasis: LEGAL_BASIS_DEATH_REGISTRATION,
  },
  {
    name: 'checkResidenceDeletion',
    agency: 'police',
    description: 'Finds the deceased\'s household in the residence database',
    purpose: purposeResidence,
    legalBasis: LEGAL_BASIS_RESIDENCE_DELETION,
  },
  {
    name: 'deletePermanentResidence',
    agency: 'police',
    description: 'Deletes the permanent residence, citing the death certificate',
    purpose: purposeResidence,
    legalBasis: LEGAL_BASIS_RESIDENCE_DELETION,
  },
  {
    name: 'checkBenefitEntitlements',
    agency: 'vss',
    description: 'Reads contributions and pension status, computes the funeral allowance from the reference level, finds the relatives',
    purpose: purposeFuneral,
    legalBasis: LEGAL_BASIS_FUNERAL_ALLOWANCE,
  },
  {
    name: 'payFuneralAllowance',
    agency: 'vss',
    description: 'Pays the funeral allowance to the representative',
    purpose: purposeFuneral,
    legalBasis: LEGAL_BASIS_FUNERAL_ALLOWANCE,
  },
  {
    name: 'paySurvivorBenefit',
    agency: 'vss',
    description: 'Pays the one-time survivor benefit to the representative every relative confirmed',
    purpose: purposeSurvivor,
    legalBasis: LEGAL_BASIS_SURVIVOR_BENEFIT,
  },
];

export const DEATH_GROUP_EVENTS: readonly EventDeclaration[] = [
  { type: 'APPROVE_DEATH', actor: 'officer', agency: 'justice', description: 'The civil-status officer approves the death registration' },
  { type: 'REFUSE_DEATH', actor: 'officer', agency: 'justice', description: 'The officer refuses the registration, stating the reasons', requiredFields: ['reason'] },
  { type: 'APPROVE_RESIDENCE_DELETION', actor: 'officer', agency: 'police', description: 'The police officer approves the deletion of the permanent residence' },
  { type: 'REFUSE_RESIDENCE_DELETION', actor: 'officer', agency: 'police', description: 'The police officer refuses the deletion, stating the reasons', requiredFields: ['reason'] },
  { type: 'APPROVE_FUNERAL_ALLOWANCE', actor: 'officer', agency: 'vss', description: 'The VSS officer approves the funeral allowance' },
  { type: 'REFUSE_FUNERAL_ALLOWANCE', actor: 'officer', agency: 'vss', description: 'The VSS officer refuses the funeral allowance, stating the reasons', requiredFields: ['reason'] },
  { type: 'CONFIRM_REPRESENTATIVE', actor: 'citizen', description: 'A relative confirms the family\'s representative (each relative listed by VSS, on VNeID)' },
  { type: 'DECLINE_REPRESENTATIVE', actor: 'citizen', description: 'A relative does not confirm the representative: the survivor benefit is not paid to them' },
  { type: 'APPROVE_SURVIVOR_BENEFIT', actor: 'officer', agency: 'vss', description: 'The VSS officer approves the one-time survivor benefit' },
  { type: 'REFUSE_SURVIVOR_BENEFIT', actor: 'officer', agency: 'vss', description: 'The VSS officer refuses the survivor benefit, stating the reasons', requiredFields: ['reason'] },
];

/** Deadlines: the death the same working day (law); the rest configuration (no group deadline found in law). */
export const DEATH_GROUP_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'total', workingDays: 10, legalBasis: `${LEGAL_BASIS_DEATH_GROUP} — ${CONFIGURATION_NOTE}` },
  {
    step: 'death',
    workingDays: 0,
    workingDaysWithVerification: 3,
    legalBasis: `${LEGAL_BASIS_DEATH_REGISTRATION}: the same working day (after 15:00, the next); verification up to 3 working days`,
  },
  { step: 'residence', statePath: 'services.residence', workingDays: 5, legalBasis: `${LEGAL_BASIS_RESIDENCE_DELETION}: residence deletion ≤ 5 working days` },
  { step: 'benefits', statePath: 'services.benefits', workingDays: 10, legalBasis: `${LEGAL_BASIS_FUNERAL_ALLOWANCE} — ${CONFIGURATION_NOTE}` },
];

export const DEATH_GROUP_DELAYS: readonly DelayDeclaration[] = [
  {
    name: 'confirmationWindow',
    workingDays: CONFIRMATION_WINDOW_WORKING_DAYS,
    legalBasis: `${LEGAL_BASIS_SURVIVOR_BENEFIT} — ${CONFIGURATION_NOTE}`,
    description: 'Silence is not consent: relatives who have not confirmed within 7 working days stop the survivor benefit',
  },
];

