/**
 * Simulation data of the birth group and of its procedures run alone (designer/sim-inputs.ts reads it from each
 * definition): a declaration by the seeded fixture mother (db/seed-fixtures.ts) for a new child, and service outputs
 * shaped like the real services' results on the seeded registries.
 */
import type { ProcedureSimulation } from '../types';
import type { BirthApplication } from './case';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HANOI, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed-fixtures';

/** Stands for a child registered earlier, in the pure walk. */
export const PURE_CHILD_ID = '001226099999';

/** A birth declaration by the fixture parents; `tag` names the child and the birth notice. */
export function simulationApplication(tag: string): BirthApplication {
  return {
    applicant: { personalId: FIXTURE_MOTHER.personalId },
    mother: { personalId: FIXTURE_MOTHER.personalId },
    father: { personalId: FIXTURE_FATHER.personalId },
    child: { fullName: `Mô Phỏng ${tag}`, dateOfBirth: '2026-11-20', sex: 'female', placeOfBirth: '00004', ethnicity: 'Kinh' },
    medicalBirthNoticeNo: `CS-SIM-${tag}`,
    registration: { communeCode: '00004', provinceCode: '01' },
  };
}

/** Outputs the pure walk feeds to the birth charts for each service. */
const BIRTH_SAMPLE_OUTPUTS: Record<string, unknown> = {
  checkBirthDossier: {
    complete: true,
    missing: [],
    verificationNeeded: false,
    homeTown: FIXTURE_FATHER.homeTown,
    nationality: 'VN',
    motherId: FIXTURE_MOTHER.personalId,
    fatherId: FIXTURE_FATHER.personalId,
    reusedFields: ['mother.fullName', 'father.fullName'],
    collectedFields: ['child.fullName'],
  },
  issuePersonalId: { personalId: PURE_CHILD_ID },
  registerBirth: { childId: PURE_CHILD_ID, childName: 'Mô Phỏng', dateOfBirth: '2026-11-20', certificateNumber: 'SIM-1' },
  checkResidence: {
    householdId: FIXTURE_HOUSEHOLD_HANOI.householdId,
    headId: FIXTURE_HOUSEHOLD_HEAD.personalId,
    relationToHead: 'grandchild',
    address: { provinceCode: '01', communeCode: '00004', street: FIXTURE_HOUSEHOLD_HANOI.street },
  },
  registerPermanentResidence: { householdId: FIXTURE_HOUSEHOLD_HANOI.householdId, personalId: PURE_CHILD_ID, headId: FIXTURE_HOUSEHOLD_HEAD.personalId },
  issueHealthInsuranceCard: { socialInsuranceNumber: '0100000001', personalId: PURE_CHILD_ID, beneficiaryGroup: 'TE' },
};

/**
 * The simulation of a birth procedure: a new child's declaration; a follow-up procedure (residence, insurance card)
 * works on a child registered earlier (the engine registers one first; the pure walk uses PURE_CHILD_ID).
 */
export function birthSimulation(kind: 'newChild' | 'registeredChild'): ProcedureSimulation {
  return {
    variants: [
      {
        name: 'default',
        input: (tag, env) => ({
          application: simulationApplication(tag),
          ...(kind === 'registeredChild' ? { childId: env.childId ?? PURE_CHILD_ID } : {}),
        }),
      },
    ],
    sampleOutputs: BIRTH_SAMPLE_OUTPUTS,
  };
}
