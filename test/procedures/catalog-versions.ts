import { CATALOG } from '../../procedures/catalog';

/**
 * The version new cases of `id` start on: its newest active version, read from the catalog's declarations (not
 * through getProcedure, which the tests check), so the tests need no edit when a version is promoted.
 */
export function newestActiveVersion(id: string): number {
  const active = [...(CATALOG.get(id)?.values() ?? [])].filter((d) => (d.status ?? 'active') === 'active').map((d) => d.version);
  if (active.length === 0) throw new Error(`${id}: no active version in the catalog`);
  return Math.max(...active);
}
