/**
 * What a procedure is, as data. Pure types: this file runs in the Temporal workflow sandbox.
 */
import type { AnyStateMachine } from 'xstate';
import type { AgencyId, RegistryName } from '../activities/registries/types';

export type ActorKind = 'citizen' | 'officer' | 'system';

/** Where one data field comes from. */
export type FieldSource =
  /** Held by the state: read from a registry by a key that is itself a field. */
  | { kind: 'registry'; registry: RegistryName; keyField: string; attribute: string }
  /** Output of an earlier step of the same case. */
  | { kind: 'step'; step: string; output: string }
  /** Only the citizen can give it (e.g. the newborn's name). */
  | { kind: 'citizen' };

export interface FieldDeclaration {
  /** Dotted path, e.g. "mother.fullName", "child.name". */
  name: string;
  type: 'string' | 'date' | 'enum' | 'personalId' | 'communeCode' | 'boolean';
  enumValues?: readonly string[];
  required: boolean;
  source: FieldSource;
  purpose: string;
  legalBasis: string;
  /** A field the state holds may be sent by the citizen only to verify or update it. */
  mode?: 'collect' | 'verify' | 'update';
}

export interface DeadlineDeclaration {
  /** Step (state id) the deadline applies to, or "total" for the whole case. */
  step: string;
  workingDays: number;
  /** Longer limit when verification is needed. */
  workingDaysWithVerification?: number;
  legalBasis: string;
}

/** An event an actor may send, and in which states. */
export interface EventDeclaration {
  type: string;
  actor: ActorKind;
  agency?: AgencyId;
  description: string;
}

/** A service a state invokes: an activity on the owning agency's task queue. */
export interface ServiceDeclaration {
  name: string;
  agency: AgencyId;
  description: string;
}

export interface ProcedureDefinition {
  id: string;
  version: number;
  title: string;
  legalBasis: string[];
  agencies: AgencyId[];
  data: readonly FieldDeclaration[];
  deadlines: readonly DeadlineDeclaration[];
  events: readonly EventDeclaration[];
  services: readonly ServiceDeclaration[];
  /** Outcome declared for each final state id. */
  outcomes: Record<string, string>;
  machine: AnyStateMachine;
}
