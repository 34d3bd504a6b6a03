/**
 * One vocabulary for a case's status and outcome, used by the workflow's snapshot, the HTTP API (submit and read),
 * the ops toolkit and any read model. Pure (runs in the workflow sandbox too).
 */

/**
 * - `awaiting_data`: the application lacks fields only the applicant can give; the procedure has not started.
 * - `in_progress`: the procedure runs (steps, officers, the applicant or a household head may act).
 * - `closed`: a final state was reached; the outcome says which. A closed case accepts no event (409 CASE_CLOSED).
 * - `failed`: the engine could not run the chart (a defect or an operator's termination); operators repair it.
 */
export const CASE_STATUSES = ['awaiting_data', 'in_progress', 'closed', 'failed'] as const;
export type CaseStatusName = (typeof CASE_STATUSES)[number];

export function isCaseOpen(status: CaseStatusName): boolean {
  return status === 'awaiting_data' || status === 'in_progress';
}

/** Kinds of documents and register entries a case can issue (one name per kind, whatever the procedure). */
export const DOCUMENT_KINDS = [
  'birthCertificate',
  'personalIdNumber',
  'permanentResidence',
  'healthInsuranceCard',
  'deathCertificate',
  'residenceDeletion',
  'marriageCertificate',
  'benefitPayment',
  'judicialRecordCertificate',
  'taxRegistration',
  'unemploymentBenefitDecision',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A document a case issued, in one shape for every procedure. */
export interface IssuedDocument {
  kind: DocumentKind;
  /** The document's number (certificate number, personal ID, card number, household id, decision number …). */
  number: string;
  /** The agency that issued it. */
  issuer: string;
  /** When it was issued (ISO instant). */
  issuedAt: string;
  /** Whose document it is (personal ID), when it concerns one person. */
  subjectId: string | null;
}

/** A closed case's outcome: the declared outcome of its final state and the documents it issued. */
export interface CaseOutcome {
  /** Declared outcome name, e.g. `completed`, `partiallyCompleted`, `rejected`, `refused`, `failed`. */
  name: string;
  documents: IssuedDocument[];
}
