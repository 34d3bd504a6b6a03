/**
 * Judicial record certificate (phiếu lý lịch tư pháp; Public Security per the list of essential services, agency
 * `police`). The applicant's identity comes from the population database and the convictions from the judicial
 * records database (once-only); the officer approves (or refuses with reasons) and the certificate is issued.
 * Type 1 omits expunged convictions; type 2 shows the full record.
 */
import type { DeadlineDeclaration, EventDeclaration, FieldDeclaration, ProcedureDefinition, ServiceDeclaration } from '../types';
import { decisionOutcomes, runnerCheckedVersion, withChart } from '../chart-kit';
import { checkDecideActChart, decisionResults } from '../decision-chart';
import { JUDICIAL_RECORD_SIMULATION } from './simulation';
import type { JudicialRecordContext } from './case';
export type * from './case';

export const LEGAL_BASIS_JUDICIAL_RECORDS = 'Law on Judicial Records 2009, Art. 41–48';
export const LEGAL_BASIS_ONCE_ONLY_JR = 'Decree 47/2020/ND-CP, Art. 9; Decision 06/QD-TTg (population data replaces identity documents)';
/** Art. 48: 10 days, 15 when verification is needed. Declared in working days as configuration. */
export const JUDICIAL_RECORD_DEADLINE = { workingDays: 10, withVerification: 15 };

const purpose = 'issue a judicial record certificate';

const pop = (attribute: string, type: FieldDeclaration['type'] = 'string'): FieldDeclaration => ({
  name: `applicant.${attribute}`,
  type,
  required: true,
  source: { kind: 'registry', registry: 'population', keyField: 'applicant.personalId', attribute },
  purpose,
  legalBasis: LEGAL_BASIS_ONCE_ONLY_JR,
});

export const JUDICIAL_RECORD_FIELDS: readonly FieldDeclaration[] = [
  { name: 'applicant.personalId', type: 'personalId', required: true, mode: 'verify', source: { kind: 'citizen' }, purpose: 'identify the applicant (VNeID)', legalBasis: LEGAL_BASIS_JUDICIAL_RECORDS },
  { name: 'certificateType', type: 'enum', enumValues: ['1', '2'], required: true, source: { kind: 'citizen' }, purpose: 'type 1 or type 2 certificate', legalBasis: LEGAL_BASIS_JUDICIAL_RECORDS },
  { name: 'purposeOfRequest', type: 'string', required: true, source: { kind: 'citizen' }, purpose: 'why the certificate is requested', legalBasis: LEGAL_BASIS_JUDICIAL_RECORDS },
  pop('fullName'),
  pop('dateOfBirth', 'date'),
  pop('sex'),
  pop('placeOfBirth', 'communeCode'),
  pop('nationality'),
  {
    name: 'convictions',
    type: 'string',
    required: false,
    source: { kind: 'step', step: 'checkJudicialRecordRequest', output: 'convictions' },
    purpose,
    legalBasis: LEGAL_BASIS_JUDICIAL_RECORDS,
  },
];

export const JUDICIAL_RECORD_SERVICES: readonly ServiceDeclaration[] = [
  {
    name: 'checkJudicialRecordRequest',
    agency: 'police',
    description: 'Reads the applicant from the population database and the convictions from the judicial records database',
    purpose,
    legalBasis: LEGAL_BASIS_JUDICIAL_RECORDS,
  },
  {
    name: 'issueJudicialRecordCertificate',
    agency: 'police',
    description: 'Issues the electronic certificate showing the convictions of its type',
    purpose,
    legalBasis: LEGAL_BASIS_JUDICIAL_RECORDS,
  },
];

export const JUDICIAL_RECORD_EVENTS: readonly EventDeclaration[] = [
  { type: 'APPROVE_CERTIFICATE', actor: 'officer', agency: 'police', description: 'The officer approves the certificate' },
  { type: 'REQUIRE_VERIFICATION', actor: 'officer', agency: 'police', description: 'The record needs verification (e.g. with a court): up to 15 working days' },
  { type: 'REFUSE_CERTIFICATE', actor: 'officer', agency: 'police', description: 'The officer refuses, stating the reasons', requiredFields: ['reason'] },
];

export const JUDICIAL_RECORD_DEADLINES: readonly DeadlineDeclaration[] = [
  {
    step: 'total',
    workingDays: JUDICIAL_RECORD_DEADLINE.workingDays,
    workingDaysWithVerification: JUDICIAL_RECORD_DEADLINE.withVerification,
    legalBasis: `${LEGAL_BASIS_JUDICIAL_RECORDS} (10 days, 15 with verification) — configuration: counted here in working days`,
  },
  {
    step: 'decision',
    statePath: 'awaitingOfficer',
    workingDays: JUDICIAL_RECORD_DEADLINE.workingDays,
    workingDaysWithVerification: JUDICIAL_RECORD_DEADLINE.withVerification,
    legalBasis: `${LEGAL_BASIS_JUDICIAL_RECORDS} — configuration`,
  },
];

/** The chart; `senders`: who checks who may send its events (SenderRule: v1 restated it as guards). */
const judicialRecordChart = checkDecideActChart<JudicialRecordContext>({
  id: 'judicialRecordCertificate',
  services: JUDICIAL_RECORD_SERVICES,
  refusalStep: 'certificate',
  actOutput: 'certificate',
  context: { verificationNeeded: false },
  steps: {
    check: { service: 'checkJudicialRecordRequest', input: ({ context }) => ({ application: context.application }) },
    decide: { agency: 'police', approve: 'APPROVE_CERTIFICATE', verify: 'REQUIRE_VERIFICATION', refuse: 'REFUSE_CERTIFICATE' },
    // The certificate is issued (with or without convictions).
    act: { state: 'issuing', service: 'issueJudicialRecordCertificate', input: ({ context }) => ({ application: context.application, check: context.check! }) },
    done: 'issued',
  },
});

/** Version 1's chart (its officer guards restate the event declarations; frozen for the cases running on it). */

export const judicialRecordCertificateV1: ProcedureDefinition = withChart({
  id: 'judicial-record-certificate',
  version: 1,
  title: 'Judicial record certificate',
  legalBasis: [LEGAL_BASIS_JUDICIAL_RECORDS, LEGAL_BASIS_ONCE_ONLY_JR],
  agencies: ['police'],
  data: JUDICIAL_RECORD_FIELDS,
  deadlines: JUDICIAL_RECORD_DEADLINES,
  delays: [],
  events: JUDICIAL_RECORD_EVENTS,
  services: JUDICIAL_RECORD_SERVICES,
  outcomes: decisionOutcomes('issued'),
  simulation: JUDICIAL_RECORD_SIMULATION,
  results: decisionResults('certificate', 'certificate'),
}, () => judicialRecordChart('inChart'));

/** Version 2: who may send each event is checked by the runner alone, from the declarations. */
export const judicialRecordCertificateV2: ProcedureDefinition = runnerCheckedVersion(judicialRecordCertificateV1, 2, () => judicialRecordChart('byRunner'));
