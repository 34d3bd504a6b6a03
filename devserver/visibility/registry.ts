/**
 * Custom search attributes registered per namespace (operator service Add/Remove/List).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/connection';
import {
  InvalidSearchAttributeNameError,
  NonCustomSearchAttributeError,
  SearchAttributeAlreadyExistsError,
  SearchAttributeNotFoundError,
  SearchAttributeReservedError,
  UnknownSearchAttributeTypeError,
} from './errors';
import { visibilitySearchAttributes } from './schema';
import {
  DEV_SERVER_SEARCH_ATTRIBUTES,
  isReservedName,
  PREDEFINED_SEARCH_ATTRIBUTES,
  saTypeFromEnum,
  saTypeToEnum,
  SYSTEM_SEARCH_ATTRIBUTES,
  VALID_NAME,
  type SaType,
} from './search-attributes';

export async function customSearchAttributes(db: Executor, namespaceId: string): Promise<Record<string, SaType>> {
  const rows = await db
    .select({ name: visibilitySearchAttributes.name, valueType: visibilitySearchAttributes.valueType })
    .from(visibilitySearchAttributes)
    .where(eq(visibilitySearchAttributes.namespaceId, namespaceId));
  const out: Record<string, SaType> = {};
  for (const r of rows) {
    const t = saTypeFromEnum(r.valueType);
    if (t) out[r.name] = t;
  }
  return out;
}

/**
 * The registered attributes of a namespace, cached in this process (one devserver owns its database; the
 * Add/Remove functions below drop the entry). Namespace ids are random per database, so servers of
 * different databases in one process never share an entry.
 */
const registeredCache = new Map<string, Promise<Record<string, SaType>>>();
export function cachedCustomSearchAttributes(db: Executor, namespaceId: string): Promise<Record<string, SaType>> {
  let p = registeredCache.get(namespaceId);
  if (!p) {
    p = customSearchAttributes(db, namespaceId);
    registeredCache.set(namespaceId, p);
    p.catch(() => registeredCache.delete(namespaceId));
  }
  return p;
}

/**
 * Registers custom search attributes. Re-adding a name with the same type is a no-op (as Temporal's SQL
 * visibility); with another type it is ALREADY_EXISTS. Validation happens before any write.
 */
export async function addSearchAttributes(
  db: Executor,
  namespaceId: string,
  attributes: Record<string, number>,
  now: Date,
): Promise<void> {
  const current = await customSearchAttributes(db, namespaceId);
  const toAdd: { name: string; valueType: number }[] = [];
  for (const [name, valueType] of Object.entries(attributes)) {
    if (isReservedName(name)) throw new SearchAttributeReservedError(name);
    if (!VALID_NAME.test(name)) throw new InvalidSearchAttributeNameError(name);
    const type = saTypeFromEnum(valueType);
    if (!type) throw new UnknownSearchAttributeTypeError(valueType);
    if (current[name] !== undefined) {
      if (current[name] !== type) throw new SearchAttributeAlreadyExistsError(name);
      continue;
    }
    toAdd.push({ name, valueType });
  }
  if (toAdd.length === 0) return;
  registeredCache.delete(namespaceId);
  await db
    .insert(visibilitySearchAttributes)
    .values(toAdd.map((a) => ({ namespaceId, name: a.name, valueType: a.valueType, createdAt: now })))
    .onConflictDoNothing();
}

/** Registers the CLI dev server's Custom*Field attributes in a namespace (those already there are kept). */
export async function preregisterSearchAttributes(db: Executor, namespaceId: string, now: Date): Promise<void> {
  const current = await customSearchAttributes(db, namespaceId);
  const missing = Object.entries(DEV_SERVER_SEARCH_ATTRIBUTES).filter(([name]) => current[name] === undefined);
  if (missing.length === 0) return;
  registeredCache.delete(namespaceId);
  await db
    .insert(visibilitySearchAttributes)
    .values(missing.map(([name, type]) => ({ namespaceId, name, valueType: saTypeToEnum(type), createdAt: now })))
    .onConflictDoNothing();
}

export async function removeSearchAttributes(db: Executor, namespaceId: string, names: string[]): Promise<void> {
  const current = await customSearchAttributes(db, namespaceId);
  for (const name of names) {
    if (name in SYSTEM_SEARCH_ATTRIBUTES || name in PREDEFINED_SEARCH_ATTRIBUTES)
      throw new NonCustomSearchAttributeError(name);
    if (current[name] === undefined) throw new SearchAttributeNotFoundError(name);
  }
  if (names.length === 0) return;
  registeredCache.delete(namespaceId);
  await db
    .delete(visibilitySearchAttributes)
    .where(
      and(eq(visibilitySearchAttributes.namespaceId, namespaceId), inArray(visibilitySearchAttributes.name, names)),
    );
}

/** Custom attributes of every namespace (first registration wins on a name clash); for GetSearchAttributes. */
export async function allCustomSearchAttributes(db: Executor): Promise<Record<string, SaType>> {
  const rows = await db
    .select({ name: visibilitySearchAttributes.name, valueType: visibilitySearchAttributes.valueType })
    .from(visibilitySearchAttributes)
    .orderBy(visibilitySearchAttributes.createdAt, visibilitySearchAttributes.name);
  const out: Record<string, SaType> = {};
  for (const r of rows) {
    const t = saTypeFromEnum(r.valueType);
    if (t && out[r.name] === undefined) out[r.name] = t;
  }
  return out;
}
