/**
 * Once-only prefill: reads the registries for every registry-sourced field whose key is known and returns the
 * values for the pure resolver (domain/once-only.ts). The API (at submission and in the preview) and every agency's
 * check step use it: one declaration-driven reader, no field lists of its own. Runs in activities or the API, never
 * in workflows.
 *
 * Pass audited registries: each read is logged with the declared purpose, legal basis and only the attributes the
 * procedure declared (plus those the caller `needs` for its own rules), and only those attributes are kept. A record
 * the case already carries (`held`: read when the application was received) is not read again.
 */
import { getPath } from '../../domain/data-paths';
import type { FieldDeclaration } from '../../domain/field-declarations';
import {
  checkFieldValue,
  plannedRegistryReads,
  resolveFields,
  type OnceOnlyResolution,
  type RegistryRecordRead,
  type RegistryValue,
} from '../../domain/once-only';
import type { AccessContext, RegistryName, Registries } from '../../domain/registries';
import { readRecords, recordKey, recordOf, type RecordRequest } from './registry-reads';

/** Attributes a caller's own rules need from the record a key field points at (e.g. the applicant's `deceased`). */
export interface RecordNeed {
  registry: RegistryName;
  keyField: string;
  attributes: readonly string[];
}

export interface PrefillInput {
  declarations: readonly FieldDeclaration[];
  /** Key fields the citizen gave, by field name, e.g. { "mother.personalId": "036196023456" }. */
  keys: Readonly<Record<string, string>>;
  registries: Partial<Registries>;
  ctx: AccessContext;
  needs?: readonly RecordNeed[];
  /** Records the case already carries (read and audited earlier): not read again. */
  held?: readonly RegistryRecordRead[];
}

export interface PrefillResult {
  /** Field name → value and the registry that holds it (input for resolveFields). */
  values: Record<string, RegistryValue>;
  /** Reads that found no record (the citizen may have to give these fields, or the key is wrong). */
  notFound: { registry: RegistryName; keyField: string; keyValue: string; fields: string[] }[];
  /** Keys that are not valid personal ID numbers: not sent to any registry. */
  invalidKeys: { keyField: string; keyValue: string; reason: string }[];
  /** Registry calls made. */
  reads: number;
  /** Every record used, read now or held (to carry with the case). */
  records: RegistryRecordRead[];
  /** The record each key field (of a declaration or a need) points at: null when the registry has none. */
  recordOf(registry: RegistryName, keyField: string): Record<string, unknown> | null | undefined;
}

/**
 * What receiving an application needs of the records beyond the declarations: the applicant's identity, and whether
 * each person the application names is alive (the dead cannot act; the steps that get these records must know).
 */
export function receiptNeeds(declarations: readonly FieldDeclaration[]): RecordNeed[] {
  const people = new Set(['applicant.personalId']);
  for (const d of declarations) if (d.source.kind === 'registry' && d.source.registry === 'population') people.add(d.source.keyField);
  return [...people].map((keyField) => ({
    registry: 'population' as const,
    keyField,
    attributes: keyField === 'applicant.personalId' ? ['fullName', 'deceased'] : ['deceased'],
  }));
}

/** Registry values can key further reads (the household head's ID → the head's name): at most this many rounds. */
const MAX_ROUNDS = 3;

export async function prefillFromRegistries(input: PrefillInput): Promise<PrefillResult> {
  const { declarations, registries, ctx } = input;
  const byName = new Map(declarations.map((d) => [d.name, d]));
  const known: Record<string, string> = {};
  const invalidKeys: PrefillResult['invalidKeys'] = [];
  for (const [k, v] of Object.entries(input.keys)) {
    // Keys declared as personal IDs are checked (by the resolver's rule) before any registry sees them.
    const decl = byName.get(k);
    const problem = decl?.type === 'personalId' ? checkFieldValue(decl, v) : null;
    if (problem) {
      invalidKeys.push({ keyField: k, keyValue: v, reason: problem });
      continue;
    }
    known[k] = v;
  }
  const used = new Map<string, RegistryRecordRead>();
  const result: PrefillResult = {
    values: {},
    notFound: [],
    invalidKeys,
    reads: 0,
    records: [],
    recordOf: (registry, keyField) => {
      const key = known[keyField];
      return key === undefined ? undefined : (used.get(recordKey(registry, key))?.record ?? undefined);
    },
  };

  const done = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const reads = plannedRegistryReads(declarations, known).filter((r) => !done.has(`${r.registry}:${r.keyField}`));
    const needs = (input.needs ?? []).filter((n) => typeof known[n.keyField] === 'string' && !done.has(`${n.registry}:${n.keyField}`));
    if (reads.length === 0 && needs.length === 0) break;
    const requests: RecordRequest[] = [
      ...reads.map((r) => ({ registry: r.registry, keyValue: r.keyValue, attributes: r.attributes })),
      ...needs.map((n) => ({ registry: n.registry, keyValue: known[n.keyField], attributes: n.attributes })),
    ];
    const { records, made } = await readRecords({ requests, registries, ctx, held: input.held });
    result.reads += made.length;
    for (const r of records.values()) used.set(recordKey(r.registry, r.keyValue), r);
    for (const n of needs) done.add(`${n.registry}:${n.keyField}`);
    for (const read of reads) {
      done.add(`${read.registry}:${read.keyField}`);
      const record = recordOf(records, read.registry, read.keyValue)?.record;
      if (!record) {
        result.notFound.push({ registry: read.registry, keyField: read.keyField, keyValue: read.keyValue, fields: read.fields });
        continue;
      }
      read.fields.forEach((field, j) => {
        const value = getPath(record, read.attributes[j]);
        if (value === undefined || value === null) return;
        result.values[field] = { value, registry: read.registry };
        if (typeof value === 'string' && !(field in known)) known[field] = value;
      });
    }
  }
  result.records = [...used.values()];
  return result;
}

export interface PrefillAndResolveInput extends PrefillInput {
  /** What the citizen sent: the application (nested) or a flat map by field name. */
  submitted: Readonly<Record<string, unknown>>;
  stepOutputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Prefill, then resolve: what the state holds, what the citizen must still give, what is refused. */
export async function prefillAndResolve(
  input: PrefillAndResolveInput,
): Promise<{ prefill: PrefillResult; resolution: OnceOnlyResolution }> {
  const prefill = await prefillFromRegistries(input);
  const resolution = resolveFields({
    declarations: input.declarations,
    registryValues: prefill.values,
    stepOutputs: input.stepOutputs ?? {},
    submitted: input.submitted,
  });
  return { prefill, resolution };
}
