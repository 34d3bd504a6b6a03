/**
 * Writes the agencies table of docs/agencies.md from the agency list: `npx tsx scripts/docs-agencies.ts`.
 * Activity names come from the real factories on inert registries (they build closures only, no I/O).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AGENCIES } from '../agencies/index';
import type { AgencyModule } from '../agencies/agency-module';
import { agencyTable, withAgencyTable } from '../agencies/docs-table';
import type { AuditSink, Registries } from '../domain/registries';
import { loadAgencyActivities } from '../worker/agency-modules';

export const AGENCIES_DOC = fileURLToPath(new URL('../docs/agencies.md', import.meta.url));

class InertDependencyError extends Error {
  readonly code = 'INERT_DEPENDENCY';
}
const inert = (name: string): any =>
  new Proxy({}, { get: (_t, prop) => (prop === 'then' ? undefined : () => Promise.reject(new InertDependencyError(`${name}.${String(prop)} called`))) });

export async function activityNames(agency: AgencyModule): Promise<string[]> {
  const names = [...Object.keys(agency.registries.required), ...Object.keys(agency.registries.optional)];
  const registries = Object.fromEntries(names.map((n) => [n, inert(n)])) as unknown as Partial<Registries>;
  const activities = await loadAgencyActivities(agency, { registries, audit: inert('audit') as AuditSink, clock: () => new Date(0) });
  return Object.keys(activities);
}

export async function renderAgencyTable(): Promise<string> {
  return agencyTable(await Promise.all(AGENCIES.map(async (agency) => ({ agency, activities: await activityNames(agency) }))));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(AGENCIES_DOC, 'utf8');
  writeFileSync(AGENCIES_DOC, withAgencyTable(doc, await renderAgencyTable()));
  console.log(`${AGENCIES_DOC}: agencies table written`);
}
