/**
 * Synthetic data for simulations: the chart input of each catalog procedure (built on seeded people, so the real
 * registries answer; distinct people per path where a case changes them: designer/sim-people.ts), in one or more
 * variants (e.g. the 2, 3 or 4 procedures a family chooses), the events' payloads, and sample service outputs for
 * the pure walk (the real engine's services produce their own, and the cast is chosen so they agree).
 */
import type { EventDeclaration, ProcedureDefinition, ProcedureEvent } from '../procedures/types';
import type { BirthApplication } from '../procedures/birth-group/case';
import type { DeathApplication, DeathSelection } from '../procedures/death-group/case';
import type { MarriageApplication } from '../procedures/marriage-registration/procedure';
import type { JudicialRecordApplication } from '../procedures/judicial-record-certificate/procedure';
import type { HouseholdBusinessApplication } from '../procedures/household-business-tax-registration/procedure';
import type { UnemploymentApplication } from '../procedures/unemployment-benefit/procedure';
import type { Executor } from '../db/connection';
import { employmentRecords } from '../db/registries/schema';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HANOI, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER, type FixturePerson } from '../db/seed-fixtures';
import { localDateOf } from '../domain/working-days';
import { NoSimulationInputError } from './errors';
import { pureCast, type Cast, type PoolName } from './sim-people';

/** Data prepared for the run: a child registered earlier (follow-up procedures); the people this path is about. */
export interface SimulationEnv {
  childId?: string;
  /** One unit of seeded people per role the variant names (distinct per path on the engine). */
  cast?: Cast;
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

/**
 * One way of filling a procedure's case: its input, the people it is about, the sample service outputs the pure walk
 * assumes (the real people must make the real services answer alike), and registry data to write first.
 */
export interface SimulationVariant {
  name: string;
  /** Role → pool (designer/sim-people.ts): each path gets its own unit of each role. */
  cast?: Readonly<Record<string, PoolName>>;
  input: (tag: string, env: SimulationEnv & { cast: Cast }) => Record<string, unknown>;
  /** Overrides of the procedure's sample outputs for this variant. */
  sampleOutputs?: Record<string, unknown>;
  /** Registry data no seed can hold (e.g. a contract that ended last month), written before the path's case starts. */
  prepare?: (db: Executor, cast: Cast) => Promise<void>;
}

export interface SimulationSpec {
  variants: readonly SimulationVariant[];
  sampleOutputs?: Record<string, unknown>;
}

const single = (input: SimulationVariant['input'], cast?: SimulationVariant['cast']): SimulationSpec => ({
  variants: [{ name: 'default', input, cast }],
});

// ---------------------------------------------------------------- death group

/** Two relatives besides the representative must confirm (the simulation families: spouse and sibling). */
const RELATIVES_TO_CONFIRM = ['001152900001', '001181900002'];
const DEATH_DATE = '2026-07-01';

function deathApplication(tag: string, deceased: FixturePerson, declarant: FixturePerson, selection: DeathSelection): DeathApplication {
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

const DEATH_GROUP: SimulationSpec = {
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

// ---------------------------------------------------------------- the other catalog procedures

const MARRIAGE = single(
  (_tag, { cast }) => {
    const { man, woman } = cast.couple;
    return {
      application: {
        applicant: { personalId: man.personalId },
        partyA: { personalId: man.personalId },
        partyB: { personalId: woman.personalId },
        registration: { communeCode: '00166', provinceCode: '01' },
      } satisfies MarriageApplication,
    };
  },
  { couple: 'couple' },
);

const JUDICIAL_RECORD = single(
  (_tag, { cast }) => ({
    application: { applicant: { personalId: cast.applicant.person.personalId }, certificateType: '1', purposeOfRequest: 'employment application' } satisfies JudicialRecordApplication,
  }),
  { applicant: 'adult' },
);

const TAX = single(
  (tag, { cast }) => ({
    application: {
      applicant: { personalId: cast.owner.person.personalId },
      business: { name: `Hộ kinh doanh Mô Phỏng ${tag}`, line: 'Bán lẻ tạp hóa', communeCode: '00166', provinceCode: '01', startDate: '2026-07-01' },
    } satisfies HouseholdBusinessApplication,
  }),
  { owner: 'adult' },
);

const UNEMPLOYMENT: SimulationSpec = {
  variants: [
    {
      name: 'default',
      cast: { claimant: 'adult' },
      input: (_tag, { cast }) => ({
        application: { applicant: { personalId: cast.claimant.person.personalId }, claim: { provinceCode: '01', bankAccount: 'VCB 0123456789' } } satisfies UnemploymentApplication,
      }),
      // Claims are filed within 3 months of the contract's end, counted from today: no seed can hold that date.
      prepare: async (db, cast) => {
        await db
          .insert(employmentRecords)
          .values({
            personalId: cast.claimant.person.personalId,
            lastEmployer: 'Công ty TNHH Mô Phỏng',
            contractEndedAt: localDateOf(new Date(Date.now() - 30 * 86_400_000)),
            unemploymentInsuranceMonths: 20,
            averageMonthlySalary: 10_000_000,
          })
          .onConflictDoNothing();
      },
    },
  ],
};

const SPECS: Record<string, SimulationSpec> = {
  'birth-group': single((tag) => ({ application: simulationApplication(tag) })),
  'birth-registration': single((tag) => ({ application: simulationApplication(tag) })),
  'permanent-residence': single((tag, env) => ({ application: simulationApplication(tag), childId: env.childId ?? PURE_CHILD_ID })),
  'health-insurance-card': single((tag, env) => ({ application: simulationApplication(tag), childId: env.childId ?? PURE_CHILD_ID })),
  'death-group': DEATH_GROUP,
  'marriage-registration': MARRIAGE,
  'judicial-record-certificate': JUDICIAL_RECORD,
  'household-business-tax-registration': TAX,
  'unemployment-benefit': UNEMPLOYMENT,
};

/** The procedure's simulation data: its own `simulation` declaration, else the one here. */
export function simulationSpec(def: ProcedureDefinition): SimulationSpec {
  if (def.simulation) return { variants: [{ name: 'default', input: def.simulation.input }], sampleOutputs: def.simulation.sampleOutputs };
  const spec = SPECS[def.id];
  if (!spec) throw new NoSimulationInputError(def.id);
  return spec;
}

/** The chart input of one path (without the case id); the cast defaults to the pure walk's. */
export function simulationInput(def: ProcedureDefinition, tag: string, env: SimulationEnv = {}, variant = 0): Record<string, unknown> {
  const v = simulationSpec(def).variants[variant];
  return v.input(tag, { ...env, cast: env.cast ?? pureCast(v.cast ?? {}) });
}

/** Whether simulation data exists (declared by the procedure, or here). */
export function hasSimulationInput(def: ProcedureDefinition): boolean {
  return def.simulation !== undefined || def.id in SPECS;
}

/** Sample output of a service for the pure walk: the variant's, the procedure's, else the shared ones. */
export function sampleOutput(def: ProcedureDefinition, service: string, variant = 0): unknown {
  const spec = simulationSpec(def);
  return spec.variants[variant].sampleOutputs?.[service] ?? spec.sampleOutputs?.[service] ?? SAMPLE_OUTPUTS[service] ?? {};
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
