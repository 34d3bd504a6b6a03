/**
 * Interconnected group 1 (Decree 63/2024): one declaration from a parent; the commune registers the birth and
 * issues the child's personal ID first, then permanent residence (police) and the health-insurance card (VSS) run
 * as parallel regions. A later refusal leaves the birth registration standing: the outcome is a partial completion.
 */
import type { DeadlineDeclaration, ProcedureDefinition } from '../types';
import { GROUP_FOLLOW_UPS_DONE, GROUP_OUTCOMES, groupEnds, type SenderRule, runnerCheckedVersion, versionOf, withChart } from '../chart-kit';
import { birthCaseResults, LEGAL_BASIS_CIVIL_STATUS, LEGAL_BASIS_GROUP, LEGAL_BASIS_INSURANCE, LEGAL_BASIS_ONCE_ONLY, LEGAL_BASIS_RESIDENCE } from './case';
import { birthGroupSetup, initialBirthContext } from './setup';
import { BIRTH_REGISTRATION_DELAYS, BIRTH_REGISTRATION_EVENTS, BIRTH_REGISTRATION_FIELDS, BIRTH_REGISTRATION_SERVICES, birthStates } from '../birth-registration/procedure';
import { PERMANENT_RESIDENCE_DELAYS, PERMANENT_RESIDENCE_EVENTS, PERMANENT_RESIDENCE_FIELDS, PERMANENT_RESIDENCE_SERVICES, residenceStates } from '../permanent-residence/procedure';
import { HEALTH_INSURANCE_FIELDS, HEALTH_INSURANCE_SERVICES, insuranceStates } from '../health-insurance-card/procedure';
import { birthSimulation } from './simulation';

export const BIRTH_GROUP_DEADLINES: readonly DeadlineDeclaration[] = [
  { step: 'total', workingDays: 3, workingDaysWithVerification: 5, legalBasis: LEGAL_BASIS_GROUP },
  { step: 'birth', workingDays: 0, legalBasis: `${LEGAL_BASIS_CIVIL_STATUS}: the same working day a complete dossier arrives` },
  {
    step: 'residence',
    statePath: 'services.residence',
    workingDays: 2,
    workingDaysWithVerification: 5,
    legalBasis: LEGAL_BASIS_GROUP,
  },
  { step: 'insurance', statePath: 'services.insurance', workingDays: 2, legalBasis: LEGAL_BASIS_GROUP },
];

/** The chart; `senders`: who checks who may send its events (SenderRule: v1 restated them as guards). */
const birthGroupChart = (senders: SenderRule) =>
  birthGroupSetup.createMachine({
  id: 'birthGroup',
  context: ({ input }) => initialBirthContext(input),
  initial: 'birth',
  states: {
    birth: birthStates({
      registered: '#birthGroup.services',
      rejected: '#birthGroup.rejected',
      refused: '#birthGroup.refused',
      failed: '#birthGroup.failed',
    }, senders),
    services: {
      type: 'parallel',
      states: {
        residence: residenceStates(senders),
        insurance: insuranceStates(),
      },
      onDone: GROUP_FOLLOW_UPS_DONE,
    },
    ...groupEnds(),
  },
});

/** Version 1's chart (frozen for the cases running on it). */

export const birthGroupV1: ProcedureDefinition = withChart({
  id: 'birth-group',
  version: 1,
  title: 'Birth registration, permanent residence and health-insurance card for a child under 6',
  legalBasis: [LEGAL_BASIS_GROUP, LEGAL_BASIS_CIVIL_STATUS, LEGAL_BASIS_RESIDENCE, LEGAL_BASIS_INSURANCE, LEGAL_BASIS_ONCE_ONLY],
  agencies: ['justice', 'police', 'vss'],
  access: { jurisdiction: { province: 'application.registration.provinceCode', commune: 'application.registration.communeCode' } },
  data: dedupeFields([...BIRTH_REGISTRATION_FIELDS, ...PERMANENT_RESIDENCE_FIELDS, ...HEALTH_INSURANCE_FIELDS]),
  deadlines: BIRTH_GROUP_DEADLINES,
  delays: [...BIRTH_REGISTRATION_DELAYS, ...PERMANENT_RESIDENCE_DELAYS],
  events: [...BIRTH_REGISTRATION_EVENTS, ...PERMANENT_RESIDENCE_EVENTS],
  services: [...BIRTH_REGISTRATION_SERVICES, ...PERMANENT_RESIDENCE_SERVICES, ...HEALTH_INSURANCE_SERVICES],
  outcomes: GROUP_OUTCOMES,
  simulation: birthSimulation('newChild'),
  results: birthCaseResults,
}, () => birthGroupChart('inChart'));

function dedupeFields<T extends { name: string }>(fields: T[]): T[] {
  const seen = new Set<string>();
  return fields.filter((f) => {
    if (seen.has(f.name)) return false;
    seen.add(f.name);
    return true;
  });
}

/**
 * The draft amendment to Decree 63/2024 (not in force): totals of 9 working days, 12 with verification. Same chart;
 * deadlines are versioned configuration. Runs only when a case asks for version 2.
 */
export const birthGroupV2Draft: ProcedureDefinition = versionOf(birthGroupV1, {
  version: 2,
  status: 'draft',
  title: `${birthGroupV1.title} (draft amendment)`,
  deadlines: BIRTH_GROUP_DEADLINES.map((d) =>
    d.step === 'total'
      ? { ...d, workingDays: 9, workingDaysWithVerification: 12, legalBasis: 'Draft amendment to Decree 63/2024/ND-CP' }
      : d,
  ),
});

/** Version 3: version 1's deadlines; who may send each event is checked by the runner, from the declarations. */
export const birthGroupV3: ProcedureDefinition = runnerCheckedVersion(birthGroupV1, 3, () => birthGroupChart('byRunner'));
