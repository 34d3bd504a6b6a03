/**
 * Synthetic data for simulations: the chart input of each catalog procedure (built on the seeded fixture people,
 * so the real registries answer), the events' payloads, and sample service outputs for the pure walk (the real
 * engine's services produce their own).
 */
import type { EventDeclaration, ProcedureDefinition, ProcedureEvent } from '../procedures/types';
import type { BirthApplication } from '../procedures/birth-case';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HANOI, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../db/seed-fixtures';
import { NoSimulationInputError } from './errors';

/** Data prepared in the registries before the run (e.g. a registered child for the follow-up procedures). */
export interface SimulationEnv {
  childId?: string;
}

/** Stands for a child registered earlier, in the pure walk. */
export const PURE_CHILD_ID = '001226099999';

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

type InputBuilder = (tag: string, env: SimulationEnv) => Record<string, unknown>;

const INPUTS: Record<string, InputBuilder> = {
  'birth-group': (tag) => ({ application: simulationApplication(tag) }),
  'birth-registration': (tag) => ({ application: simulationApplication(tag) }),
  'permanent-residence': (tag, env) => ({ application: simulationApplication(tag), childId: env.childId ?? PURE_CHILD_ID }),
  'health-insurance-card': (tag, env) => ({ application: simulationApplication(tag), childId: env.childId ?? PURE_CHILD_ID }),
};

export function simulationInput(def: ProcedureDefinition, tag: string, env: SimulationEnv = {}): Record<string, unknown> {
  const build = def.simulation?.input ?? INPUTS[def.id];
  if (!build) throw new NoSimulationInputError(def.id);
  return build(tag, env);
}

/** Whether a simulation input exists (declared by the procedure, or here for the birth procedures). */
export function hasSimulationInput(def: ProcedureDefinition): boolean {
  return def.simulation !== undefined || def.id in INPUTS;
}

/** Sample output of a service for the pure walk: the procedure's own, else the shared ones. */
export function sampleOutput(def: ProcedureDefinition, service: string): unknown {
  return def.simulation?.sampleOutputs?.[service] ?? SAMPLE_OUTPUTS[service] ?? {};
}

/** Whether the procedure works on a child registered by an earlier procedure (its input carries `childId`). */
export function needsRegisteredChild(def: ProcedureDefinition): boolean {
  return 'childId' in simulationInput(def, 'probe');
}

/** Outputs the pure walk feeds to the chart for each service (shaped like the real services' results). */
export const SAMPLE_OUTPUTS: Record<string, unknown> = {
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

/** An event as its declared actor sends it, with the payload its declaration requires. */
export function simulatedEvent(decl: EventDeclaration, actorId: string): ProcedureEvent {
  const actor =
    decl.actor === 'officer'
      ? { kind: 'officer' as const, id: `sim-officer-${decl.agency ?? 'unknown'}`, ...(decl.agency ? { agency: decl.agency } : {}) }
      : { kind: decl.actor, id: actorId };
  const event: ProcedureEvent = { type: decl.type, actor };
  for (const f of decl.arrayFields ?? []) event[f] = [`simulated-${f}`];
  for (const f of decl.requiredFields ?? []) if (!(decl.arrayFields ?? []).includes(f)) event[f] = `simulated ${f}`;
  return event;
}
