/**
 * Interconnected group 2: death registration → deletion of permanent residence → funeral allowance (→ one-time
 * survivor benefit). The case data, the service contracts and the configuration (reference levels, deadlines the
 * law does not fix for the group). Pure types and helpers (workflow sandbox).
 */
import type { BenefitPayment, CauseOfDeath, DeathRegistration, ResidenceDeletion } from '../../domain/registries';
import type { Refusal } from '../chart-kit';

export const LEGAL_BASIS_DEATH_GROUP = 'Decree 63/2024/ND-CP, Art. 8 and Annex (interconnected procedure group 2)';
export const LEGAL_BASIS_DEATH_REGISTRATION = 'Law on Civil Status 2014, Art. 32–34; Decree 63/2024/ND-CP';
export const LEGAL_BASIS_RESIDENCE_DELETION = 'Law on Residence 2020, Art. 24(1)(a); Decree 154/2024/ND-CP';
export const LEGAL_BASIS_FUNERAL_ALLOWANCE =
  'Law on Social Insurance 2024 (41/2024/QH15), Art. 85–86 (Law on Social Insurance 2014, Art. 66–67 for deaths before 2025-07-01)';
export const LEGAL_BASIS_SURVIVOR_BENEFIT =
  'Law on Social Insurance 2024 (41/2024/QH15), Art. 88–89 (one-time survivor benefit); Decree 63/2024/ND-CP (every relative confirms the representative)';
export const LEGAL_BASIS_ONCE_ONLY_DEATH = 'Decree 47/2020/ND-CP, Art. 9';
/** The law fixes no deadline for the interconnected group as a whole: these are configuration (DOMAIN.md). */
export const CONFIGURATION_NOTE = 'configuration: no interconnected deadline for group 2 was found in law';

/** Which procedures the family chose: 2, 3 or 4 of them. */
export type DeathSelection = 'deathAndResidence' | 'plusFuneralAllowance' | 'plusSurvivorBenefit';
export const DEATH_SELECTIONS: readonly DeathSelection[] = ['deathAndResidence', 'plusFuneralAllowance', 'plusSurvivorBenefit'];

export function proceduresChosen(selection: DeathSelection): number {
  return selection === 'deathAndResidence' ? 2 : selection === 'plusFuneralAllowance' ? 3 : 4;
}

/**
 * The reference level (mức tham chiếu; equal to the base salary until the government sets it apart) by the date it
 * took effect. Configuration: Decree 38/2019 (1,490,000), Decree 24/2023 (1,800,000), Decree 73/2024 (2,340,000).
 */
export const REFERENCE_LEVELS: readonly { from: string; amount: number; legalBasis: string }[] = [
  { from: '2019-07-01', amount: 1_490_000, legalBasis: 'Decree 38/2019/ND-CP' },
  { from: '2023-07-01', amount: 1_800_000, legalBasis: 'Decree 24/2023/ND-CP' },
  { from: '2024-07-01', amount: 2_340_000, legalBasis: 'Decree 73/2024/ND-CP' },
];

/** Funeral allowance = 10 × the reference level of the month of death. */
export const FUNERAL_ALLOWANCE_MULTIPLIER = 10;
/** Eligibility: at least 12 months of compulsory contributions (or a work accident/disease death, or a pensioner). */
export const FUNERAL_MIN_CONTRIBUTION_MONTHS = 12;
/**
 * One-time survivor benefit, simplified (configuration): 1.5 months of the average contribution salary per year of
 * contributions, at least 3 months. The law distinguishes years before/after 2014 and pensioners' remaining months.
 */
export const SURVIVOR_MONTHS_PER_YEAR = 1.5;
export const SURVIVOR_MIN_MONTHS = 3;
/** Relatives confirm the representative within this window (configuration; silence is not consent). */
export const CONFIRMATION_WINDOW_WORKING_DAYS = 7;
/** A death is to be registered within 15 days of it (Law on Civil Status 2014, Art. 33). */
export const DEATH_REGISTRATION_PERIOD_DAYS = 15;

export function referenceLevelOn(date: string): { amount: number; from: string; legalBasis: string } {
  const month = `${date.slice(0, 7)}-01`;
  const applicable = REFERENCE_LEVELS.filter((l) => l.from <= month);
  if (applicable.length === 0) throw new Error(`no reference level configured for ${date}`);
  return applicable[applicable.length - 1];
}

export function funeralAllowanceFor(dateOfDeath: string): { amount: number; basis: string } {
  const level = referenceLevelOn(dateOfDeath);
  return {
    amount: FUNERAL_ALLOWANCE_MULTIPLIER * level.amount,
    basis: `${FUNERAL_ALLOWANCE_MULTIPLIER} × reference level ${level.amount} VND (${level.legalBasis}, from ${level.from}) for the month of death ${dateOfDeath.slice(0, 7)}`,
  };
}

export function survivorOneTimeFor(compulsoryMonths: number, averageMonthlySalary: number): { amount: number; basis: string } {
  const years = Math.round((compulsoryMonths / 12) * 2) / 2; // in half years
  const months = Math.max(SURVIVOR_MIN_MONTHS, SURVIVOR_MONTHS_PER_YEAR * years);
  return {
    amount: Math.round(months * averageMonthlySalary),
    basis: `max(${SURVIVOR_MIN_MONTHS}, ${SURVIVOR_MONTHS_PER_YEAR} × ${years} years) = ${months} months × average salary ${averageMonthlySalary} VND`,
  };
}

/** Electronic Form 02: the declarant gives the facts of the death and keys; the deceased's data is read. */
export interface DeathApplication {
  /** The declarant (a relative), authenticated by VNeID; represents the family for the allowances. */
  applicant: { personalId: string };
  deceased: { personalId: string };
  death: {
    dateOfDeath: string; // yyyy-mm-dd
    placeOfDeath: string; // commune code
    cause: CauseOfDeath;
    /** Number of the death notice (giấy báo tử). */
    deathNoticeNo: string;
  };
  registration: { communeCode: string; provinceCode: string };
  selection: DeathSelection;
}

export interface DeathDossierCheck {
  deceasedId: string;
  deceasedName: string;
  /** Registered more than 15 days after the death: the officer verifies (longer deadline). */
  late: boolean;
  verificationNeeded: boolean;
  reusedFields: string[];
  collectedFields: string[];
}

export type DeathCertificate = DeathRegistration & { deceasedName: string };

export interface ResidenceCheck {
  householdId: string;
  headId: string;
  relationToHead: string;
}

export interface Relative {
  personalId: string;
  relation: 'spouse' | 'child' | 'parent';
}

export interface BenefitEntitlements {
  funeral: { eligible: boolean; reason: string; amount: number; basis: string };
  contribution: { compulsoryMonths: number; pensioner: boolean } | null;
  survivor: {
    eligible: boolean;
    reason: string;
    amount: number;
    basis: string;
    /** Living relatives (spouse, children, parents) other than the representative: each must confirm. */
    mustConfirm: string[];
  };
}

export interface DeathCaseContext {
  caseId: string;
  application: DeathApplication;
  check?: DeathDossierCheck;
  deathCertificate?: DeathCertificate;
  household?: ResidenceCheck;
  residenceDeletion?: ResidenceDeletion;
  entitlements?: BenefitEntitlements;
  funeralPayment?: BenefitPayment;
  survivorPayment?: BenefitPayment;
  confirmations: { relativeId: string; at: string | null }[];
  refusals: Refusal[];
  verificationNeeded: boolean;
}

export interface DeathCaseInput {
  caseId: string;
  application: DeathApplication;
}

export function initialDeathContext(input: DeathCaseInput): DeathCaseContext {
  return { caseId: input.caseId, application: input.application, confirmations: [], refusals: [], verificationNeeded: false };
}

export interface CheckDeathDossierInput {
  application: DeathApplication;
}
export interface RegisterDeathInput {
  application: DeathApplication;
}
export interface CheckResidenceDeletionInput {
  deceasedId: string;
}
export interface DeletePermanentResidenceInput {
  deceasedId: string;
  certificate: DeathCertificate;
}
export interface CheckBenefitEntitlementsInput {
  application: DeathApplication;
  certificate: DeathCertificate;
}
export interface PayBenefitInput {
  deceasedId: string;
  representativeId: string;
  dateOfDeath: string;
}

export function deathCaseResults(c: DeathCaseContext): Record<string, unknown> {
  return {
    proceduresChosen: proceduresChosen(c.application.selection),
    deathCertificate: c.deathCertificate ?? null,
    residenceDeletion: c.residenceDeletion ?? null,
    funeralAllowance: c.funeralPayment ?? null,
    survivorBenefit: c.survivorPayment ?? null,
    confirmations: c.confirmations,
    refusals: c.refusals,
    dataReuse: c.check ? { reusedFields: c.check.reusedFields, collectedFields: c.check.collectedFields } : null,
  };
}
