/**
 * A fixture procedure defined only under test/: a police clearance for a volunteer post, built on the police's
 * judicial-record services. It is written the way docs/authoring-procedures.md asks: one folder (this one), the chart
 * kit for every shared rule, its simulation data beside it. No file outside test/ names it.
 */
import { assign, setup } from 'xstate';
import type { JudicialRecordCertificate } from '../../../domain/registries';
import type { JudicialRecordCheck } from '../../../procedures/judicial-record-certificate/procedure';
import type { DeadlineDeclaration, EventDeclaration, FieldDeclaration, ProcedureDefinition, ProcedureEvent, ServiceDeclaration } from '../../../procedures/types';
import { isOfficerOfGuard, officerDecision, outputOf, servicePlaceholders, serviceStepOf, sharedActions, type Refusal } from '../../../procedures/chart-kit';
import { VOLUNTEER_CLEARANCE_SIMULATION } from './simulation';
import type { VolunteerClearanceApplication } from './case';
export type * from './case';

const LEGAL_BASIS = 'Test Act on volunteer posts, Art. 3';
const purpose = 'clear a volunteer for a post with children';

interface Context {
  caseId: string;
  application: VolunteerClearanceApplication;
  check?: JudicialRecordCheck;
  certificate?: JudicialRecordCertificate;
  refusals: Refusal[];
  verificationNeeded: boolean;
}

const citizen = (name: string, type: FieldDeclaration['type'], extra: Partial<FieldDeclaration> = {}): FieldDeclaration => ({
  name,
  type,
  required: true,
  source: { kind: 'citizen' },
  purpose,
  legalBasis: LEGAL_BASIS,
  ...extra,
});

const FIELDS: readonly FieldDeclaration[] = [
  citizen('applicant.personalId', 'personalId', { mode: 'verify' }),
  citizen('certificateType', 'enum', { enumValues: ['1', '2'] }),
  citizen('purposeOfRequest', 'string'),
  citizen('post', 'string'),
  { name: 'applicant.fullName', type: 'string', required: true, source: { kind: 'registry', registry: 'population', keyField: 'applicant.personalId', attribute: 'fullName' }, purpose, legalBasis: LEGAL_BASIS },
];

const SERVICES: readonly ServiceDeclaration[] = [
  { name: 'checkJudicialRecordRequest', agency: 'police', description: 'Reads the volunteer and their convictions', purpose, legalBasis: LEGAL_BASIS },
  { name: 'issueJudicialRecordCertificate', agency: 'police', description: 'Issues the clearance certificate', purpose, legalBasis: LEGAL_BASIS },
];

const EVENTS: readonly EventDeclaration[] = [
  { type: 'CLEAR_VOLUNTEER', actor: 'officer', agency: 'police', description: 'The officer clears the volunteer' },
  { type: 'REQUIRE_VERIFICATION', actor: 'officer', agency: 'police', description: 'The record needs verification' },
  { type: 'REFUSE_CLEARANCE', actor: 'officer', agency: 'police', description: 'The officer refuses, stating reasons', requiredFields: ['reason'] },
];

const DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'total', workingDays: 5, workingDaysWithVerification: 10, legalBasis: LEGAL_BASIS },
  { step: 'decision', statePath: 'deciding', workingDays: 3, workingDaysWithVerification: 8, legalBasis: LEGAL_BASIS },
];

const clearanceSetup = setup({
  types: { context: {} as Context, events: {} as ProcedureEvent, input: {} as { caseId: string; application: VolunteerClearanceApplication } },
  actors: servicePlaceholders(SERVICES),
  guards: { isOfficerOf: isOfficerOfGuard },
  actions: {
    ...sharedActions<Context>('clearance'),
    storeCheck: assign({ check: ({ event }) => outputOf<JudicialRecordCheck>(event) }),
    storeCertificate: assign({ certificate: ({ event }) => outputOf<JudicialRecordCertificate>(event) }),
  },
});

const serviceStep = serviceStepOf<Context>();

export const volunteerClearanceMachine = clearanceSetup.createMachine({
  id: 'volunteerClearance',
  context: ({ input }) => ({ caseId: input.caseId, application: input.application, refusals: [], verificationNeeded: false }),
  initial: 'checking',
  states: {
    checking: serviceStep('checkJudicialRecordRequest', ({ context }) => ({ application: context.application }), { target: 'deciding', actions: 'storeCheck' }, { target: 'rejected', actions: 'recordServiceRefusal' }),
    deciding: officerDecision({ agency: 'police', approve: ['CLEAR_VOLUNTEER', 'issuing'], verify: 'REQUIRE_VERIFICATION', refuse: ['REFUSE_CLEARANCE', 'refused'] }),
    issuing: serviceStep('issueJudicialRecordCertificate', ({ context }) => ({ application: context.application, check: context.check! }), { target: 'cleared', actions: 'storeCertificate' }, { target: 'failed', actions: 'recordServiceRefusal' }),
    cleared: { type: 'final' },
    rejected: { type: 'final' },
    refused: { type: 'final' },
    failed: { type: 'final' },
  },
});

export const volunteerClearanceV1: ProcedureDefinition = {
  id: 'volunteer-clearance',
  version: 1,
  title: 'Police clearance for a volunteer post',
  legalBasis: [LEGAL_BASIS],
  agencies: ['police'],
  data: FIELDS,
  deadlines: DEADLINES,
  delays: [],
  events: EVENTS,
  services: SERVICES,
  outcomes: { cleared: 'completed', rejected: 'rejected', refused: 'refused', failed: 'failed' },
  machine: volunteerClearanceMachine,
  simulation: VOLUNTEER_CLEARANCE_SIMULATION,
  results: (c: Context) => ({ certificate: c.certificate ?? null, refusals: c.refusals }),
};
