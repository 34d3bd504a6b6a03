/**
 * A procedure's data declarations (pure types, sandbox-safe): each field a case uses, and where its value comes from
 * (a registry, an earlier step, or the citizen). The procedures declare them; the once-only resolver
 * (domain/once-only.ts) and the registry reads (activities/once-only/) act on them.
 */
import type { RegistryName } from './registries';

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
