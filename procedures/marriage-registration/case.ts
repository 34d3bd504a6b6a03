/** The marriage registration's case data: what the citizen gives, what its services take and return, the chart's context. Pure types. */
import type { MarriageRegistration } from '../../domain/registries';
import type { Refusal } from '../chart-kit';

export interface MarriageApplication {
  /** The party who files (VNeID); the other party consents separately. */
  applicant: { personalId: string };
  partyA: { personalId: string };
  partyB: { personalId: string };
  /** The commune where either party resides (competent commune). */
  registration: { communeCode: string; provinceCode: string };
}

export interface MarriageDossierCheck {
  partyA: { personalId: string; fullName: string; age: number };
  partyB: { personalId: string; fullName: string; age: number };
  verificationNeeded: boolean;
  reusedFields: string[];
  collectedFields: string[];
}

export type MarriageCertificate = MarriageRegistration;

export interface MarriageCaseContext {
  caseId: string;
  application: MarriageApplication;
  check?: MarriageDossierCheck;
  consents: { partyId: string; at: string | null }[];
  certificate?: MarriageCertificate;
  refusals: Refusal[];
  verificationNeeded: boolean;
}

export interface MarriageCaseInput {
  caseId: string;
  application: MarriageApplication;
}

export interface CheckMarriageDossierInput {
  application: MarriageApplication;
}
export interface RegisterMarriageInput {
  application: MarriageApplication;
}
