/**
 * Writes the agencies table of docs/agencies.md from the agency list: `npx tsx scripts/docs-agencies.ts`.
 * Activity names come from the real factories on inert registries (designer/agency-services.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AGENCIES } from '../agencies/index';
import { agencyTable, withAgencyTable } from '../agencies/docs-table';
import { agencyActivityNames } from '../designer/agency-services';

export const AGENCIES_DOC = fileURLToPath(new URL('../docs/agencies.md', import.meta.url));

export async function renderAgencyTable(): Promise<string> {
  return agencyTable(await Promise.all(AGENCIES.map(async (agency) => ({ agency, activities: await agencyActivityNames(agency) }))));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(AGENCIES_DOC, 'utf8');
  writeFileSync(AGENCIES_DOC, withAgencyTable(doc, await renderAgencyTable()));
  console.log(`${AGENCIES_DOC}: agencies table written`);
}
