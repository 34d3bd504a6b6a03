/** The judicial record certificate's case data: what the citizen gives, what its services take and return, the chart's context. Pure types. */
import type { Conviction, JudicialRecordCertificate } from '../../domain/registries';
import type { Refusal } from '../chart-kit';

export interface JudicialRecordApplication {
  applicant: { personalId: string };
  certificateType: '1' | '2';
  /** Why the certificate is asked for (e.g. employment): only the applicant can say. */
  purposeOfRequest: string;
}

export interface JudicialRecordCheck {
  personalId: string;
  fullName: string;
  /** What the certificate will show: for type 1, unexpunged convictions only. */
  convictions: Conviction[];
  hasConvictions: boolean;
  reusedFields: string[];
  collectedFields: string[];
}

export interface JudicialRecordContext {
  caseId: string;
  application: JudicialRecordApplication;
  check?: JudicialRecordCheck;
  certificate?: JudicialRecordCertificate;
  refusals: Refusal[];
  verificationNeeded: boolean;
}

export interface JudicialRecordInput {
  caseId: string;
  application: JudicialRecordApplication;
}
export interface CheckJudicialRecordInput {
  application: JudicialRecordApplication;
}
export interface IssueJudicialRecordInput {
  application: JudicialRecordApplication;
  check: JudicialRecordCheck;
}
