/**
 * The case data shared by the birth group's procedures: what the citizen gives, what each service returns,
 * and the chart context. Pure types and helpers (workflow sandbox).
 */
import type { Address, BirthRegistration, HealthInsuranceCard, Sex } from '../../domain/registries';

export const LEGAL_BASIS_GROUP = 'Decree 63/2024/ND-CP, Art. 7 and Annex (interconnected procedure group 1)';
export const LEGAL_BASIS_CIVIL_STATUS = 'Law on Civil Status 2014, Art. 16; Decree 63/2024/ND-CP';
export const LEGAL_BASIS_RESIDENCE = 'Law on Residence 2020, Art. 20–22; Decree 63/2024/ND-CP';
export const LEGAL_BASIS_INSURANCE = 'Law on Health Insurance, Art. 12; Decree 63/2024/ND-CP';
export const LEGAL_BASIS_ONCE_ONLY = 'Decree 47/2020/ND-CP, Art. 9';

/** The one electronic declaration (Form 01). Only the child's own data is collected. */
export interface BirthApplication {
  /** The parent who applies (legal representative), as authenticated by VNeID. */
  applicant: { personalId: string };
  /** Keys into the population database: the parents' data is read, never asked for. */
  mother: { personalId: string };
  father?: { personalId: string } | null;
  child: {
    fullName: string;
    dateOfBirth: string; // yyyy-mm-dd
    sex: Sex;
    placeOfBirth: string; // commune code (5 digits)
    ethnicity: string;
  };
  /** Number of the medical birth notice (giấy chứng sinh). */
  medicalBirthNoticeNo: string;
  /** The competent commune chosen by the applicant, and its province (2-digit code). */
  registration: { communeCode: string; provinceCode: string };
}

export interface BirthDossierCheck {
  complete: boolean;
  missing: string[];
  verificationNeeded: boolean;
  /** Derived from the parents' population records (registry), never collected. */
  homeTown: string;
  nationality: string;
  motherId: string;
  fatherId: string | null;
  /** Names of the fields read from registries instead of being collected. */
  reusedFields: string[];
  collectedFields: string[];
}

export interface IssuedPersonalId {
  personalId: string;
}

export interface BirthCertificate extends BirthRegistration {
  childName: string;
  dateOfBirth: string;
}

export interface HouseholdCheck {
  householdId: string;
  headId: string;
  relationToHead: string;
  address: Address;
}

export interface HouseholdMembership {
  householdId: string;
  personalId: string;
  headId: string;
  relationToHead: string;
  since: string;
  headConsentRef: string;
  address: Address;
}

export type InsuranceCard = HealthInsuranceCard;

export interface Refusal {
  step: string;
  reason: string;
  by: string;
  code?: string;
}

export interface SupplementRequest {
  missing: string[];
  note?: string;
  by: string;
  answered: boolean;
}

/** A correction of an applicant-given field in a supplement: the old value stays on record. */
export interface FieldCorrection {
  field: string;
  from: unknown;
  to: unknown;
}

export interface BirthCaseContext {
  caseId: string;
  application: BirthApplication;
  check?: BirthDossierCheck;
  childId?: string;
  birthCertificate?: BirthCertificate;
  household?: HouseholdCheck;
  headConsent?: { headId: string; at: string | null; ref: string };
  membership?: HouseholdMembership;
  insuranceCard?: InsuranceCard;
  supplementRequests: SupplementRequest[];
  /** Each supplement: the documents given and the applicant-given fields it corrected (old value kept). */
  supplements: { by: string; at: string | null; documents: string[]; corrections?: FieldCorrection[] }[];
  refusals: Refusal[];
  verificationNeeded: boolean;
}

export interface BirthCaseInput {
  caseId: string;
  application: BirthApplication;
  /** For the standalone residence / insurance procedures: the child's existing personal ID. */
  childId?: string;
}

export function initialBirthContext(input: BirthCaseInput): BirthCaseContext {
  return {
    caseId: input.caseId,
    application: input.application,
    childId: input.childId,
    supplementRequests: [],
    supplements: [],
    refusals: [],
    verificationNeeded: false,
  };
}

/** Service inputs, built by the chart from its context. */
export interface CheckBirthDossierInput {
  application: BirthApplication;
}
export interface IssuePersonalIdInput {
  application: BirthApplication;
  check: BirthDossierCheck;
}
export interface RegisterBirthInput {
  application: BirthApplication;
  childId: string;
}
export interface CheckResidenceInput {
  childId: string;
  motherId: string;
  fatherId: string | null;
}
export interface RegisterPermanentResidenceInput {
  childId: string;
  household: HouseholdCheck;
  headConsentRef: string;
}
export interface IssueHealthInsuranceCardInput {
  childId: string;
  provinceCode: string;
  dateOfBirth: string;
}

/** The results of a birth-group case: what the family receives. Absent entries were not produced. */
export function birthCaseResults(context: BirthCaseContext): Record<string, unknown> {
  return {
    childPersonalId: context.childId ?? null,
    birthCertificate: context.birthCertificate ?? null,
    householdMembership: context.membership ?? null,
    healthInsuranceCard: context.insuranceCard ?? null,
    refusals: context.refusals,
    dataReuse: context.check
      ? { reusedFields: context.check.reusedFields, collectedFields: context.check.collectedFields }
      : null,
  };
}
