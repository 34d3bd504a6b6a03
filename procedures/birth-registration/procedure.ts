/**
 * Birth registration (commune People's Committee, agency `justice`): checks the dossier against the population
 * database, lets the civil-status officer approve, ask for a supplement or refuse, then issues the child's
 * personal ID and records the birth in the register book.
 */
import type { DeadlineDeclaration, DelayDeclaration, EventDeclaration, FieldDeclaration, ProcedureDefinition, ServiceDeclaration } from '../types';
import type { BirthCaseContext } from '../birth-group/case';
import { birthCaseResults, LEGAL_BASIS_CIVIL_STATUS, LEGAL_BASIS_GROUP, LEGAL_BASIS_ONCE_ONLY } from '../birth-group/case';
import { birthGroupSetup, initialBirthContext, SUPPLEMENT_WINDOW_WORKING_DAYS } from '../birth-group/setup';
import { officerDecision, officerGuard, senderGuard, type SenderRule, runnerCheckedVersion, withChart } from '../chart-kit';
import { birthSimulation } from '../birth-group/simulation';

const purpose = 'register the birth of a child and issue the personal ID number';

function citizen(name: string, type: FieldDeclaration['type'], extra: Partial<FieldDeclaration> = {}): FieldDeclaration {
  return { name, type, required: true, source: { kind: 'citizen' }, purpose, legalBasis: LEGAL_BASIS_CIVIL_STATUS, ...extra };
}

function population(name: string, keyField: string, attribute: string, type: FieldDeclaration['type'] = 'string', required = true): FieldDeclaration {
  return {
    name,
    type,
    required,
    source: { kind: 'registry', registry: 'population', keyField, attribute },
    purpose,
    legalBasis: LEGAL_BASIS_ONCE_ONLY,
  };
}

/** The applicant gives only the child's own data, the birth notice number and keys to the parents' records. */
export const BIRTH_REGISTRATION_FIELDS: readonly FieldDeclaration[] = [
  citizen('applicant.personalId', 'personalId', { mode: 'verify', purpose: 'identify the applicant (VNeID)' }),
  citizen('mother.personalId', 'personalId', { mode: 'verify', purpose: 'key to the mother\'s population record' }),
  citizen('father.personalId', 'personalId', { required: false, mode: 'verify', purpose: 'key to the father\'s population record' }),
  citizen('child.fullName', 'string'),
  citizen('child.dateOfBirth', 'date'),
  citizen('child.sex', 'enum', { enumValues: ['male', 'female'] }),
  citizen('child.placeOfBirth', 'communeCode'),
  citizen('child.ethnicity', 'string'),
  citizen('medicalBirthNoticeNo', 'string', { purpose: 'identify the medical birth notice (giấy chứng sinh)' }),
  citizen('registration.communeCode', 'communeCode', { purpose: 'the competent commune chosen by the applicant' }),
  citizen('registration.provinceCode', 'string', { purpose: 'the province of the competent commune' }),
  population('mother.fullName', 'mother.personalId', 'fullName'),
  population('mother.dateOfBirth', 'mother.personalId', 'dateOfBirth', 'date'),
  population('mother.ethnicity', 'mother.personalId', 'ethnicity'),
  population('mother.nationality', 'mother.personalId', 'nationality'),
  population('mother.homeTown', 'mother.personalId', 'homeTown', 'communeCode'),
  population('father.fullName', 'father.personalId', 'fullName', 'string', false),
  population('father.dateOfBirth', 'father.personalId', 'dateOfBirth', 'date', false),
  population('father.nationality', 'father.personalId', 'nationality', 'string', false),
  population('father.homeTown', 'father.personalId', 'homeTown', 'communeCode', false),
  {
    name: 'child.homeTown',
    type: 'communeCode',
    required: true,
    source: { kind: 'step', step: 'checkBirthDossier', output: 'homeTown' },
    purpose,
    legalBasis: LEGAL_BASIS_CIVIL_STATUS,
  },
  {
    name: 'child.nationality',
    type: 'string',
    required: true,
    source: { kind: 'step', step: 'checkBirthDossier', output: 'nationality' },
    purpose,
    legalBasis: LEGAL_BASIS_CIVIL_STATUS,
  },
  {
    name: 'child.personalId',
    type: 'personalId',
    required: true,
    source: { kind: 'step', step: 'issuePersonalId', output: 'personalId' },
    purpose,
    legalBasis: LEGAL_BASIS_CIVIL_STATUS,
  },
];

export const BIRTH_REGISTRATION_SERVICES: readonly ServiceDeclaration[] = [
  {
    name: 'checkBirthDossier',
    agency: 'justice',
    description: 'Reads the parents from the population database, checks the declaration, derives home town and nationality',
    purpose: 'check a birth registration dossier',
    legalBasis: LEGAL_BASIS_CIVIL_STATUS,
  },
  {
    name: 'issuePersonalId',
    agency: 'justice',
    description: 'Creates the child in the population database with a new 12-digit personal ID number',
    purpose,
    legalBasis: LEGAL_BASIS_CIVIL_STATUS,
  },
  {
    name: 'registerBirth',
    agency: 'justice',
    description: 'Records the birth in the commune register book and issues the electronic birth certificate',
    purpose,
    legalBasis: LEGAL_BASIS_CIVIL_STATUS,
  },
];

export const BIRTH_REGISTRATION_EVENTS: readonly EventDeclaration[] = [
  { type: 'APPROVE_BIRTH', actor: 'officer', agency: 'justice', description: 'The civil-status officer approves the registration' },
  {
    type: 'REQUIRE_VERIFICATION',
    actor: 'officer',
    agency: 'justice',
    description: 'The officer needs to verify the dossier: the longer deadlines apply',
  },
  {
    type: 'REQUEST_SUPPLEMENT',
    actor: 'officer',
    agency: 'justice',
    description: 'The officer asks the applicant to supplement the dossier (7 working days)',
    requiredFields: ['missing'],
    arrayFields: ['missing'],
  },
  {
    type: 'REFUSE_BIRTH',
    actor: 'officer',
    agency: 'justice',
    description: 'The officer refuses the registration, stating the reasons',
    requiredFields: ['reason'],
  },
  {
    type: 'SUPPLEMENT',
    actor: 'citizen',
    description: 'The applicant supplements the dossier (only the applicant)',
    arrayFields: ['documents'],
    completesDossier: true,
    actorIdFrom: 'application.applicant.personalId',
  },
];

export const BIRTH_REGISTRATION_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'birth', workingDays: 0, legalBasis: `${LEGAL_BASIS_CIVIL_STATUS}: the same working day a complete dossier arrives` },
];

export const BIRTH_REGISTRATION_DELAYS: readonly DelayDeclaration[] = [
  {
    name: 'supplementWindow',
    workingDays: SUPPLEMENT_WINDOW_WORKING_DAYS,
    legalBasis: LEGAL_BASIS_GROUP,
    description: 'The applicant has 7 working days to supplement, else the dossier is rejected',
  },
];

export interface BirthTargets {
  /** Where a registered birth goes next (a sibling state id, or a "#machine.state" reference). */
  registered: string;
  rejected: string;
  refused: string;
  failed: string;
}

/**
 * The birth step's states, to be placed under a compound state of a chart built with `birthGroupSetup`. `senders`:
 * who checks who may send its events (SenderRule: v1 restated the officer's and the applicant's as guards).
 */
export function birthStates(t: BirthTargets, senders: SenderRule) {
  return {
    initial: 'checking' as const,
    states: {
      checking: {
        invoke: {
          id: 'checkBirthDossier',
          src: 'checkBirthDossier' as const,
          input: ({ context }: { context: BirthCaseContext }) => ({ application: context.application }),
          onDone: { target: 'awaitingOfficer', actions: 'storeCheck' as const },
          onError: { target: t.rejected, actions: { type: 'recordServiceRefusal' as const, params: { step: 'birth' } } },
        },
      },
      awaitingOfficer: officerDecision({
        agency: 'justice',
        approve: ['APPROVE_BIRTH', 'registering'],
        verify: 'REQUIRE_VERIFICATION',
        more: {
          REQUEST_SUPPLEMENT: {
            ...officerGuard(senders, 'justice', 'missing'),
            target: 'awaitingSupplement',
            actions: 'recordSupplementRequest' as const,
          },
        },
        refuse: ['REFUSE_BIRTH', t.refused, 'birth'],
        senders,
      }),
      awaitingSupplement: {
        on: {
          SUPPLEMENT: { ...senderGuard(senders, 'isApplicant' as const), target: 'checking', actions: 'recordSupplement' as const },
        },
        after: {
          supplementWindow: {
            target: t.rejected,
            actions: {
              type: 'recordLapse' as const,
              params: { step: 'birth', reason: 'the dossier was not supplemented within 7 working days' },
            },
          },
        },
      },
      registering: {
        initial: 'issuingId' as const,
        states: {
          issuingId: {
            invoke: {
              id: 'issuePersonalId',
              src: 'issuePersonalId' as const,
              input: ({ context }: { context: BirthCaseContext }) => ({
                application: context.application,
                check: context.check!,
              }),
              onDone: { target: 'recording', actions: 'storePersonalId' as const },
              onError: { target: t.failed, actions: { type: 'recordServiceRefusal' as const, params: { step: 'birth' } } },
            },
          },
          recording: {
            invoke: {
              id: 'registerBirth',
              src: 'registerBirth' as const,
              input: ({ context }: { context: BirthCaseContext }) => ({
                application: context.application,
                childId: context.childId!,
              }),
              onDone: { target: t.registered, actions: 'storeBirthCertificate' as const },
              onError: { target: t.failed, actions: { type: 'recordServiceRefusal' as const, params: { step: 'birth' } } },
            },
          },
        },
      },
    },
  };
}

const birthRegistrationChart = (senders: SenderRule) =>
  birthGroupSetup.createMachine({
  id: 'birthRegistration',
  context: ({ input }) => initialBirthContext(input),
  initial: 'birth',
  states: {
    birth: birthStates({
      registered: '#birthRegistration.registered',
      rejected: '#birthRegistration.rejected',
      refused: '#birthRegistration.refused',
      failed: '#birthRegistration.failed',
    }, senders),
    registered: { type: 'final' },
    rejected: { type: 'final' },
    refused: { type: 'final' },
    failed: { type: 'final' },
  },
});

/** Version 1's chart (frozen for the cases running on it). */

export const birthRegistrationV1: ProcedureDefinition = withChart({
  id: 'birth-registration',
  version: 1,
  title: 'Birth registration',
  legalBasis: [LEGAL_BASIS_CIVIL_STATUS, LEGAL_BASIS_ONCE_ONLY],
  agencies: ['justice'],
  access: { jurisdiction: { province: 'application.registration.provinceCode', commune: 'application.registration.communeCode' } },
  data: BIRTH_REGISTRATION_FIELDS,
  deadlines: BIRTH_REGISTRATION_DEADLINES,
  delays: BIRTH_REGISTRATION_DELAYS,
  events: BIRTH_REGISTRATION_EVENTS,
  services: BIRTH_REGISTRATION_SERVICES,
  outcomes: {
    registered: 'completed',
    rejected: 'rejected',
    refused: 'refused',
    failed: 'failed',
  },
  simulation: birthSimulation('newChild'),
  results: birthCaseResults,
}, () => birthRegistrationChart('inChart'));

/** Version 2: who may send each event is checked by the runner alone, from the declarations. */
export const birthRegistrationV2: ProcedureDefinition = runnerCheckedVersion(birthRegistrationV1, 2, () => birthRegistrationChart('byRunner'));
