/**
 * Simulation data of the death group (designer/sim-inputs.ts reads it from the definition): the 2, 3 or 4 procedures
 * a family chooses, each on seeded people of its own (designer/sim-people.ts), and sample outputs for the pure walk.
 */
import type { PersonRecord } from '../../domain/registries';
import type { ProcedureSimulation, SimulationVariant } from '../types';
import type { DeathApplication, DeathSelection } from './case';

/** Two relatives besides the representative must confirm (the simulation families: spouse and sibling). */
const RELATIVES_TO_CONFIRM = ['001152900001', '001181900002'];
const DEATH_DATE = '2026-07-01';

function deathApplication(tag: string, deceased: PersonRecord, declarant: PersonRecord, selection: DeathSelection): DeathApplication {
  return {
    applicant: { personalId: declarant.personalId },
    deceased: { personalId: deceased.personalId },
    death: { dateOfDeath: DEATH_DATE, placeOfDeath: '00166', cause: 'illness', deathNoticeNo: `BT-SIM-${tag}` },
    registration: { communeCode: '00166', provinceCode: '01' },
    selection,
  };
}

const deathVariant = (name: string, pool: 'family' | 'household', selection: DeathSelection, sampleOutputs?: Record<string, unknown>): SimulationVariant => ({
  name,
  cast: { family: pool },
  input: (tag, { cast }) => ({ application: deathApplication(tag, cast.family.deceased, cast.family.declarant, selection) }),
  sampleOutputs,
});

const entitlements = (eligible: boolean) => ({
  funeral: { eligible, reason: eligible ? 'the deceased was a pensioner' : 'no social-insurance record', amount: eligible ? 23_400_000 : 0, basis: '' },
  contribution: eligible ? { compulsoryMonths: 360, pensioner: true } : null,
  survivor: { eligible, reason: 'every relative must confirm the representative', amount: 1, basis: '', mustConfirm: eligible ? RELATIVES_TO_CONFIRM : [] },
});

export const DEATH_GROUP_SIMULATION: ProcedureSimulation = {
  variants: [
    // A pensioner's family chooses all 4 procedures: the spouse and a sibling confirm the declarant.
    deathVariant('4 procedures', 'family', 'plusSurvivorBenefit'),
    deathVariant('3 procedures', 'family', 'plusFuneralAllowance'),
    deathVariant('2 procedures', 'household', 'deathAndResidence'),
    // Generated people have no contribution record: no funeral allowance is due.
    deathVariant('3 procedures, not insured', 'household', 'plusFuneralAllowance', { checkBenefitEntitlements: entitlements(false) }),
  ],
  sampleOutputs: {
    checkDeathDossier: { deceasedId: 'sim', deceasedName: 'Mô Phỏng', late: true, verificationNeeded: true, reusedFields: [], collectedFields: [] },
    checkBenefitEntitlements: entitlements(true),
  },
};
