import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agencyOfTaskQueue, AGENCIES, AGENCY_IDS, isAgencyId } from '../../agencies/index';
import { TABLE_END, TABLE_START } from '../../agencies/docs-table';
import type { AgencyId } from '../../domain/registries';
import { agencyIdSchema } from '../../api/schemas';
import { taskQueueOf, WORKER_ROLES } from '../../worker/agency-worker';
import { ENGINE_TASK_QUEUE } from '../../workflows/task-queues';
import { library } from './fixture-agency';
import { AGENCIES_DOC, renderAgencyTable } from '../../scripts/docs-agencies';
import { agencyActivityNames, loadAgencyServices } from '../../designer/agency-services';

describe('the agency list', () => {
  it('is the one source of the agency ids, worker roles, task queues, API enum and officer agencies', () => {
    expect(AGENCY_IDS).toEqual(['justice', 'police', 'vss', 'tax', 'labour']);
    expect(WORKER_ROLES).toEqual(['engine', ...AGENCY_IDS]);
    expect(AGENCY_IDS.map((id) => taskQueueOf(id))).toEqual(AGENCY_IDS.map((id) => `agency-${id}`));
    expect(agencyIdSchema.options).toEqual(AGENCY_IDS);
    expect(isAgencyId('tax')).toBe(true);
    expect(isAgencyId('library')).toBe(false);
    // The id type follows the list (domain/registries.ts `AgencyRegister`).
    const id: AgencyId = 'labour';
    // @ts-expect-error not an agency of the list
    const notOne: AgencyId = 'library';
    expect([id, notOne]).toEqual(['labour', 'library']);
  });

  it('declares, per agency, registries its activity factory accepts and the activities its worker registers', async () => {
    for (const agency of AGENCIES) expect((await agencyActivityNames(agency)).length).toBeGreaterThan(0);
    expect(await agencyActivityNames(AGENCIES.find((a) => a.id === 'tax')!)).toEqual(['checkTaxRegistration', 'registerHouseholdBusiness']);
  });

  it('names the agency of each task queue (ops and the operator console ask it, not the queue name)', () => {
    for (const agency of AGENCIES) expect(agencyOfTaskQueue(agency.taskQueue)).toBe(agency);
    expect(agencyOfTaskQueue(ENGINE_TASK_QUEUE)).toBeUndefined();
    expect(agencyOfTaskQueue(library.taskQueue)).toBeUndefined();
    expect(agencyOfTaskQueue(library.taskQueue, [...AGENCIES, library])).toBe(library);
  });

  it("gives the designer each agency's services from the modules alone, a fixture agency's too", async () => {
    const services = await loadAgencyServices();
    expect([...services.keys()]).toEqual(AGENCY_IDS);
    for (const agency of AGENCIES) expect([...services.get(agency.id)!]).toEqual(await agencyActivityNames(agency));
    expect([...services.get('tax')!]).toEqual(['checkTaxRegistration', 'registerHouseholdBusiness']);
    const withFixture = await loadAgencyServices([...AGENCIES, library]);
    expect([...withFixture.get('library')!]).toEqual(['issueLibraryCard']);
  });

  it('is the table of docs/agencies.md (`npx tsx scripts/docs-agencies.ts` writes it)', async () => {
    const doc = readFileSync(AGENCIES_DOC, 'utf8');
    const table = doc.slice(doc.indexOf(TABLE_START) + TABLE_START.length, doc.indexOf(TABLE_END)).trim();
    expect(table).toBe(await renderAgencyTable());
  });
});
