/**
 * Marriage registration (commune People's Committee, agency `justice`). Both parties' personal data comes from the
 * population database and their marital status from the marriage register (once-only); each party consents in
 * person (or on VNeID) — silence is not consent — then the civil-status officer registers the marriage, the same
 * working day, or within 5 working days when verification is needed.
 */
import { assign, setup } from 'xstate';
import type { DeadlineDeclaration, DelayDeclaration, EventDeclaration, FieldDeclaration, ProcedureDefinition, ProcedureEvent, ServiceDeclaration } from '../types';
import { actorLabel, dataReuseOf, type SenderRule, isOfficerOfGuard, NOMINAL_WORKING_DAY_MS, outputOf, servicePlaceholders, sharedActions, officerDecision, serviceStepOf, runnerCheckedVersion, withChart } from '../chart-kit';
import { MARRIAGE_SIMULATION } from './simulation';
import type { MarriageDossierCheck, MarriageCertificate, MarriageCaseContext, MarriageCaseInput } from './case';
export type * from './case';

export const LEGAL_BASIS_MARRIAGE = 'Law on Civil Status 2014, Art. 17–18; Law on Marriage and Family 2014, Art. 8';
export const LEGAL_BASIS_MARRIAGE_CONDITIONS = 'Law on Marriage and Family 2014, Art. 5(2) and 8 (age, consent, prohibited cases)';
export const LEGAL_BASIS_ONCE_ONLY_MARRIAGE = 'Decree 47/2020/ND-CP, Art. 9; Decree 87/2020/ND-CP (electronic civil status database)';
/** Minimum ages (full years): men 20, women 18 (Law on Marriage and Family 2014, Art. 8(1)(a)). */
export const MARRIAGE_MIN_AGE = { male: 20, female: 18 } as const;
/** Both parties consent within this window (configuration: the law requires presence, not a period). */
export const CONSENT_WINDOW_WORKING_DAYS = 7;

const purpose = 'register a marriage';

function citizen(name: string, type: FieldDeclaration['type'], extra: Partial<FieldDeclaration> = {}): FieldDeclaration {
  return { name, type, required: true, source: { kind: 'citizen' }, purpose, legalBasis: LEGAL_BASIS_MARRIAGE, ...extra };
}

function population(party: 'partyA' | 'partyB', attribute: string, type: FieldDeclaration['type'] = 'string'): FieldDeclaration {
  return {
    name: `${party}.${attribute}`,
    type,
    required: true,
    source: { kind: 'registry', registry: 'population', keyField: `${party}.personalId`, attribute },
    purpose,
    legalBasis: LEGAL_BASIS_ONCE_ONLY_MARRIAGE,
  };
}

export const MARRIAGE_FIELDS: readonly FieldDeclaration[] = [
  citizen('applicant.personalId', 'personalId', { mode: 'verify', purpose: 'identify the party who files (VNeID)' }),
  citizen('partyA.personalId', 'personalId', { mode: 'verify', purpose: 'key to the first party\'s population record' }),
  citizen('partyB.personalId', 'personalId', { mode: 'verify', purpose: 'key to the second party\'s population record' }),
  citizen('registration.communeCode', 'communeCode', { purpose: 'the competent commune (residence of either party)' }),
  citizen('registration.provinceCode', 'string', { purpose: 'the province of the competent commune' }),
  ...(['partyA', 'partyB'] as const).flatMap((p) => [
    population(p, 'fullName'),
    population(p, 'dateOfBirth', 'date'),
    population(p, 'sex'),
    population(p, 'ethnicity'),
    population(p, 'nationality'),
    population(p, 'homeTown', 'communeCode'),
  ]),
  {
    name: 'maritalStatus',
    type: 'string',
    required: false,
    // Read from the marriage register by the check, never declared by the parties.
    source: { kind: 'step', step: 'checkMarriageDossier', output: 'maritalStatus' },
    purpose: 'check neither party is married',
    legalBasis: LEGAL_BASIS_MARRIAGE_CONDITIONS,
  },
  {
    name: 'consents',
    type: 'boolean',
    required: false,
    // Each party consents through CONSENT_TO_MARRIAGE during the case.
    source: { kind: 'step', step: 'consent', output: 'consented' },
    purpose: 'both parties consent freely',
    legalBasis: LEGAL_BASIS_MARRIAGE_CONDITIONS,
  },
];

export const MARRIAGE_SERVICES: readonly ServiceDeclaration[] = [
  {
    name: 'checkMarriageDossier',
    agency: 'justice',
    description: 'Reads both parties from the population database and their marital status from the marriage register; checks age, sex and prohibited relations',
    purpose: 'check a marriage registration dossier',
    legalBasis: LEGAL_BASIS_MARRIAGE_CONDITIONS,
  },
  {
    name: 'registerMarriage',
    agency: 'justice',
    description: 'Records the marriage in the commune marriage register (entries numbered per year) and issues the certificate',
    purpose,
    legalBasis: LEGAL_BASIS_MARRIAGE,
  },
];

export const MARRIAGE_EVENTS: readonly EventDeclaration[] = [
  {
    type: 'CONSENT_TO_MARRIAGE',
    actor: 'citizen',
    description: 'A party consents to the marriage (each party, in person or on VNeID)',
    completesDossier: true,
  },
  { type: 'DECLINE_MARRIAGE', actor: 'citizen', description: 'A party withdraws: nothing is registered' },
  { type: 'APPROVE_MARRIAGE', actor: 'officer', agency: 'justice', description: 'The civil-status officer registers the marriage' },
  {
    type: 'REQUIRE_VERIFICATION',
    actor: 'officer',
    agency: 'justice',
    description: 'The officer needs to verify the conditions: up to 5 working days',
  },
  { type: 'REFUSE_MARRIAGE', actor: 'officer', agency: 'justice', description: 'The officer refuses, stating the reasons', requiredFields: ['reason'] },
];

export const MARRIAGE_DEADLINES: readonly DeadlineDeclaration[] = [
  {
    step: 'total',
    workingDays: 0,
    workingDaysWithVerification: 5,
    legalBasis: `${LEGAL_BASIS_MARRIAGE}: registered immediately on a complete dossier; up to 5 working days with verification`,
  },
  {
    step: 'decision',
    statePath: 'awaitingOfficer',
    workingDays: 0,
    workingDaysWithVerification: 5,
    legalBasis: 'Law on Civil Status 2014, Art. 18(2)',
  },
];

export const MARRIAGE_DELAYS: readonly DelayDeclaration[] = [
  {
    name: 'consentWindow',
    workingDays: CONSENT_WINDOW_WORKING_DAYS,
    legalBasis: `${LEGAL_BASIS_MARRIAGE_CONDITIONS} — configuration (no period in law; silence is not consent)`,
    description: 'Both parties consent within 7 working days, else the dossier is rejected',
  },
];

type Ev = ProcedureEvent;
const parties = (c: MarriageCaseContext) => [c.application.partyA.personalId, c.application.partyB.personalId];

export const marriageSetup = setup({
  types: { context: {} as MarriageCaseContext, events: {} as Ev, input: {} as MarriageCaseInput },
  actors: servicePlaceholders(MARRIAGE_SERVICES),
  guards: {
    isOfficerOf: isOfficerOfGuard,
    isParty: ({ context, event }) => event.actor?.kind === 'citizen' && parties(context).includes(event.actor.id),
    isPartyYetToConsent: ({ context, event }) =>
      event.actor?.kind === 'citizen' &&
      parties(context).includes(event.actor.id) &&
      !context.consents.some((c) => c.partyId === event.actor.id),
    bothConsented: ({ context }) => parties(context).every((id) => context.consents.some((c) => c.partyId === id)),
  },
  actions: {
    ...sharedActions<MarriageCaseContext>('marriage'),
    storeCheck: assign(({ context, event }) => {
      const check = outputOf<MarriageDossierCheck>(event);
      return { check, verificationNeeded: context.verificationNeeded || check.verificationNeeded };
    }),
    storeCertificate: assign({ certificate: ({ event }) => outputOf<MarriageCertificate>(event) }),
    recordConsent: assign(({ context, event }) => ({
      consents: [...context.consents, { partyId: (event as Ev).actor.id, at: (event as Ev).at ?? null }],
    })),
    recordWithdrawal: assign(({ context, event }) => ({
      refusals: [
        ...context.refusals,
        { step: 'consent', reason: `${(event as Ev).actor.id} does not consent`, code: 'CONSENT_WITHDRAWN', by: actorLabel(event as Ev) },
      ],
    })),
    recordLapse: assign(({ context }) => ({
      refusals: [
        ...context.refusals,
        { step: 'consent', reason: 'both parties did not consent within 7 working days', by: 'system', code: 'DEADLINE_LAPSED' },
      ],
    })),
  },
  delays: { consentWindow: CONSENT_WINDOW_WORKING_DAYS * NOMINAL_WORKING_DAY_MS },
});

const serviceStep = serviceStepOf<MarriageCaseContext>();

/** The chart; `senders`: who checks who may send its events (SenderRule: v1 restated the officer's as guards). */
const marriageChart = (senders: SenderRule) =>
  marriageSetup.createMachine({
  id: 'marriageRegistration',
  context: ({ input }) => ({
    caseId: input.caseId,
    application: input.application,
    consents: [],
    refusals: [],
    verificationNeeded: false,
  }),
  initial: 'checking',
  states: {
    checking: serviceStep('checkMarriageDossier', ({ context }) => ({ application: context.application }), { target: 'awaitingConsents', actions: 'storeCheck' }, { target: 'rejected', actions: 'recordServiceRefusal' }),
    awaitingConsents: {
      always: { guard: 'bothConsented', target: 'awaitingOfficer' },
      on: {
        CONSENT_TO_MARRIAGE: { guard: 'isPartyYetToConsent', actions: 'recordConsent' },
        DECLINE_MARRIAGE: { guard: 'isParty', target: 'withdrawn', actions: 'recordWithdrawal' },
      },
      after: { consentWindow: { target: 'rejected', actions: 'recordLapse' } },
    },
    awaitingOfficer: officerDecision({
      agency: 'justice',
      approve: ['APPROVE_MARRIAGE', 'registering'],
      verify: 'REQUIRE_VERIFICATION',
      refuse: ['REFUSE_MARRIAGE', 'refused'],
      senders,
    }),
    registering: {
      invoke: {
        id: 'registerMarriage',
        src: 'registerMarriage',
        input: ({ context }) => ({ application: context.application }),
        onDone: { target: 'registered', actions: 'storeCertificate' },
        // E.g. one party married elsewhere meanwhile (ALREADY_MARRIED): nothing is registered.
        onError: { target: 'refused', actions: 'recordServiceRefusal' },
      },
    },
    /** Registered; the marriage certificate is issued. */
    registered: { type: 'final' },
    /** The conditions are not met (age, marital status, relation…), or a party did not consent in time. */
    rejected: { type: 'final' },
    /** The officer refused, stating reasons (or the register refused the entry). */
    refused: { type: 'final' },
    /** A party withdrew consent. */
    withdrawn: { type: 'final' },
  },
});

/** Version 1's chart (frozen for the cases running on it). */

export function marriageResults(c: MarriageCaseContext): Record<string, unknown> {
  return {
    marriageCertificate: c.certificate ?? null,
    consents: c.consents,
    refusals: c.refusals,
    dataReuse: dataReuseOf(c.check),
  };
}

export const marriageRegistrationV1: ProcedureDefinition = withChart({
  id: 'marriage-registration',
  version: 1,
  title: 'Marriage registration',
  legalBasis: [LEGAL_BASIS_MARRIAGE, LEGAL_BASIS_MARRIAGE_CONDITIONS, LEGAL_BASIS_ONCE_ONLY_MARRIAGE],
  agencies: ['justice'],
  access: {
    parties: ['application.partyA.personalId', 'application.partyB.personalId'],
    jurisdiction: { province: 'application.registration.provinceCode', commune: 'application.registration.communeCode' },
  },
  data: MARRIAGE_FIELDS,
  deadlines: MARRIAGE_DEADLINES,
  delays: MARRIAGE_DELAYS,
  events: MARRIAGE_EVENTS,
  services: MARRIAGE_SERVICES,
  outcomes: { registered: 'completed', rejected: 'rejected', refused: 'refused', withdrawn: 'withdrawn' },
  simulation: MARRIAGE_SIMULATION,
  results: marriageResults,
}, () => marriageChart('inChart'));

/** Version 2: who may send each event is checked by the runner alone, from the declarations. */
export const marriageRegistrationV2: ProcedureDefinition = runnerCheckedVersion(marriageRegistrationV1, 2, () => marriageChart('byRunner'));
