/**
 * What a procedure is, as data. Pure types: this file runs in the Temporal workflow sandbox.
 */
import type { AnyStateMachine } from 'xstate';
import type { AgencyId, PersonRecord } from '../domain/registries';
import type { FieldDeclaration } from '../domain/field-declarations';
import type { RegistryRecordRead } from '../domain/once-only';

export type { FieldDeclaration, FieldSource } from '../domain/field-declarations';

export type ActorKind = 'citizen' | 'officer' | 'system';

export interface DeadlineDeclaration {
  /** Step name the deadline applies to, or "total" for the whole case. */
  step: string;
  /** Dotted state path of the step in the chart (e.g. "services.residence"); defaults to `step`. Ignored for "total". */
  statePath?: string;
  workingDays: number;
  /** Longer limit when verification is needed. */
  workingDaysWithVerification?: number;
  legalBasis: string;
}

/** A named `after` delay of the chart, counted in working days by the runner (durable timer). */
export interface DelayDeclaration {
  name: string;
  workingDays: number;
  legalBasis: string;
  description: string;
}

/** An event an actor may send, and in which states. */
export interface EventDeclaration {
  type: string;
  actor: ActorKind;
  agency?: AgencyId;
  description: string;
  /** Payload fields the event must carry (strings unless listed in `arrayFields`). */
  requiredFields?: readonly string[];
  arrayFields?: readonly string[];
  /** Accepting this event completes the dossier: deadlines count from it (e.g. a supplement). */
  completesDossier?: boolean;
  /** Dotted path in the chart context to the one person who may send it (e.g. "household.headId"), to notify them. */
  actorIdFrom?: string;
}

/** A service a state invokes: an activity on the owning agency's task queue. */
export interface ServiceDeclaration {
  name: string;
  agency: AgencyId;
  description: string;
  /** Purpose and legal basis carried in the AccessContext of every registry call the service makes. */
  purpose: string;
  legalBasis: string;
}

export interface ProcedureDefinition {
  id: string;
  version: number;
  /** `draft` versions run only when asked for by number; new cases get the newest `active` one. Default active. */
  status?: 'active' | 'draft';
  title: string;
  legalBasis: string[];
  /** The agencies that act; the first receives the dossier (its check step is given the records read at receipt). */
  agencies: AgencyId[];
  data: readonly FieldDeclaration[];
  deadlines: readonly DeadlineDeclaration[];
  delays: readonly DelayDeclaration[];
  events: readonly EventDeclaration[];
  services: readonly ServiceDeclaration[];
  /** Outcome declared for each final (top-level) state id. */
  outcomes: Record<string, string>;
  machine: AnyStateMachine;
  /** The results a case hands back (certificates, cards…), read from the chart's final context. */
  results?: (context: any) => Record<string, unknown>;
  /**
   * Who may see a case besides its applicant (`application.applicant.personalId`) and the persons its events name
   * (`actorIdFrom`): access policy read by the API (docs/identity.md), not chart behaviour, so not fingerprinted.
   */
  access?: CaseAccessDeclaration;
  /**
   * Synthetic data for `npm run procedures -- simulate` and the designer's pages (docs/authoring-procedures.md): the
   * chart input of each way of filling a case, built on seeded people. Never read by the runner.
   */
  simulation?: ProcedureSimulation;
}

/** Context paths (dotted, into the chart context) the API reads to decide who may see a case. */
export interface CaseAccessDeclaration {
  /** Other persons the case names: paths to a personal ID or a list of them (e.g. relatives asked to confirm). */
  parties?: readonly string[];
  /** The case's jurisdiction; absent, only officers with a national jurisdiction see its cases. */
  jurisdiction?: { province: string; commune?: string };
}

/** Who sends an event. The runner checks the kind (and agency for officers) against the declaration. */
export interface EventActor {
  kind: ActorKind;
  /** "officer:<id>" style ids are not required: officers give their staff id, citizens their personal ID. */
  id: string;
  agency?: AgencyId;
}

/** An external event (officer or citizen). `at` is stamped by the runner with workflow time. */
export interface ProcedureEvent {
  type: string;
  actor: EventActor;
  at?: string;
  reason?: string;
  note?: string;
  missing?: string[];
  [key: string]: unknown;
}

/** What the runner sends to an activity: the case reference and access purpose, plus the service input. */
export interface ServiceRequest<I = unknown> {
  access: {
    procedureId: string;
    procedureVersion: number;
    caseId: string;
    purpose: string;
    legalBasis: string;
    /** The system step that acts: "system:<agency>.<service>". */
    actor: string;
    /** Whose accepted event led to this step (the officer who decided, or the citizen who consented/supplemented). */
    decidedBy?: string;
  };
  input: I;
  /** Registry records read (and audited) when the application was received: a step does not read them again. */
  held?: readonly RegistryRecordRead[];
}

/** A service failure as the chart sees it (the runner maps Temporal failures to this). */
export interface ServiceFailure {
  code: string;
  message: string;
}

/**
 * Seeded people a simulated case is about, by pool (designer/sim-people.ts reads them from the seed's description):
 * `family` a simulation family (`deceased`, `spouse`, `declarant`, `sibling`); `household` two members of a generated
 * household (`declarant`: the head, `deceased`); `couple` an unrelated unmarried `man` and `woman`; `adult` one `person`.
 */
export type PoolName = 'family' | 'household' | 'couple' | 'adult';
/** A few people who appear together in one case (a family, a couple…), by role. */
export type CastUnit = Record<string, PersonRecord>;
/** The units a path's case is about, by the role the variant names. */
export type Cast = Record<string, CastUnit>;

/** Data prepared for a simulated case: a child registered earlier (follow-up procedures); the people it is about. */
export interface SimulationEnv {
  childId?: string;
  /** One unit of seeded people per role the variant names (distinct per path on the engine). */
  cast?: Cast;
}

/** Registry rows no seed can hold, by table (an export of db/registries/schema), written before a path's case starts. */
export type SimulationRegistryRows = Readonly<Record<string, readonly Record<string, unknown>[]>>;

/**
 * One way of filling a procedure's case: its input, the people it is about, the sample service outputs the pure walk
 * assumes (the real people must make the real services answer alike), and registry data to write first.
 */
export interface SimulationVariant {
  name: string;
  /** Role → pool: each path on the engine gets its own unit of each role. */
  cast?: Readonly<Record<string, PoolName>>;
  /** The chart input without the case id; `tag` makes its own identifiers distinct per path. */
  input: (tag: string, env: SimulationEnv & { cast: Cast }) => Record<string, unknown>;
  /** Overrides of the procedure's sample outputs for this variant. */
  sampleOutputs?: Record<string, unknown>;
  /** Registry rows to write first (e.g. a contract that ended last month); `daysAgo(n)` is the local date n days back. */
  registryRows?: (cast: Cast, daysAgo: (days: number) => string) => SimulationRegistryRows;
}

/** A procedure's simulation data: its variants, and the outputs of its services the pure walk feeds to the chart. */
export interface ProcedureSimulation {
  variants: readonly SimulationVariant[];
  sampleOutputs?: Record<string, unknown>;
}
