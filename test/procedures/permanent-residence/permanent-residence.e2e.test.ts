/** The standalone permanent residence procedure (a child whose birth is already registered), end to end. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../../db/engine/audit-queries';
import { FIXTURE_HOUSEHOLD_HANOI, FIXTURE_HOUSEHOLD_HEAD } from '../../../db/seed';
import { findHouseholdOf } from '../../../activities/registries/postgres/residence';
import { getCaseResult, sendEvent, startCase } from '../../../workflows/case-client';
import { birthApplication, inState, officers, startHarness, waitForCase, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const head = { kind: 'citizen' as const, id: FIXTURE_HOUSEHOLD_HEAD.personalId };

/** Registers a birth on its own (birth-registration) and returns the child's new personal ID. */
async function registeredChild(caseId: string, name: string): Promise<string> {
  await startCase(h.client, { caseId, procedureId: 'birth-registration', input: { application: birthApplication(name) } });
  await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
  await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
  const result = await getCaseResult(h.client, caseId);
  expect(result.outcome).toBe('completed');
  return (result.results as any).childPersonalId;
}

describe('permanent residence (standalone) end to end', () => {
  it('the head agrees, the police officer approves: the child joins the household; reads and writes audited', async () => {
    const childId = await registeredChild('pr-birth-1', 'Nguyễn Thị Hạnh');
    const caseId = 'pr-happy';
    await startCase(h.client, { caseId, procedureId: 'permanent-residence', input: { application: birthApplication('Nguyễn Thị Hạnh'), childId } });
    const waiting = await waitForCase(h.client, caseId, inState('residence.awaitingHeadConsent'));
    expect(waiting.acceptedEvents.find((e) => e.type === 'HEAD_CONSENT')?.actorId).toBe(FIXTURE_HOUSEHOLD_HEAD.personalId);
    await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
    await waitForCase(h.client, caseId, inState('residence.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    expect((result.results as any).householdMembership).toMatchObject({ householdId: FIXTURE_HOUSEHOLD_HANOI.householdId, personalId: childId });
    const hh = await findHouseholdOf(h.registries.db, childId);
    expect(hh?.householdId).toBe(FIXTURE_HOUSEHOLD_HANOI.householdId);
    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => `${a.registry}.${a.operation}`)).toEqual(['residence.getHouseholdOf', 'residence.addPermanentMember']);
    for (const a of audit) expect(a.ctx).toMatchObject({ procedureId: 'permanent-residence', agency: 'police' });
  });

  it('the head declining refuses the registration; nothing is written', async () => {
    const childId = await registeredChild('pr-birth-2', 'Nguyễn Văn Thái');
    const caseId = 'pr-declined';
    await startCase(h.client, { caseId, procedureId: 'permanent-residence', input: { application: birthApplication('Nguyễn Văn Thái'), childId } });
    await waitForCase(h.client, caseId, inState('residence.awaitingHeadConsent'));
    await sendEvent(h.client, caseId, { type: 'HEAD_DECLINE', actor: head });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('refused');
    expect((await listAudit(h.registries.db, { caseId })).filter((a) => a.kind === 'write')).toEqual([]);
    expect(await findHouseholdOf(h.registries.db, childId)).toBeNull();
  });
});
