import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { listAudit } from '../../../db/engine/audit-queries';
import { FIXTURE_HOUSEHOLD_HEAD, FIXTURE_HOUSEHOLD_HANOI, FIXTURE_MOTHER } from '../../../db/seed';
import { validatePersonalId } from '../../../domain/identifiers';
import { findBirthByChildId } from '../../../activities/registries/postgres/civil-status';
import { findHouseholdOf } from '../../../activities/registries/postgres/residence';
import {
  getCaseResult,
  getCaseSnapshot,
  provideCaseData,
  sendEvent,
  signalEvent,
  startCase,
  DataNotAcceptedError,
  EventNotAcceptedError,
} from '../../../workflows/case-client';
import { birthApplication, inState, officers, startHarness, waitForCase, type Harness } from '../../support/harness';
import { newestActiveVersion } from '../catalog-versions';
import { REPLAY_READ_MODEL_SINKS } from '../../../activities/projection/sinks';
import type { InjectedSinks } from '@temporalio/worker';
import { projectionQuery, type ReadModelSinks } from '../../../workflows/projection';
import { getCaseView } from '../../../db/engine/case-views';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const head = { kind: 'citizen' as const, id: FIXTURE_HOUSEHOLD_HEAD.personalId };
const applicant = { kind: 'citizen' as const, id: FIXTURE_MOTHER.personalId };

async function throughBirth(caseId: string, childName: string) {
  await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
  await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
  await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
  return waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
}

describe('birth group end to end', () => {
  it('one application: birth registered with a new personal ID, child added to the household, insurance card issued', async () => {
    const caseId = 'e2e-happy';
    const afterBirth = await throughBirth(caseId, 'Nguyễn Thị Mai');
    expect(afterBirth.acceptedEvents.map((e) => e.type).sort()).toEqual(['HEAD_CONSENT', 'HEAD_DECLINE']);
    expect(afterBirth.acceptedEvents[0].actorId).toBe(FIXTURE_HOUSEHOLD_HEAD.personalId); // whom to notify
    await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
    await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
    const result = await getCaseResult(h.client, caseId);

    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    const childId: string = r.childPersonalId;
    const parsed = validatePersonalId(childId, { expected: { sex: 'female', birthYear: 2026 } });
    expect(parsed.ok).toBe(true);
    expect(childId.slice(0, 3)).toBe('001'); // registered in Hà Nội
    expect(childId.slice(3, 6)).toBe('326'); // 2000s, female, born 2026
    expect(r.birthCertificate).toMatchObject({ childId, communeCode: '00004', year: 2026, caseId: expect.any(String) });
    expect(r.householdMembership).toMatchObject({
      householdId: FIXTURE_HOUSEHOLD_HANOI.householdId,
      personalId: childId,
      headId: FIXTURE_HOUSEHOLD_HEAD.personalId,
      relationToHead: 'grandchild',
      headConsentRef: `consent-${caseId}-${FIXTURE_HOUSEHOLD_HEAD.personalId}`,
    });
    expect(r.healthInsuranceCard.socialInsuranceNumber).toMatch(/^\d{10}$/);
    expect(r.healthInsuranceCard).toMatchObject({ personalId: childId, beneficiaryGroup: 'TE' });

    // Once-only: the applicant gave only the child's own data and keys; the parents' data came from registries.
    expect(r.dataReuse.collectedFields.every((f: string) => /^(child\.|applicant\.|mother\.personalId|father\.personalId|medicalBirthNoticeNo|registration\.)/.test(f))).toBe(true);
    expect(r.dataReuse.reusedFields).toEqual(expect.arrayContaining(['mother.fullName', 'mother.nationality', 'father.fullName', 'father.homeTown']));
    expect(r.refusals).toEqual([]);

    // Every registry access is audited with the case, agency, purpose and legal basis.
    const audit = await listAudit(h.registries.db, { caseId });
    const ops = audit.map((a) => `${a.ctx.agency}:${a.registry}.${a.operation}`);
    // Exactly the registry calls the activities make (no retries in this run): two parents read, four writes.
    expect(ops.sort()).toEqual([
      'justice:civilStatus.registerBirth',
      'justice:population.createPerson',
      'justice:population.getPerson',
      'justice:population.getPerson',
      'police:residence.addPermanentMember',
      'police:residence.getHouseholdOf',
      'vss:socialInsurance.issueHealthInsuranceCard',
    ]);
    for (const a of audit) {
      expect(a.ctx.procedureId).toBe('birth-group');
      expect(a.ctx.purpose.length).toBeGreaterThan(0);
      expect(a.ctx.legalBasis).toMatch(/Decree|Law/);
      expect(a.outcome).toBe('ok');
    }
    // Who caused what: the officer who decided, the agency and the system step that wrote.
    expect(audit.find((a) => a.operation === 'registerBirth')?.ctx).toMatchObject({
      agency: 'justice',
      actor: 'system:justice.registerBirth',
      decidedBy: `officer:${officers.justice.id}@justice`,
    });
    // The card is VSS's write, on the justice officer's approval — never attributed to that officer.
    expect(audit.find((a) => a.operation === 'issueHealthInsuranceCard')?.ctx).toMatchObject({
      agency: 'vss',
      actor: 'system:vss.issueHealthInsuranceCard',
      decidedBy: `officer:${officers.justice.id}@justice`,
    });
    expect(audit.find((a) => a.operation === 'addPermanentMember')?.ctx).toMatchObject({
      agency: 'police',
      actor: 'system:police.registerPermanentResidence',
      decidedBy: `officer:${officers.police.id}@police`,
    });

    // Deadlines: the whole group, each step, with due dates; settled on time.
    const snap = await getCaseSnapshot(h.client, caseId);
    expect(snap.status).toBe('closed');
    const total = snap.steps.find((s) => s.step === 'total')!;
    expect(total.workingDays).toBe(3);
    expect(total.onTime).toBe(true);
    expect(snap.steps.map((s) => s.step)).toEqual(['total', 'birth', 'residence', 'insurance']);
    expect(snap.history.map((e) => e.type)).toEqual(['APPROVE_BIRTH', 'HEAD_CONSENT', 'APPROVE_RESIDENCE']);
  });

  it('cases running side by side call their services as themselves: each write names its own case and decider', async () => {
    // The runner's services are shared by every case of a worker thread (workflows/runnable-charts.ts): each call
    // must still carry its own case's id and the officer who decided that case, never another's.
    const deciders = [officers.justice, { ...officers.justice, id: 'tp-ba-dinh-02' }, { ...officers.justice, id: 'tp-ba-dinh-03' }];
    const caseIds = deciders.map((_, i) => `e2e-side-by-side-${i + 1}`);
    await Promise.all(caseIds.map((caseId, i) => startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(`Trần Văn Song ${i + 1}`) } })));
    await Promise.all(caseIds.map((caseId) => waitForCase(h.client, caseId, inState('birth.awaitingOfficer'))));
    await Promise.all(caseIds.map((caseId, i) => sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: deciders[i] })));
    await Promise.all(caseIds.map((caseId) => waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'))));
    for (const [i, caseId] of caseIds.entries()) {
      const audit = await listAudit(h.registries.db, { caseId });
      const registered = audit.filter((a) => a.operation === 'registerBirth');
      expect(registered).toHaveLength(1);
      expect(registered[0].ctx).toMatchObject({ caseId, actor: 'system:justice.registerBirth', decidedBy: `officer:${deciders[i].id}@justice` });
    }
  });

  it('refuses an event from the wrong person (update) and records a refused signal', async () => {
    const caseId = 'e2e-refused-events';
    await throughBirth(caseId, 'Nguyễn Văn Bình');
    await expect(sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: applicant })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await expect(sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice })).rejects.toThrow(/not accepted in state/);
    await signalEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
    const snap = await waitForCase(h.client, caseId, (s) => s.rejectedEvents.length > 0);
    expect(snap.rejectedEvents[0].reason).toMatch(/not accepted in state/);
    expect(snap.history.map((e) => e.type)).toEqual(['APPROVE_BIRTH']);
    expect(snap.activeStates).toContain('services.residence.awaitingHeadConsent');
    await sendEvent(h.client, caseId, { type: 'HEAD_DECLINE', actor: head });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('partiallyCompleted');
  });

  it('a supplement answered in time returns the dossier to the officer; counting restarts from it', async () => {
    const caseId = 'e2e-supplement-in-time';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication('Nguyễn Văn Cường') } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    const waiting = await sendEvent(h.client, caseId, { type: 'REQUEST_SUPPLEMENT', actor: officers.justice, missing: ['medicalBirthNotice'], note: 'scan unreadable' });
    expect(waiting.activeStates).toEqual(['birth.awaitingSupplement']);
    expect(waiting.acceptedEvents.map((e) => e.type)).toEqual(['SUPPLEMENT']);
    // Only the applicant supplements.
    await expect(sendEvent(h.client, caseId, { type: 'SUPPLEMENT', actor: head, documents: ['x.pdf'] })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await sendEvent(h.client, caseId, { type: 'SUPPLEMENT', actor: applicant, documents: ['notice-rescan.pdf'] });
    const back = await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    const ctx = back.context as any;
    expect(ctx.supplementRequests).toEqual([expect.objectContaining({ missing: ['medicalBirthNotice'], answered: true })]);
    expect(ctx.verificationNeeded).toBe(true);
    const total = back.steps.find((s) => s.step === 'total')!;
    expect(total.workingDays).toBe(5); // verification needed
    expect(total.startedAt).toBe(back.history.find((e) => e.type === 'SUPPLEMENT')!.at);
    await sendEvent(h.client, caseId, { type: 'REFUSE_BIRTH', actor: officers.justice, reason: 'end of test' });
    expect((await getCaseResult(h.client, caseId)).outcome).toBe('refused');
  });

  it('a supplement not given within the window rejects the dossier (window shortened for the test)', async () => {
    const caseId = 'e2e-supplement-expired';
    await startCase(h.client, {
      caseId,
      procedureId: 'birth-group',
      input: { application: birthApplication('Nguyễn Văn Dũng') },
      options: { delayOverridesMs: { supplementWindow: 1_500 } },
    });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'REQUEST_SUPPLEMENT', actor: officers.justice, missing: ['medicalBirthNotice'] });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('rejected');
    expect((result.results as any).refusals).toEqual([
      expect.objectContaining({ step: 'birth', code: 'DEADLINE_LAPSED', by: 'system' }),
    ]);
    expect((result.results as any).childPersonalId).toBeNull();
  });

  it('an officer refusal states its reasons and registers nothing', async () => {
    const caseId = 'e2e-officer-refusal';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication('Nguyễn Thị Em') } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    await expect(sendEvent(h.client, caseId, { type: 'REFUSE_BIRTH', actor: officers.justice })).rejects.toThrow(/needs "reason"/);
    await sendEvent(h.client, caseId, { type: 'REFUSE_BIRTH', actor: officers.justice, reason: 'the birth notice belongs to another child' });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('refused');
    const r = result.results as any;
    expect(r.refusals).toEqual([{ step: 'birth', reason: 'the birth notice belongs to another child', by: `officer:${officers.justice.id}` }]);
    expect(r.birthCertificate).toBeNull();
    const writes = (await listAudit(h.registries.db, { caseId })).filter((a) => a.kind === 'write');
    expect(writes).toEqual([]);
  });

  it('a residence refusal after the birth was registered gives a partial outcome; the birth stands', async () => {
    const caseId = 'e2e-residence-refused';
    await throughBirth(caseId, 'Nguyễn Văn Phúc');
    await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
    await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'REFUSE_RESIDENCE', actor: officers.police, reason: 'the dwelling is under a clearance order' });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('partiallyCompleted');
    const r = result.results as any;
    expect(r.refusals).toEqual([{ step: 'residence', reason: 'the dwelling is under a clearance order', by: `officer:${officers.police.id}` }]);
    expect(r.householdMembership).toBeNull();
    expect(r.healthInsuranceCard.socialInsuranceNumber).toMatch(/^\d{10}$/);
    // The birth registration stands in the civil-status register; the child is in no household.
    const birth = await findBirthByChildId(h.registries.db, r.childPersonalId);
    expect(birth?.certificateNumber).toBe(r.birthCertificate.certificateNumber);
    expect(await findHouseholdOf(h.registries.db, r.childPersonalId)).toBeNull();
  });

  it('a case survives a restart of the engine worker mid-case', async () => {
    const caseId = 'e2e-worker-restart';
    await throughBirth(caseId, 'Nguyễn Thị Giang');
    await h.stopWorker('engine');
    await h.startWorker('engine'); // a fresh worker replays the history
    await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
    await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
    await h.stopWorker('police');
    await h.startWorker('police');
    await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const snap = await getCaseSnapshot(h.client, caseId);
    expect(snap.history.map((e) => e.type)).toEqual(['APPROVE_BIRTH', 'HEAD_CONSENT', 'APPROVE_RESIDENCE']);
    // Exactly one child, one birth entry, one membership, one card written for the case.
    const writes = (await listAudit(h.registries.db, { caseId })).filter((a) => a.kind === 'write').map((a) => a.operation);
    expect(writes.sort()).toEqual(['addPermanentMember', 'createPerson', 'issueHealthInsuranceCard', 'registerBirth']);
  });

  it('a re-submitted application maps to the existing case (no duplicate)', async () => {
    const caseId = 'e2e-resubmit';
    const application = birthApplication('Nguyễn Văn Hải');
    const first = await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application } });
    const again = await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application } });
    expect(first.alreadyExisted).toBe(false);
    expect(again).toEqual({ ...first, alreadyExisted: true });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    const checks = (await listAudit(h.registries.db, { caseId })).filter((a) => a.operation === 'getPerson');
    expect(checks).toHaveLength(2); // mother and father, read once: one case, one check
    await sendEvent(h.client, caseId, { type: 'REFUSE_BIRTH', actor: officers.justice, reason: 'end of test' });
    expect((await getCaseResult(h.client, caseId)).outcome).toBe('refused');
  });

  it('waits for missing applicant data before the procedure starts, refusing data the state holds', async () => {
    const caseId = 'e2e-awaiting-data';
    const application: any = birthApplication('Nguyễn Thị Kim');
    delete application.child.ethnicity;
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application }, missingFields: ['child.ethnicity'] });
    const waiting = await waitForCase(h.client, caseId, (s) => s.status === 'awaiting_data');
    expect(waiting.missingFields).toEqual(['child.ethnicity']);
    await expect(sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice })).rejects.toBeInstanceOf(EventNotAcceptedError);
    const held = await provideCaseData(h.client, caseId, { actor: applicant, fields: { 'mother.fullName': 'X' } }).catch((e) => e);
    expect(held).toBeInstanceOf(DataNotAcceptedError);
    expect(held.reason).toBe('DATA_ALREADY_HELD');
    expect(await provideCaseData(h.client, caseId, { actor: applicant, fields: { 'child.ethnicity': 'Kinh' } })).toEqual({ accepted: ['child.ethnicity'], missing: [] });
    const started = await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    expect((started.context as any).application.child.ethnicity).toBe('Kinh');
    await sendEvent(h.client, caseId, { type: 'REFUSE_BIRTH', actor: officers.justice, reason: 'end of test' });
    expect((await getCaseResult(h.client, caseId)).outcome).toBe('refused');
  });

  it('rejects an application whose missing data is not given within the window', async () => {
    const caseId = 'e2e-data-lapsed';
    const application: any = birthApplication('Nguyễn Văn Long');
    delete application.child.sex;
    await startCase(h.client, {
      caseId,
      procedureId: 'birth-group',
      input: { application },
      missingFields: ['child.sex'],
      options: { delayOverridesMs: { supplementWindow: 1_000 } },
    });
    const result = await getCaseResult(h.client, caseId);
    expect(result).toMatchObject({ outcome: 'rejected', finalState: 'awaitingData', results: { missingFields: ['child.sex'] } });
    expect(await listAudit(h.registries.db, { caseId })).toEqual([]); // nothing was read for an incomplete dossier
  });

  it('fixes the procedure version when the case starts: a case asking for the draft runs with its deadlines', async () => {
    const caseId = 'e2e-draft-version';
    const started = await startCase(h.client, { caseId, procedureId: 'birth-group', procedureVersion: 2, input: { application: birthApplication('Nguyễn Văn Minh') } });
    expect(started.procedureVersion).toBe(2);
    const snap = await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    expect(snap.procedureVersion).toBe(2);
    expect(snap.steps.find((s) => s.step === 'total')!.workingDays).toBe(9);
    const current = await startCase(h.client, { caseId: 'e2e-current-version', procedureId: 'birth-group', input: { application: birthApplication('Nguyễn Văn Nam') } });
    expect(current.procedureVersion).toBe(newestActiveVersion('birth-group'));
    for (const id of [caseId, 'e2e-current-version']) {
      await waitForCase(h.client, id, inState('birth.awaitingOfficer'));
      await sendEvent(h.client, id, { type: 'REFUSE_BIRTH', actor: officers.justice, reason: 'end of test' });
      expect((await getCaseResult(h.client, id)).procedureVersion).toBe(id === caseId ? 2 : newestActiveVersion('birth-group'));
    }
  });

  it('replays every finished case deterministically from its history', async () => {
    for (const caseId of ['e2e-happy', 'e2e-residence-refused', 'e2e-supplement-expired', 'e2e-worker-restart']) {
      const history = await h.client.workflow.getHandle(`case-${caseId}`).fetchHistory();
      expect(history.events?.length ?? 0).toBeGreaterThan(10);
      // Throws DeterminismViolationError if the runner, XState or the charts behaved differently on replay.
      await Worker.runReplayHistory({ workflowBundle: h.workflowBundle, dataConverter: h.dataConverter, sinks: REPLAY_READ_MODEL_SINKS }, history, `case-${caseId}`);
    }
  });

  it('a replayed case makes no projection call: its transitions were written when they happened', async () => {
    const history = await h.client.workflow.getHandle('case-e2e-happy').fetchHistory();
    // A sink that would take replayed calls too: the workflow itself must not make them.
    const calls: number[] = [];
    const sinks: InjectedSinks<ReadModelSinks> = { readModel: { projectCase: { fn: (_info, doc) => void calls.push(doc.seq), callDuringReplay: true } } };
    await Worker.runReplayHistory({ workflowBundle: h.workflowBundle, dataConverter: h.dataConverter, sinks }, history, 'case-e2e-happy');
    expect(calls).toEqual([]);
    // Replay still numbers the transitions: the projection query (replayed) answers the one the read model holds.
    const replayed = await h.client.workflow.getHandle('case-e2e-happy').query(projectionQuery);
    expect(replayed.seq).toBeGreaterThan(3);
    expect((await getCaseView(h.registries.db, 'e2e-happy'))?.seq).toBe(replayed.seq);
  });
});
