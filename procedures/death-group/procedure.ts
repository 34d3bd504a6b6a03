/**
 * Interconnected group 2 (Decree 63/2024): one declaration (Form 02) from a relative. The commune registers the death
 * (the same working day); then Public Security deletes the permanent residence while VSS, if the family chose it,
 * settles the funeral allowance and — when every relative has confirmed the representative — the one-time survivor
 * benefit. The family chooses 2, 3 or 4 procedures. A later refusal leaves the death registration standing: partial.
 */
import { assign, setup } from 'xstate';
import type { BenefitPayment, ResidenceDeletion } from '../../domain/registries';
import type { ProcedureDefinition, ProcedureEvent } from '../types';
import { DEATH_GROUP_DEADLINES, DEATH_GROUP_DELAYS, DEATH_GROUP_EVENTS, DEATH_GROUP_FIELDS, DEATH_GROUP_SERVICES } from './declarations';

export { DEATH_GROUP_DEADLINES, DEATH_GROUP_DELAYS, DEATH_GROUP_EVENTS, DEATH_GROUP_FIELDS, DEATH_GROUP_SERVICES };
import { actorLabel, GROUP_FOLLOW_UPS_DONE, GROUP_OUTCOMES, groupEnds, type SenderRule, isOfficerOfGuard, NOMINAL_WORKING_DAY_MS, outputOf, servicePlaceholders, sharedActions, officerDecision, runnerCheckedVersion, withChart } from '../chart-kit';
import { CONFIRMATION_WINDOW_WORKING_DAYS, deathCaseResults, initialDeathContext, LEGAL_BASIS_DEATH_GROUP, LEGAL_BASIS_DEATH_REGISTRATION, LEGAL_BASIS_FUNERAL_ALLOWANCE, LEGAL_BASIS_ONCE_ONLY_DEATH, LEGAL_BASIS_RESIDENCE_DELETION, LEGAL_BASIS_SURVIVOR_BENEFIT, type BenefitEntitlements, type DeathCaseContext, type DeathCaseInput, type DeathCertificate, type DeathDossierCheck, type PayBenefitInput, type ResidenceCheck } from './case';
import { DEATH_GROUP_SIMULATION } from './simulation';

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

/** The chart; `senders`: who checks who may send its events (SenderRule: v1 restated the officers' as guards). */
const deathGroupChart = (senders: SenderRule) =>
  deathGroupSetup.createMachine({
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
        awaitingOfficer: officerDecision({ agency: 'justice', approve: ['APPROVE_DEATH', 'registering'], refuse: ['REFUSE_DEATH', '#deathGroup.refused', 'death'], senders }),
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
            awaitingOfficer: officerDecision({ agency: 'police', approve: ['APPROVE_RESIDENCE_DELETION', 'deleting'], refuse: ['REFUSE_RESIDENCE_DELETION', 'refused', 'residence'], senders }),
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
            awaitingFuneralDecision: officerDecision({ agency: 'vss', approve: ['APPROVE_FUNERAL_ALLOWANCE', 'payingFuneral'], refuse: ['REFUSE_FUNERAL_ALLOWANCE', 'refused', 'funeral'], senders }),
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
            awaitingSurvivorDecision: officerDecision({ agency: 'vss', approve: ['APPROVE_SURVIVOR_BENEFIT', 'payingSurvivor'], refuse: ['REFUSE_SURVIVOR_BENEFIT', 'survivorRefused', 'survivor'], senders }),
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
      onDone: GROUP_FOLLOW_UPS_DONE,
    },
    ...groupEnds(),
  },
});

/** Version 1's chart (frozen for the cases running on it). */

export const deathGroupV1: ProcedureDefinition = withChart({
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
  outcomes: GROUP_OUTCOMES,
  simulation: DEATH_GROUP_SIMULATION,
  results: deathCaseResults,
}, () => deathGroupChart('inChart'));

/** Version 2: who may send each event is checked by the runner alone, from the declarations. */
export const deathGroupV2: ProcedureDefinition = runnerCheckedVersion(deathGroupV1, 2, () => deathGroupChart('byRunner'));
