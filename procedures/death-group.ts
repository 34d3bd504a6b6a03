/**
 * Interconnected group 2 (Decree 63/2024): one declaration (Form 02) from a relative. The commune registers the death
 * (the same working day); then Public Security deletes the permanent residence while VSS, if the family chose it,
 * settles the funeral allowance and — when every relative has confirmed the representative — the one-time survivor
 * benefit. The family chooses 2, 3 or 4 procedures. A later refusal leaves the death registration standing: partial.
 */
import { assign, setup } from 'xstate';
import type { BenefitPayment, ResidenceDeletion } from '../activities/registries/types';
import type {
  DeadlineDeclaration,
  DelayDeclaration,
  EventDeclaration,
  FieldDeclaration,
  ProcedureDefinition,
  ProcedureEvent,
  ServiceDeclaration,
} from './types';
import { actorLabel, isCitizen, isOfficerOfGuard, NOMINAL_WORKING_DAY_MS, outputOf, servicePlaceholders, sharedActions, officerDecision } from './chart-kit';
import {
  CONFIGURATION_NOTE,
  CONFIRMATION_WINDOW_WORKING_DAYS,
  DEATH_SELECTIONS,
  deathCaseResults,
  initialDeathContext,
  LEGAL_BASIS_DEATH_GROUP,
  LEGAL_BASIS_DEATH_REGISTRATION,
  LEGAL_BASIS_FUNERAL_ALLOWANCE,
  LEGAL_BASIS_ONCE_ONLY_DEATH,
  LEGAL_BASIS_RESIDENCE_DELETION,
  LEGAL_BASIS_SURVIVOR_BENEFIT,
  type BenefitEntitlements,
  type DeathCaseContext,
  type DeathCaseInput,
  type DeathCertificate,
  type DeathDossierCheck,
  type PayBenefitInput,
  type ResidenceCheck,
} from './death-case';

const purposeDeath = 'register a death and record it in the population database';
const purposeResidence = 'delete the permanent residence of a deceased person';
const purposeFuneral = 'settle the funeral allowance for a deceased insured person';
const purposeSurvivor = 'settle the one-time survivor benefit for the family of a deceased insured person';

function citizen(name: string, type: FieldDeclaration['type'], extra: Partial<FieldDeclaration> = {}): FieldDeclaration {
  return { name, type, required: true, source: { kind: 'citizen' }, purpose: purposeDeath, legalBasis: LEGAL_BASIS_DEATH_REGISTRATION, ...extra };
}

function population(name: string, keyField: string, attribute: string, type: FieldDeclaration['type'] = 'string'): FieldDeclaration {
  return {
    name,
    type,
    required: true,
    source: { kind: 'registry', registry: 'population', keyField, attribute },
    purpose: purposeDeath,
    legalBasis: LEGAL_BASIS_ONCE_ONLY_DEATH,
  };
}

function step(name: string, stepName: string, output: string, type: FieldDeclaration['type'], purpose: string, legalBasis: string): FieldDeclaration {
  return { name, type, required: false, source: { kind: 'step', step: stepName, output }, purpose, legalBasis };
}

/** The declarant gives the facts of the death, keys and the choice; everything the state holds is read. */
export const DEATH_GROUP_FIELDS: readonly FieldDeclaration[] = [
  citizen('applicant.personalId', 'personalId', { mode: 'verify', purpose: 'identify the declarant (VNeID), the family\'s representative' }),
  citizen('deceased.personalId', 'personalId', { mode: 'verify', purpose: 'key to the deceased\'s population record' }),
  citizen('death.dateOfDeath', 'date'),
  citizen('death.placeOfDeath', 'communeCode'),
  citizen('death.cause', 'enum', { enumValues: ['natural', 'illness', 'workAccident', 'occupationalDisease', 'other'] }),
  citizen('death.deathNoticeNo', 'string', { purpose: 'identify the death notice (giấy báo tử)' }),
  citizen('registration.communeCode', 'communeCode', { purpose: 'the competent commune chosen by the declarant' }),
  citizen('registration.provinceCode', 'string', { purpose: 'the province of the competent commune' }),
  citizen('selection', 'enum', {
    enumValues: DEATH_SELECTIONS,
    purpose: 'the procedures the family chooses (2, 3 or 4)',
    legalBasis: LEGAL_BASIS_DEATH_GROUP,
  }),
  population('deceased.fullName', 'deceased.personalId', 'fullName'),
  population('deceased.dateOfBirth', 'deceased.personalId', 'dateOfBirth', 'date'),
  population('deceased.sex', 'deceased.personalId', 'sex'),
  population('deceased.nationality', 'deceased.personalId', 'nationality'),
  population('deceased.ethnicity', 'deceased.personalId', 'ethnicity'),
  population('applicant.fullName', 'applicant.personalId', 'fullName'),
  step('deathCertificate.number', 'registerDeath', 'certificateNumber', 'string', purposeResidence, LEGAL_BASIS_RESIDENCE_DELETION),
  step('household.householdId', 'checkResidenceDeletion', 'householdId', 'string', purposeResidence, LEGAL_BASIS_RESIDENCE_DELETION),
  step('deceased.compulsoryMonths', 'checkBenefitEntitlements', 'contribution.compulsoryMonths', 'string', purposeFuneral, LEGAL_BASIS_FUNERAL_ALLOWANCE),
  step('deceased.pensioner', 'checkBenefitEntitlements', 'contribution.pensioner', 'boolean', purposeFuneral, LEGAL_BASIS_FUNERAL_ALLOWANCE),
  step('relatives.mustConfirm', 'checkBenefitEntitlements', 'survivor.mustConfirm', 'string', purposeSurvivor, LEGAL_BASIS_SURVIVOR_BENEFIT),
  {
    name: 'relatives.confirmations',
    type: 'boolean',
    required: false,
    // Given by each relative through CONFIRM_REPRESENTATIVE during the case, never by the declarant.
    source: { kind: 'step', step: 'confirmRepresentative', output: 'confirmed' },
    purpose: 'every relative confirms the family\'s representative for the one-time survivor benefit',
    legalBasis: LEGAL_BASIS_SURVIVOR_BENEFIT,
  },
];

export const DEATH_GROUP_SERVICES: readonly ServiceDeclaration[] = [
  {
    name: 'checkDeathDossier',
    agency: 'justice',
    description: 'Reads the deceased and the declarant from the population database; checks the death is not registered yet',
    purpose: 'check a death registration dossier',
    legalBasis: LEGAL_BASIS_DEATH_REGISTRATION,
  },
  {
    name: 'registerDeath',
    agency: 'justice',
    description: 'Records the death in the commune death register (entries numbered per year) and marks the person deceased',
    purpose: purposeDeath,
    legalBasis: LEGAL_BASIS_DEATH_REGISTRATION,
  },
  {
    name: 'checkResidenceDeletion',
    agency: 'police',
    description: 'Finds the deceased\'s household in the residence database',
    purpose: purposeResidence,
    legalBasis: LEGAL_BASIS_RESIDENCE_DELETION,
  },
  {
    name: 'deletePermanentResidence',
    agency: 'police',
    description: 'Deletes the permanent residence, citing the death certificate',
    purpose: purposeResidence,
    legalBasis: LEGAL_BASIS_RESIDENCE_DELETION,
  },
  {
    name: 'checkBenefitEntitlements',
    agency: 'vss',
    description: 'Reads contributions and pension status, computes the funeral allowance from the reference level, finds the relatives',
    purpose: purposeFuneral,
    legalBasis: LEGAL_BASIS_FUNERAL_ALLOWANCE,
  },
  {
    name: 'payFuneralAllowance',
    agency: 'vss',
    description: 'Pays the funeral allowance to the representative',
    purpose: purposeFuneral,
    legalBasis: LEGAL_BASIS_FUNERAL_ALLOWANCE,
  },
  {
    name: 'paySurvivorBenefit',
    agency: 'vss',
    description: 'Pays the one-time survivor benefit to the representative every relative confirmed',
    purpose: purposeSurvivor,
    legalBasis: LEGAL_BASIS_SURVIVOR_BENEFIT,
  },
];

export const DEATH_GROUP_EVENTS: readonly EventDeclaration[] = [
  { type: 'APPROVE_DEATH', actor: 'officer', agency: 'justice', description: 'The civil-status officer approves the death registration' },
  { type: 'REFUSE_DEATH', actor: 'officer', agency: 'justice', description: 'The officer refuses the registration, stating the reasons', requiredFields: ['reason'] },
  { type: 'APPROVE_RESIDENCE_DELETION', actor: 'officer', agency: 'police', description: 'The police officer approves the deletion of the permanent residence' },
  { type: 'REFUSE_RESIDENCE_DELETION', actor: 'officer', agency: 'police', description: 'The police officer refuses the deletion, stating the reasons', requiredFields: ['reason'] },
  { type: 'APPROVE_FUNERAL_ALLOWANCE', actor: 'officer', agency: 'vss', description: 'The VSS officer approves the funeral allowance' },
  { type: 'REFUSE_FUNERAL_ALLOWANCE', actor: 'officer', agency: 'vss', description: 'The VSS officer refuses the funeral allowance, stating the reasons', requiredFields: ['reason'] },
  { type: 'CONFIRM_REPRESENTATIVE', actor: 'citizen', description: 'A relative confirms the family\'s representative (each relative listed by VSS, on VNeID)' },
  { type: 'DECLINE_REPRESENTATIVE', actor: 'citizen', description: 'A relative does not confirm the representative: the survivor benefit is not paid to them' },
  { type: 'APPROVE_SURVIVOR_BENEFIT', actor: 'officer', agency: 'vss', description: 'The VSS officer approves the one-time survivor benefit' },
  { type: 'REFUSE_SURVIVOR_BENEFIT', actor: 'officer', agency: 'vss', description: 'The VSS officer refuses the survivor benefit, stating the reasons', requiredFields: ['reason'] },
];

/** Deadlines: the death the same working day (law); the rest configuration (no group deadline found in law). */
export const DEATH_GROUP_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'total', workingDays: 10, legalBasis: `${LEGAL_BASIS_DEATH_GROUP} — ${CONFIGURATION_NOTE}` },
  {
    step: 'death',
    workingDays: 0,
    workingDaysWithVerification: 3,
    legalBasis: `${LEGAL_BASIS_DEATH_REGISTRATION}: the same working day (after 15:00, the next); verification up to 3 working days`,
  },
  { step: 'residence', statePath: 'services.residence', workingDays: 5, legalBasis: `${LEGAL_BASIS_RESIDENCE_DELETION}: residence deletion ≤ 5 working days` },
  { step: 'benefits', statePath: 'services.benefits', workingDays: 10, legalBasis: `${LEGAL_BASIS_FUNERAL_ALLOWANCE} — ${CONFIGURATION_NOTE}` },
];

export const DEATH_GROUP_DELAYS: readonly DelayDeclaration[] = [
  {
    name: 'confirmationWindow',
    workingDays: CONFIRMATION_WINDOW_WORKING_DAYS,
    legalBasis: `${LEGAL_BASIS_SURVIVOR_BENEFIT} — ${CONFIGURATION_NOTE}`,
    description: 'Silence is not consent: relatives who have not confirmed within 7 working days stop the survivor benefit',
  },
];

type Ev = ProcedureEvent;
const FOLLOW_UP_STEPS = ['residence', 'funeral', 'survivor'];

export const deathGroupSetup = setup({
  types: { context: {} as DeathCaseContext, events: {} as Ev, input: {} as DeathCaseInput },
  actors: servicePlaceholders(DEATH_GROUP_SERVICES),
  guards: {
    isOfficerOf: isOfficerOfGuard,
    wantsFuneralAllowance: ({ context }) => context.application.selection !== 'deathAndResidence',
    wantsSurvivorBenefit: ({ context }) => context.application.selection === 'plusSurvivorBenefit',
    funeralEligible: ({ event }) => outputOf<BenefitEntitlements>(event)?.funeral?.eligible === true,
    survivorEligible: ({ context }) => context.entitlements?.survivor.eligible === true,
    /** A relative VSS listed, who has not answered yet. */
    isPendingRelative: ({ context, event }) =>
      event.actor?.kind === 'citizen' &&
      (context.entitlements?.survivor.mustConfirm ?? []).includes(event.actor.id) &&
      !context.confirmations.some((c) => c.relativeId === event.actor.id),
    allRelativesConfirmed: ({ context }) =>
      (context.entitlements?.survivor.mustConfirm ?? []).every((id) => context.confirmations.some((c) => c.relativeId === id)),
    followUpRefused: ({ context }) => context.refusals.some((r) => FOLLOW_UP_STEPS.includes(r.step)),
    isDeclarant: ({ context, event }) => isCitizen(event, context.application.applicant.personalId),
  },
  actions: {
    ...sharedActions<DeathCaseContext>(),
    storeCheck: assign(({ context, event }) => {
      const check = outputOf<DeathDossierCheck>(event);
      return { check, verificationNeeded: context.verificationNeeded || check.verificationNeeded };
    }),
    storeDeathCertificate: assign({ deathCertificate: ({ event }) => outputOf<DeathCertificate>(event) }),
    storeHousehold: assign({ household: ({ event }) => outputOf<ResidenceCheck>(event) }),
    storeResidenceDeletion: assign({ residenceDeletion: ({ event }) => outputOf<ResidenceDeletion>(event) }),
    storeEntitlements: assign({ entitlements: ({ event }) => outputOf<BenefitEntitlements>(event) }),
    storeFuneralPayment: assign({ funeralPayment: ({ event }) => outputOf<BenefitPayment>(event) }),
    storeSurvivorPayment: assign({ survivorPayment: ({ event }) => outputOf<BenefitPayment>(event) }),
    recordConfirmation: assign(({ context, event }) => ({
      confirmations: [...context.confirmations, { relativeId: (event as Ev).actor.id, at: (event as Ev).at ?? null }],
    })),
    /** The funeral allowance is not due: the reason comes from VSS's check. */
    recordIneligible: assign(({ context, event }) => ({
      refusals: [
        ...context.refusals,
        { step: 'funeral', reason: outputOf<BenefitEntitlements>(event).funeral.reason, code: 'NOT_ELIGIBLE', by: 'system' },
      ],
    })),
    recordSurvivorIneligible: assign(({ context }) => ({
      refusals: [
        ...context.refusals,
        { step: 'survivor', reason: context.entitlements?.survivor.reason ?? 'not eligible', code: 'NOT_ELIGIBLE', by: 'system' },
      ],
    })),
    recordDecline: assign(({ context, event }) => ({
      refusals: [
        ...context.refusals,
        {
          step: 'survivor',
          reason: `relative ${(event as Ev).actor.id} did not confirm the representative`,
          code: 'REPRESENTATIVE_NOT_CONFIRMED',
          by: actorLabel(event as Ev),
        },
      ],
    })),
  },
  delays: {
    confirmationWindow: CONFIRMATION_WINDOW_WORKING_DAYS * NOMINAL_WORKING_DAY_MS,
  },
});

type Ctx = { context: DeathCaseContext };
const payInput = ({ context }: Ctx): PayBenefitInput => ({
  deceasedId: context.application.deceased.personalId,
  representativeId: context.application.applicant.personalId,
  dateOfDeath: context.application.death.dateOfDeath,
});

export const deathGroupMachine = deathGroupSetup.createMachine({
  id: 'deathGroup',
  context: ({ input }) => initialDeathContext(input),
  initial: 'death',
  states: {
    death: {
      initial: 'checking',
      states: {
        checking: {
          invoke: {
            id: 'checkDeathDossier',
            src: 'checkDeathDossier',
            input: ({ context }) => ({ application: context.application }),
            onDone: { target: 'awaitingOfficer', actions: 'storeCheck' },
            onError: { target: '#deathGroup.rejected', actions: { type: 'recordServiceRefusal', params: { step: 'death' } } },
          },
        },
        awaitingOfficer: officerDecision({ agency: 'justice', approve: ['APPROVE_DEATH', 'registering'], refuse: ['REFUSE_DEATH', '#deathGroup.refused', 'death'] }),
        registering: {
          invoke: {
            id: 'registerDeath',
            src: 'registerDeath',
            input: ({ context }) => ({ application: context.application }),
            onDone: { target: '#deathGroup.services', actions: 'storeDeathCertificate' },
            onError: { target: '#deathGroup.failed', actions: { type: 'recordServiceRefusal', params: { step: 'death' } } },
          },
        },
      },
    },
    services: {
      type: 'parallel',
      states: {
        residence: {
          initial: 'checking',
          states: {
            checking: {
              invoke: {
                id: 'checkResidenceDeletion',
                src: 'checkResidenceDeletion',
                input: ({ context }) => ({ deceasedId: context.application.deceased.personalId }),
                onDone: { target: 'awaitingOfficer', actions: 'storeHousehold' },
                onError: { target: 'refused', actions: { type: 'recordServiceRefusal', params: { step: 'residence' } } },
              },
            },
            awaitingOfficer: officerDecision({ agency: 'police', approve: ['APPROVE_RESIDENCE_DELETION', 'deleting'], refuse: ['REFUSE_RESIDENCE_DELETION', 'refused', 'residence'] }),
            deleting: {
              invoke: {
                id: 'deletePermanentResidence',
                src: 'deletePermanentResidence',
                input: ({ context }) => ({
                  deceasedId: context.application.deceased.personalId,
                  certificate: context.deathCertificate!,
                }),
                onDone: { target: 'deleted', actions: 'storeResidenceDeletion' },
                onError: { target: 'refused', actions: { type: 'recordServiceRefusal', params: { step: 'residence' } } },
              },
            },
            deleted: { type: 'final' },
            refused: { type: 'final' },
          },
        },
        benefits: {
          initial: 'choosing',
          states: {
            choosing: {
              always: [{ guard: 'wantsFuneralAllowance', target: 'checking' }, { target: 'notRequested' }],
            },
            checking: {
              invoke: {
                id: 'checkBenefitEntitlements',
                src: 'checkBenefitEntitlements',
                input: ({ context }) => ({ application: context.application, certificate: context.deathCertificate! }),
                onDone: [
                  { guard: 'funeralEligible', target: 'awaitingFuneralDecision', actions: 'storeEntitlements' },
                  { target: 'ineligible', actions: ['storeEntitlements', 'recordIneligible'] },
                ],
                onError: { target: 'ineligible', actions: { type: 'recordServiceRefusal', params: { step: 'funeral' } } },
              },
            },
            awaitingFuneralDecision: officerDecision({ agency: 'vss', approve: ['APPROVE_FUNERAL_ALLOWANCE', 'payingFuneral'], refuse: ['REFUSE_FUNERAL_ALLOWANCE', 'refused', 'funeral'] }),
            payingFuneral: {
              invoke: {
                id: 'payFuneralAllowance',
                src: 'payFuneralAllowance',
                input: payInput,
                onDone: { target: 'funeralPaid', actions: 'storeFuneralPayment' },
                onError: { target: 'refused', actions: { type: 'recordServiceRefusal', params: { step: 'funeral' } } },
              },
            },
            funeralPaid: {
              always: [
                { guard: 'wantsSurvivorBenefit', target: 'survivorCheck' },
                { target: 'paid' },
              ],
            },
            survivorCheck: {
              always: [
                { guard: 'survivorEligible', target: 'awaitingConfirmations' },
                { target: 'survivorRefused', actions: 'recordSurvivorIneligible' },
              ],
            },
            awaitingConfirmations: {
              always: { guard: 'allRelativesConfirmed', target: 'awaitingSurvivorDecision' },
              on: {
                CONFIRM_REPRESENTATIVE: { guard: 'isPendingRelative', actions: 'recordConfirmation' },
                DECLINE_REPRESENTATIVE: { guard: 'isPendingRelative', target: 'survivorRefused', actions: 'recordDecline' },
              },
              after: {
                confirmationWindow: {
                  target: 'survivorRefused',
                  actions: {
                    type: 'recordLapse',
                    params: { step: 'survivor', reason: 'not every relative confirmed the representative within 7 working days' },
                  },
                },
              },
            },
            awaitingSurvivorDecision: officerDecision({ agency: 'vss', approve: ['APPROVE_SURVIVOR_BENEFIT', 'payingSurvivor'], refuse: ['REFUSE_SURVIVOR_BENEFIT', 'survivorRefused', 'survivor'] }),
            payingSurvivor: {
              invoke: {
                id: 'paySurvivorBenefit',
                src: 'paySurvivorBenefit',
                input: payInput,
                onDone: { target: 'paid', actions: 'storeSurvivorPayment' },
                onError: { target: 'survivorRefused', actions: { type: 'recordServiceRefusal', params: { step: 'survivor' } } },
              },
            },
            /** What the family chose was paid. */
            paid: { type: 'final' },
            /** The family chose 2 procedures: no allowance asked for. */
            notRequested: { type: 'final' },
            /** The deceased did not qualify for the funeral allowance (nor the survivor benefit). */
            ineligible: { type: 'final' },
            refused: { type: 'final' },
            /** Funeral allowance paid; the survivor benefit was not (a relative declined, silence, or refusal). */
            survivorRefused: { type: 'final' },
          },
        },
      },
      onDone: [{ guard: 'followUpRefused', target: 'partiallyCompleted' }, { target: 'completed' }],
    },
    /** Death registered, residence deleted, and every allowance the family chose paid. */
    completed: { type: 'final' },
    /** The death registration stands; a later procedure was refused or not due: the refusals state the reasons. */
    partiallyCompleted: { type: 'final' },
    /** The dossier could not be checked (unknown person, already dead in the register…). Nothing was registered. */
    rejected: { type: 'final' },
    /** The civil-status officer refused the death registration, stating reasons. */
    refused: { type: 'final' },
    /** A registry write failed in a way retrying cannot fix: needs an officer's attention. */
    failed: { type: 'final' },
  },
});

export const deathGroupV1: ProcedureDefinition = {
  id: 'death-group',
  version: 1,
  title: 'Death registration, deletion of permanent residence, funeral allowance and survivor benefit (2, 3 or 4 procedures)',
  legalBasis: [
    LEGAL_BASIS_DEATH_GROUP,
    LEGAL_BASIS_DEATH_REGISTRATION,
    LEGAL_BASIS_RESIDENCE_DELETION,
    LEGAL_BASIS_FUNERAL_ALLOWANCE,
    LEGAL_BASIS_SURVIVOR_BENEFIT,
    LEGAL_BASIS_ONCE_ONLY_DEATH,
  ],
  agencies: ['justice', 'police', 'vss'],
  access: {
    parties: ['entitlements.survivor.mustConfirm'],
    jurisdiction: { province: 'application.registration.provinceCode', commune: 'application.registration.communeCode' },
  },
  data: DEATH_GROUP_FIELDS,
  deadlines: DEATH_GROUP_DEADLINES,
  delays: DEATH_GROUP_DELAYS,
  events: DEATH_GROUP_EVENTS,
  services: DEATH_GROUP_SERVICES,
  outcomes: {
    completed: 'completed',
    partiallyCompleted: 'partiallyCompleted',
    rejected: 'rejected',
    refused: 'refused',
    failed: 'failed',
  },
  machine: deathGroupMachine,
  results: deathCaseResults,
};
