/**
 * What a procedure is, as data. Pure types: this file runs in the Temporal workflow sandbox.
 */
import type { AnyStateMachine } from 'xstate';
import type { AgencyId } from '../domain/registries';
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
   * Synthetic data for `npm run procedures -- simulate` (docs/authoring-procedures.md): the chart input (without the
   * case id) built on seeded fixture people, and sample outputs of the services for the pure path walk.
   */
  simulation?: {
    input: (tag: string, env: { childId?: string }) => Record<string, unknown>;
    sampleOutputs?: Record<string, unknown>;
  };
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
