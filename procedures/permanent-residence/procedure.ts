/**
 * Permanent residence registration of a newborn (Public Security, agency `police`): finds the household of a
 * parent, asks the household head's agreement, and the police officer approves or refuses (with reasons).
 */
import type { DeadlineDeclaration, DelayDeclaration, EventDeclaration, FieldDeclaration, ProcedureDefinition, ServiceDeclaration } from '../types';
import { birthCaseResults, LEGAL_BASIS_GROUP, LEGAL_BASIS_ONCE_ONLY, LEGAL_BASIS_RESIDENCE, type BirthCaseContext } from '../birth-group/case';
import { birthGroupSetup, HEAD_CONSENT_WINDOW_WORKING_DAYS, initialBirthContext } from '../birth-group/setup';
import { officerDecision, senderGuard, type SenderRule, runnerCheckedVersion, withChart } from '../chart-kit';
import { birthSimulation } from '../birth-group/simulation';

const purpose = 'register the permanent residence of a newborn in a parent\'s household';

/** Key to the parent's household in the residence register: the only thing the standalone procedure asks for it. */
const PARENT_KEY_FIELD: FieldDeclaration = {
  name: 'mother.personalId',
  type: 'personalId',
  required: true,
  source: { kind: 'citizen' },
  mode: 'verify',
  purpose: "key to the parent's household in the residence register",
  legalBasis: LEGAL_BASIS_RESIDENCE,
};

function residence(name: string, attribute: string, type: FieldDeclaration['type'] = 'string'): FieldDeclaration {
  return {
    name,
    type,
    required: true,
    source: { kind: 'registry', registry: 'residence', keyField: 'mother.personalId', attribute },
    purpose,
    legalBasis: LEGAL_BASIS_ONCE_ONLY,
  };
}

export const PERMANENT_RESIDENCE_FIELDS: readonly FieldDeclaration[] = [
  residence('household.householdId', 'householdId'),
  residence('household.headId', 'headId', 'personalId'),
  residence('household.address.provinceCode', 'address.provinceCode'),
  residence('household.address.communeCode', 'address.communeCode', 'communeCode'),
  residence('household.address.street', 'address.street'),
  {
    name: 'child.personalId',
    type: 'personalId',
    required: true,
    source: { kind: 'step', step: 'issuePersonalId', output: 'personalId' },
    purpose,
    legalBasis: LEGAL_BASIS_RESIDENCE,
  },
  {
    name: 'household.headConsent',
    type: 'boolean',
    required: true,
    // Given by the household head through the HEAD_CONSENT event during the case, not by the applicant.
    source: { kind: 'step', step: 'headConsent', output: 'consent' },
    purpose: 'the household head agrees to add the child to the household',
    legalBasis: `${LEGAL_BASIS_RESIDENCE} (Art. 20(1)(a): agreement of the household head)`,
  },
];

export const PERMANENT_RESIDENCE_SERVICES: readonly ServiceDeclaration[] = [
  {
    name: 'checkResidence',
    agency: 'police',
    description: 'Finds the household of the mother (else the father) and the child\'s relation to its head',
    purpose,
    legalBasis: LEGAL_BASIS_RESIDENCE,
  },
  {
    name: 'registerPermanentResidence',
    agency: 'police',
    description: 'Adds the child to the household as a permanent member',
    purpose,
    legalBasis: LEGAL_BASIS_RESIDENCE,
  },
];

export const PERMANENT_RESIDENCE_EVENTS: readonly EventDeclaration[] = [
  {
    type: 'HEAD_CONSENT',
    actor: 'citizen',
    description: 'The household head agrees to add the child (must be the head)',
    actorIdFrom: 'household.headId',
  },
  {
    type: 'HEAD_DECLINE',
    actor: 'citizen',
    description: 'The household head declines to add the child (must be the head)',
    actorIdFrom: 'household.headId',
  },
  { type: 'APPROVE_RESIDENCE', actor: 'officer', agency: 'police', description: 'The police officer approves the registration' },
  {
    type: 'REQUIRE_RESIDENCE_VERIFICATION',
    actor: 'officer',
    agency: 'police',
    description: 'The police officer needs to verify the residence: up to 5 working days',
  },
  {
    type: 'REFUSE_RESIDENCE',
    actor: 'officer',
    agency: 'police',
    description: 'The police officer refuses the registration, stating the reasons',
    requiredFields: ['reason'],
  },
];

export const PERMANENT_RESIDENCE_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'residence', workingDays: 2, workingDaysWithVerification: 5, legalBasis: LEGAL_BASIS_GROUP },
];

export const PERMANENT_RESIDENCE_DELAYS: readonly DelayDeclaration[] = [
  {
    name: 'headConsentWindow',
    workingDays: HEAD_CONSENT_WINDOW_WORKING_DAYS,
    legalBasis: LEGAL_BASIS_RESIDENCE,
    description: 'Silence is not consent: without the head\'s agreement within 7 working days, residence is refused',
  },
];

/**
 * The residence step's states; `registered` and `refused` are final within the step. `senders`: who checks who may
 * send its events (SenderRule: v1 restated the head's and the officer's as guards).
 */
export function residenceStates(senders: SenderRule) {
  return {
    initial: 'checking' as const,
    states: {
      checking: {
        invoke: {
          id: 'checkResidence',
          src: 'checkResidence' as const,
          input: ({ context }: { context: BirthCaseContext }) => ({
            childId: context.childId!,
            motherId: context.application.mother.personalId,
            fatherId: context.application.father?.personalId ?? null,
          }),
          onDone: { target: 'awaitingHeadConsent', actions: 'storeHousehold' as const },
          onError: { target: 'refused', actions: { type: 'recordServiceRefusal' as const, params: { step: 'residence' } } },
        },
      },
      awaitingHeadConsent: {
        on: {
          HEAD_CONSENT: { ...senderGuard(senders, 'isHouseholdHead' as const), target: 'awaitingOfficer', actions: 'recordHeadConsent' as const },
          HEAD_DECLINE: {
            ...senderGuard(senders, 'isHouseholdHead' as const),
            target: 'refused',
            actions: {
              type: 'recordRefusal' as const,
              params: { step: 'residence', reason: 'the household head did not agree to add the child' },
            },
          },
        },
        after: {
          headConsentWindow: {
            target: 'refused',
            actions: {
              type: 'recordLapse' as const,
              params: { step: 'residence', reason: 'no agreement from the household head within 7 working days' },
            },
          },
        },
      },
      awaitingOfficer: officerDecision({
        agency: 'police',
        approve: ['APPROVE_RESIDENCE', 'registering'],
        verify: 'REQUIRE_RESIDENCE_VERIFICATION',
        refuse: ['REFUSE_RESIDENCE', 'refused', 'residence'],
        senders,
      }),
      registering: {
        invoke: {
          id: 'registerPermanentResidence',
          src: 'registerPermanentResidence' as const,
          input: ({ context }: { context: BirthCaseContext }) => ({
            childId: context.childId!,
            household: context.household!,
            headConsentRef: context.headConsent!.ref,
          }),
          onDone: { target: 'registered', actions: 'storeMembership' as const },
          onError: { target: 'refused', actions: { type: 'recordServiceRefusal' as const, params: { step: 'residence' } } },
        },
      },
      registered: { type: 'final' as const },
      refused: { type: 'final' as const },
    },
  };
}

const permanentResidenceChart = (senders: SenderRule) =>
  birthGroupSetup.createMachine({
  id: 'permanentResidence',
  context: ({ input }) => initialBirthContext(input),
  initial: 'residence',
  states: {
    residence: {
      ...residenceStates(senders),
      onDone: [{ guard: 'followUpRefused', target: 'refused' }, { target: 'registered' }],
    },
    registered: { type: 'final' },
    refused: { type: 'final' },
  },
});

/** Version 1's chart (frozen for the cases running on it). */

export const permanentResidenceV1: ProcedureDefinition = withChart({
  id: 'permanent-residence',
  version: 1,
  title: 'Permanent residence registration of a newborn',
  legalBasis: [LEGAL_BASIS_RESIDENCE, LEGAL_BASIS_ONCE_ONLY],
  agencies: ['police'],
  access: { jurisdiction: { province: 'household.address.provinceCode', commune: 'household.address.communeCode' } },
  // Standalone, the household is found through the parent the applicant names (in the group, birth registration declares it).
  data: [PARENT_KEY_FIELD, ...PERMANENT_RESIDENCE_FIELDS],
  deadlines: PERMANENT_RESIDENCE_DEADLINES,
  delays: PERMANENT_RESIDENCE_DELAYS,
  events: PERMANENT_RESIDENCE_EVENTS,
  services: PERMANENT_RESIDENCE_SERVICES,
  outcomes: { registered: 'completed', refused: 'refused' },
  simulation: birthSimulation('registeredChild'),
  results: birthCaseResults,
}, () => permanentResidenceChart('inChart'));

/** Version 2: who may send each event is checked by the runner alone, from the declarations. */
export const permanentResidenceV2: ProcedureDefinition = runnerCheckedVersion(permanentResidenceV1, 2, () => permanentResidenceChart('byRunner'));
