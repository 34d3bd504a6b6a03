/**
 * Once-only prefill: reads the registries for every registry-sourced field whose key is known and returns the
 * values for the pure resolver (domain/once-only.ts). Runs in activities or the API, never in workflows.
 *
 * Pass audited registries (auditRegistries): each read is logged with the declared purpose, legal basis and only
 * the attributes the procedure declared (ctx.fields), and only those attributes are kept.
 */
import {
  plannedRegistryReads,
  resolveFields,
  type OnceOnlyResolution,
  type PlannedRead,
  type RegistryValue,
} from '../../domain/once-only';
import { validatePersonalId } from '../../domain/identifiers';
import type { FieldDeclaration } from '../../procedures/types';
import type { AccessContext, RegistryName, Registries } from '../../domain/registries';

export interface PrefillInput {
  declarations: readonly FieldDeclaration[];
  /** Key fields the citizen gave, by field name, e.g. { "mother.personalId": "036196023456" }. */
  keys: Readonly<Record<string, string>>;
  registries: Registries;
  ctx: AccessContext;
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
}

/** Registry values can key further reads (the household head's ID → the head's name): at most this many rounds. */
const MAX_ROUNDS = 3;

async function readRecord(registries: Registries, ctx: AccessContext, read: PlannedRead): Promise<unknown> {
  const c: AccessContext = { ...ctx, fields: read.attributes };
  switch (read.registry) {
    case 'population':
      return registries.population.getPerson(c, read.keyValue);
    case 'civilStatus':
      return registries.civilStatus.findBirthByChild(c, read.keyValue);
    case 'residence':
      return registries.residence.getHouseholdOf(c, read.keyValue);
    case 'socialInsurance':
      return registries.socialInsurance.getCardOf(c, read.keyValue);
  }
}

/** Reads a dotted attribute ("address.communeCode") from a record. */
export function attributeOf(record: unknown, attribute: string): unknown {
  let cur: unknown = record;
  for (const part of attribute.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export async function prefillFromRegistries(input: PrefillInput): Promise<PrefillResult> {
  const { declarations, registries, ctx } = input;
  const byName = new Map(declarations.map((d) => [d.name, d]));
  const result: PrefillResult = { values: {}, notFound: [], invalidKeys: [], reads: 0 };
  const known: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.keys)) {
    // Keys declared as personal IDs are checked before any registry sees them.
    if (byName.get(k)?.type === 'personalId') {
      const r = validatePersonalId(v);
      if (!r.ok) {
        result.invalidKeys.push({ keyField: k, keyValue: v, reason: r.message });
        continue;
      }
    }
    known[k] = v;
  }

  const done = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const reads = plannedRegistryReads(declarations, known).filter((r) => !done.has(`${r.registry}:${r.keyField}`));
    if (reads.length === 0) break;
    const records = await Promise.all(reads.map((r) => readRecord(registries, ctx, r)));
    result.reads += reads.length;
    reads.forEach((read, i) => {
      done.add(`${read.registry}:${read.keyField}`);
      const record = records[i];
      if (record === null || record === undefined) {
        result.notFound.push({ registry: read.registry, keyField: read.keyField, keyValue: read.keyValue, fields: read.fields });
        return;
      }
      read.fields.forEach((field, j) => {
        const value = attributeOf(record, read.attributes[j]);
        if (value === undefined || value === null) return;
        result.values[field] = { value, registry: read.registry };
        if (typeof value === 'string' && !(field in known)) known[field] = value;
      });
    });
  }
  return result;
}

export interface PrefillAndResolveInput extends PrefillInput {
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
