/**
 * Reading registry records for once-only (activities and the API, never workflows): one audited call per record,
 * however many fields or key fields point at it, and none at all when the case already carries the record from an
 * earlier read (RegistryRecordRead). Only the attributes a read names are kept.
 */
import { getPath, setPath } from '../../domain/data-paths';
import type { RegistryRecordRead } from '../../domain/once-only';
import type { AccessContext, RegistryName, Registries } from '../../domain/registries';

/** What a read must return: the record of `keyValue` in `registry`, with `attributes`. */
export interface RecordRequest {
  registry: RegistryName;
  keyValue: string;
  attributes: readonly string[];
}

function call(registries: Partial<Registries>, ctx: AccessContext, registry: RegistryName, keyValue: string): Promise<unknown> {
  switch (registry) {
    case 'population':
      return registries.population!.getPerson(ctx, keyValue);
    case 'civilStatus':
      return registries.civilStatus!.findBirthByChild(ctx, keyValue);
    case 'residence':
      return registries.residence!.getHouseholdOf(ctx, keyValue);
    case 'socialInsurance':
      return registries.socialInsurance!.getCardOf(ctx, keyValue);
    default:
      throw new Error(`no once-only read is defined for the ${registry} registry`);
  }
}

/** The record with only `attributes` (dotted attributes keep their nesting). */
export function pickAttributes(record: unknown, attributes: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of attributes) {
    const v = getPath(record, a);
    if (v !== undefined) setPath(out, a, v);
  }
  return out;
}

/** The key of one registry record in the maps of records read. */
export const recordKey = (registry: string, keyValue: string) => `${registry}\u0000${keyValue}`;

/**
 * The records asked for: each from `held` when a read there covers its attributes, else read once (requests for the
 * same record are merged, their attributes united). Returns every record by registry and key, and the reads made.
 */
export async function readRecords(opts: {
  requests: readonly RecordRequest[];
  registries: Partial<Registries>;
  ctx: AccessContext;
  held?: readonly RegistryRecordRead[];
}): Promise<{ records: Map<string, RegistryRecordRead>; made: RegistryRecordRead[] }> {
  const wanted = new Map<string, RecordRequest & { attributes: string[] }>();
  for (const r of opts.requests) {
    const k = recordKey(r.registry, r.keyValue);
    const w = wanted.get(k) ?? { registry: r.registry, keyValue: r.keyValue, attributes: [] };
    for (const a of r.attributes) if (!w.attributes.includes(a)) w.attributes.push(a);
    wanted.set(k, w);
  }
  const records = new Map<string, RegistryRecordRead>();
  const toRead: (RecordRequest & { attributes: string[] })[] = [];
  for (const [k, w] of wanted) {
    const held = opts.held?.find(
      (h) => h.registry === w.registry && h.keyValue === w.keyValue && w.attributes.every((a) => h.attributes.includes(a)),
    );
    if (held) records.set(k, held);
    else toRead.push(w);
  }
  // One after the other, in the declarations' order: the audit trail reads in that order.
  const made: RegistryRecordRead[] = [];
  for (const w of toRead) {
    const record = await call(opts.registries, { ...opts.ctx, fields: w.attributes }, w.registry, w.keyValue);
    const read = { registry: w.registry, keyValue: w.keyValue, attributes: w.attributes, record: record == null ? null : pickAttributes(record, w.attributes) };
    made.push(read);
    records.set(recordKey(w.registry, w.keyValue), read);
  }
  return { records, made };
}

export function recordOf(records: Map<string, RegistryRecordRead>, registry: RegistryName, keyValue: string): RegistryRecordRead | undefined {
  return records.get(recordKey(registry, keyValue));
}
