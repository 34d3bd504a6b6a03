/**
 * The once-only resolver (pure). Decides, field by field, where each value of a procedure comes from:
 * a registry, an earlier step of the same case, or the citizen. A citizen may not send data the state already
 * holds (Decree 47/2020 Art. 9) unless the declaration lets them verify or update it.
 *
 * Field names are dotted paths ("mother.fullName") into the case's data (domain/data-paths.ts); what the citizen
 * sent may be the nested application or a flat map of those names.
 */
import type { RegistryName } from './registries';
import { flattenPaths } from './data-paths';
import type { FieldDeclaration } from './field-declarations';
import { isCommuneCode, validatePersonalId } from './identifiers';

export type FieldSourceKind = 'registry' | 'step' | 'citizen';

export interface RegistryValue {
  value: unknown;
  registry: RegistryName;
}

export interface ResolveInput {
  declarations: readonly FieldDeclaration[];
  /** Values already read from registries, by field name (see activities/once-only/prefill.ts). */
  registryValues: Readonly<Record<string, RegistryValue>>;
  /** Outputs of earlier steps: step → output name → value. */
  stepOutputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** What the citizen sent: the application (nested) or a flat map by field name. */
  submitted: Readonly<Record<string, unknown>>;
}

/**
 * One registry record as read (and audited) for a case: only the attributes the read named are kept. The reads made
 * when the application is received travel with the case, so a step does not read (and audit) the same record again.
 */
export interface RegistryRecordRead {
  registry: RegistryName;
  keyValue: string;
  attributes: string[];
  /** Null when the registry holds no record for the key. */
  record: Record<string, unknown> | null;
}

export interface ResolvedField {
  field: string;
  value: unknown;
  source: FieldSourceKind;
  registry?: RegistryName;
  step?: string;
}

export interface RefusedField {
  field: string;
  /** The registry that holds the value (for step-sourced fields: the registry is unknown, `step` names the step). */
  registry?: RegistryName;
  step?: string;
  code: 'DATA_ALREADY_HELD';
}

export interface InvalidField {
  field: string;
  code: 'INVALID_FIELD_VALUE';
  reason: string;
}

export interface OnceOnlyResolution {
  resolved: ResolvedField[];
  /** Fields the citizen must still give. */
  missing: FieldDeclaration[];
  refused: RefusedField[];
  /** Step-sourced fields whose step has not produced them yet: nobody has to give them. */
  pending: FieldDeclaration[];
  /** Submitted names no declaration knows. */
  unknown: string[];
  invalid: InvalidField[];
  /** 'verify' fields where the citizen's value differs from the state's. The state's value is kept. */
  mismatches: { field: string; held: unknown; submitted: unknown }[];
  /** 'update' fields where the citizen asks to change the state's value: the citizen's value is used. */
  updates: { field: string; held: unknown; submitted: unknown; registry?: RegistryName }[];
  /** True when nothing is refused, unknown or invalid (missing fields may remain). */
  ok: boolean;
  /** KPI counts (Decision 766/QD-TTg "re-use of digitised data"): fields taken from the state vs collected. */
  counts: { reused: number; collected: number };
}

export abstract class OnceOnlyError extends Error {
  abstract readonly code: string;
}

export class DataAlreadyHeldError extends OnceOnlyError {
  readonly code = 'DATA_ALREADY_HELD';
  constructor(
    readonly field: string,
    readonly registry: RegistryName | undefined,
    readonly step?: string,
  ) {
    super(
      `"${field}" is already held by the state (${registry ? `registry ${registry}` : `step ${step}`}); ` +
        'it must not be collected again (Decree 47/2020, Art. 9)',
    );
  }
}

export class UnknownFieldError extends OnceOnlyError {
  readonly code = 'UNKNOWN_FIELD';
  constructor(readonly field: string) {
    super(`"${field}" is not a field of this procedure`);
  }
}

export class InvalidFieldValueError extends OnceOnlyError {
  readonly code = 'INVALID_FIELD_VALUE';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`"${field}": ${reason}`);
  }
}

export class MissingFieldsError extends OnceOnlyError {
  readonly code = 'MISSING_FIELDS';
  constructor(readonly fields: string[]) {
    super(`Missing fields: ${fields.join(', ')}`);
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isIsoDate(v: string): boolean {
  const m = ISO_DATE.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v;
}

/** Why a value does not fit its declaration, or null when it does. */
export function checkFieldValue(decl: FieldDeclaration, value: unknown): string | null {
  switch (decl.type) {
    case 'string':
      return typeof value === 'string' && value.trim() !== '' ? null : 'expected a non-empty string';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? null : 'expected an ISO date yyyy-mm-dd';
    case 'enum':
      return typeof value === 'string' && (decl.enumValues ?? []).includes(value)
        ? null
        : `expected one of ${(decl.enumValues ?? []).join(', ')}`;
    case 'personalId': {
      if (typeof value !== 'string') return 'expected a 12-digit personal ID number';
      const r = validatePersonalId(value);
      return r.ok ? null : r.message;
    }
    case 'communeCode':
      return typeof value === 'string' && isCommuneCode(value) ? null : 'expected a 5-digit commune code';
    default:
      return `unsupported type ${(decl as FieldDeclaration).type}`;
  }
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim().normalize('NFC') === b.trim().normalize('NFC');
  return a === b;
}

export function resolveFields(input: ResolveInput): OnceOnlyResolution {
  const { declarations, registryValues, stepOutputs } = input;
  const submitted = flattenPaths(input.submitted);
  const out: OnceOnlyResolution = {
    resolved: [],
    missing: [],
    refused: [],
    pending: [],
    unknown: [],
    invalid: [],
    mismatches: [],
    updates: [],
    ok: true,
    counts: { reused: 0, collected: 0 },
  };
  const byName = new Map(declarations.map((d) => [d.name, d]));
  for (const name of Object.keys(submitted)) {
    if (!byName.has(name) && present(submitted[name])) out.unknown.push(name);
  }

  for (const decl of declarations) {
    const mode = decl.mode ?? 'collect';
    const given = present(submitted[decl.name]);
    const sent = submitted[decl.name];
    if (given) {
      const problem = checkFieldValue(decl, sent);
      if (problem) {
        out.invalid.push({ field: decl.name, code: 'INVALID_FIELD_VALUE', reason: problem });
        continue;
      }
    }

    // What the state holds for this field, if anything.
    let held: { value: unknown; registry?: RegistryName; step?: string } | undefined;
    if (decl.source.kind === 'registry') {
      const rv = registryValues[decl.name];
      if (rv && present(rv.value)) held = { value: rv.value, registry: rv.registry };
    } else if (decl.source.kind === 'step') {
      const v = stepOutputs[decl.source.step]?.[decl.source.output];
      if (present(v)) held = { value: v, step: decl.source.step };
    }

    if (held) {
      const fromState: ResolvedField = {
        field: decl.name,
        value: held.value,
        source: held.registry ? 'registry' : 'step',
        ...(held.registry ? { registry: held.registry } : { step: held.step }),
      };
      if (!given) {
        out.resolved.push(fromState);
        out.counts.reused++;
      } else if (mode === 'verify') {
        out.resolved.push(fromState);
        out.counts.reused++;
        if (!sameValue(held.value, sent)) out.mismatches.push({ field: decl.name, held: held.value, submitted: sent });
      } else if (mode === 'update') {
        out.resolved.push({ field: decl.name, value: sent, source: 'citizen' });
        out.counts.collected++;
        if (!sameValue(held.value, sent)) {
          out.updates.push({ field: decl.name, held: held.value, submitted: sent, registry: held.registry });
        }
      } else {
        out.refused.push({
          field: decl.name,
          code: 'DATA_ALREADY_HELD',
          ...(held.registry ? { registry: held.registry } : { step: held.step }),
        });
        out.resolved.push(fromState); // the state's value stands; the submission is refused
        out.counts.reused++;
      }
      continue;
    }

    if (decl.source.kind === 'step') {
      // Produced later by the case itself: the citizen neither needs to nor may give it.
      if (given && mode === 'collect') {
        out.refused.push({ field: decl.name, code: 'DATA_ALREADY_HELD', step: decl.source.step });
      }
      out.pending.push(decl);
      continue;
    }

    // Citizen-sourced, or registry-sourced but not held (e.g. a parent not in the population database).
    if (given) {
      out.resolved.push({ field: decl.name, value: sent, source: 'citizen' });
      out.counts.collected++;
    } else if (decl.required) {
      out.missing.push(decl);
    }
  }
  out.ok = out.refused.length === 0 && out.unknown.length === 0 && out.invalid.length === 0;
  return out;
}

/** The resolution's problems as error objects (refused first, then unknown, invalid). */
export function resolutionErrors(r: OnceOnlyResolution, opts: { includeMissing?: boolean } = {}): OnceOnlyError[] {
  const errors: OnceOnlyError[] = [
    ...r.refused.map((f) => new DataAlreadyHeldError(f.field, f.registry, f.step)),
    ...r.unknown.map((f) => new UnknownFieldError(f)),
    ...r.invalid.map((f) => new InvalidFieldValueError(f.field, f.reason)),
  ];
  if (opts.includeMissing && r.missing.length > 0) errors.push(new MissingFieldsError(r.missing.map((d) => d.name)));
  return errors;
}

/** Throws the first problem of the resolution, if any. */
export function assertResolution(r: OnceOnlyResolution, opts: { includeMissing?: boolean } = {}): void {
  const [first] = resolutionErrors(r, opts);
  if (first) throw first;
}

/** The fields the state gave (reused) and those the citizen gave (collected), for the case's data-reuse figures. */
export function dataReuse(r: OnceOnlyResolution): { reusedFields: string[]; collectedFields: string[] } {
  return {
    reusedFields: r.resolved.filter((f) => f.source !== 'citizen').map((f) => f.field),
    collectedFields: r.resolved.filter((f) => f.source === 'citizen').map((f) => f.field),
  };
}

/** The resolved values as a flat map field → value. */
export function resolvedValues(r: OnceOnlyResolution): Record<string, unknown> {
  return Object.fromEntries(r.resolved.map((f) => [f.field, f.value]));
}

export interface PlannedRead {
  registry: RegistryName;
  keyField: string;
  keyValue: string;
  /** Registry attributes to read (data minimisation: only these are kept and audited). */
  attributes: string[];
  /** The declared fields these attributes fill, aligned with `attributes`. */
  fields: string[];
}

/**
 * Registry lookups needed to fill the registry-sourced fields whose key is known, one per (registry, key field).
 * Fields whose key is not known yet (e.g. the child's ID before birth registration) are left out.
 */
export function plannedRegistryReads(
  decls: readonly FieldDeclaration[],
  knownKeys: Readonly<Record<string, unknown>>,
): PlannedRead[] {
  const reads = new Map<string, PlannedRead>();
  for (const d of decls) {
    if (d.source.kind !== 'registry') continue;
    const keyValue = knownKeys[d.source.keyField];
    if (typeof keyValue !== 'string' || keyValue === '') continue;
    const k = `${d.source.registry}\u0000${d.source.keyField}`;
    let read = reads.get(k);
    if (!read) {
      read = { registry: d.source.registry, keyField: d.source.keyField, keyValue, attributes: [], fields: [] };
      reads.set(k, read);
    }
    read.attributes.push(d.source.attribute);
    read.fields.push(d.name);
  }
  return [...reads.values()];
}
