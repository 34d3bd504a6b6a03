/**
 * The chart implementations shared by the birth group's procedures: named actions, guards, service placeholders
 * and delays. Charts refer to these by name, so a chart stays data; the runner provides the real services
 * (activities on the owning agency's queue) and the real delays (working days on durable timers).
 */
import { assign, setup } from 'xstate';
import type { ProcedureEvent } from '../types';
import { actorLabel, isOfficerOfGuard, NOMINAL_WORKING_DAY_MS, outputOf, placeholder, sharedActions } from '../chart-kit';
import { getPath, withPath } from '../../domain/data-paths';
import { initialBirthContext, type BirthCaseContext, type BirthCaseInput, type BirthCertificate, type BirthDossierCheck, type FieldCorrection, type CheckBirthDossierInput, type CheckResidenceInput, type HouseholdCheck, type HouseholdMembership, type InsuranceCard, type IssueHealthInsuranceCardInput, type IssuedPersonalId, type IssuePersonalIdInput, type RegisterBirthInput, type RegisterPermanentResidenceInput } from './case';

export const SUPPLEMENT_WINDOW_WORKING_DAYS = 7;
export const HEAD_CONSENT_WINDOW_WORKING_DAYS = 7;

type Ev = ProcedureEvent;

export const birthGroupSetup = setup({
  types: {
    context: {} as BirthCaseContext,
    events: {} as Ev,
    input: {} as BirthCaseInput,
  },
  actors: {
    checkBirthDossier: placeholder<BirthDossierCheck, CheckBirthDossierInput>('checkBirthDossier'),
    issuePersonalId: placeholder<IssuedPersonalId, IssuePersonalIdInput>('issuePersonalId'),
    registerBirth: placeholder<BirthCertificate, RegisterBirthInput>('registerBirth'),
    checkResidence: placeholder<HouseholdCheck, CheckResidenceInput>('checkResidence'),
    registerPermanentResidence: placeholder<HouseholdMembership, RegisterPermanentResidenceInput>(
      'registerPermanentResidence',
    ),
    issueHealthInsuranceCard: placeholder<InsuranceCard, IssueHealthInsuranceCardInput>('issueHealthInsuranceCard'),
  },
  guards: {
    /** Officer events come from an officer of the agency owning the step (a refusal states reasons, a request names what is missing). */
    isOfficerOf: isOfficerOfGuard,
    /** Only the applicant supplements the dossier. */
    isApplicant: ({ context, event }) =>
      event.actor?.kind === 'citizen' && event.actor.id === context.application.applicant.personalId,
    /** Only the household head agrees (or declines) to add the child to the household. */
    isHouseholdHead: ({ context, event }) =>
      event.actor?.kind === 'citizen' && !!context.household && event.actor.id === context.household.headId,
    followUpRefused: ({ context }) => context.refusals.some((r) => r.step === 'residence' || r.step === 'insurance'),
  },
  actions: {
    // markVerificationNeeded (group ≤ 5, residence ≤ 5 working days), recordRefusal, recordServiceRefusal, recordLapse.
    ...sharedActions<BirthCaseContext>(),
    storeCheck: assign(({ context, event }) => {
      const check = outputOf<BirthDossierCheck>(event);
      return { check, verificationNeeded: context.verificationNeeded || check.verificationNeeded };
    }),
    storePersonalId: assign({ childId: ({ event }) => outputOf<IssuedPersonalId>(event).personalId }),
    storeBirthCertificate: assign({ birthCertificate: ({ event }) => outputOf<BirthCertificate>(event) }),
    storeHousehold: assign({ household: ({ event }) => outputOf<HouseholdCheck>(event) }),
    storeMembership: assign({ membership: ({ event }) => outputOf<HouseholdMembership>(event) }),
    storeInsuranceCard: assign({ insuranceCard: ({ event }) => outputOf<InsuranceCard>(event) }),
    recordSupplementRequest: assign(({ context, event }) => ({
      verificationNeeded: true,
      supplementRequests: [
        ...context.supplementRequests,
        {
          missing: (event as Ev).missing ?? [],
          note: typeof (event as Ev).note === 'string' ? (event as Ev).note : undefined,
          by: actorLabel(event as Ev),
          answered: false,
        },
      ],
    })),
    recordSupplement: assign(({ context, event }) => {
      const e = event as Ev;
      const documents = Array.isArray(e.documents) ? (e.documents as unknown[]).map(String) : [];
      // Corrections of applicant-given fields (validated by the runner): applied, the old value kept on record.
      const given = e.fields && typeof e.fields === 'object' && !Array.isArray(e.fields) ? (e.fields as Record<string, unknown>) : {};
      let application = context.application as unknown as Record<string, unknown>;
      const corrections: FieldCorrection[] = [];
      for (const [field, to] of Object.entries(given)) {
        corrections.push({ field, from: getPath(application, field) ?? null, to });
        application = withPath(application, field, to);
      }
      return {
        application: application as unknown as BirthCaseContext['application'],
        supplements: [...context.supplements, { by: actorLabel(e), at: e.at ?? null, documents, ...(corrections.length ? { corrections } : {}) }],
        supplementRequests: context.supplementRequests.map((r) => ({ ...r, answered: true })),
      };
    }),
    recordHeadConsent: assign(({ context, event }) => {
      const e = event as Ev;
      return {
        headConsent: { headId: e.actor.id, at: e.at ?? null, ref: `consent-${context.caseId}-${e.actor.id}` },
      };
    }),
  },
  delays: {
    supplementWindow: SUPPLEMENT_WINDOW_WORKING_DAYS * NOMINAL_WORKING_DAY_MS,
    headConsentWindow: HEAD_CONSENT_WINDOW_WORKING_DAYS * NOMINAL_WORKING_DAY_MS,
  },
});

export { initialBirthContext };
