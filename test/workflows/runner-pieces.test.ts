/**
 * The runner's pure pieces, without Temporal: timeline, accepted events, case view, data merging, event acceptance,
 * the charts the runner provides.
 */
import { describe, expect, it } from 'vitest';
import { createActor, getNextSnapshot, initialTransition } from 'xstate';
import { setTimeout as sleep } from 'node:timers/promises';
import { birthGroupV1 } from '../../procedures/birth-group/procedure';
import { judicialRecordCertificateV1 } from '../../procedures/judicial-record-certificate/procedure';
import { acceptedEvents, activeStateNodes, handledEventTypes } from '../../workflows/accepted-events';
import { dataLapseReason, dataRefusal, dataWindowWorkingDays } from '../../workflows/applicant-data-rules';
import { emptyTimeline, enterPhase, leafPaths, leavePhase, recordSnapshot } from '../../workflows/case-timeline';
import { caseResult, caseView, emptyCaseRecord } from '../../workflows/case-view';
import { chartInputWith, heldRecordsFor } from '../../workflows/data-merge';
import { getPath as valueAt, withPath } from '../../domain/data-paths';
import { recordAcceptedEvent } from '../../workflows/event-validation';
import { runnableChart } from '../../workflows/runnable-charts';
import { UnboundCaseServicesError } from '../../workflows/chart-services';
import { ev, input } from '../procedures/birth-group/fixtures';
const birthGroupMachine = birthGroupV1.machine;

const [initial] = initialTransition(birthGroupMachine, input);
const awaitingOfficer = getNextSnapshot(birthGroupMachine, initial, ev.checked);

describe('case timeline', () => {
  it('lists the active leaves of nested and parallel state values', () => {
    expect(leafPaths('checking')).toEqual(['checking']);
    expect(leafPaths({ birth: 'awaitingOfficer' })).toEqual(['birth.awaitingOfficer']);
    expect(leafPaths({ services: { residence: 'checking', insurance: 'waiting' } })).toEqual(['services.residence.checking', 'services.insurance.waiting']);
  });
  it('opens entered leaves, closes left ones and records the final state once', () => {
    const t = emptyTimeline();
    expect(recordSnapshot(t, { value: { birth: 'checking' }, status: 'active' }, 't1')).toBe(true);
    expect(recordSnapshot(t, { value: { birth: 'checking' }, status: 'active' }, 't1b')).toBe(false);
    recordSnapshot(t, { value: { birth: 'awaitingOfficer' }, status: 'active' }, 't2');
    recordSnapshot(t, { value: 'completed', status: 'done' }, 't3');
    recordSnapshot(t, { value: 'completed', status: 'done' }, 't4');
    expect(t.entries).toEqual([
      { state: 'birth.checking', enteredAt: 't1', leftAt: 't2' },
      { state: 'birth.awaitingOfficer', enteredAt: 't2', leftAt: 't3' },
      { state: 'completed', enteredAt: 't3', leftAt: null },
    ]);
    expect(t.doneAt).toBe('t3');
    expect(t.active).toEqual([]);
  });
  it('records a phase outside the chart', () => {
    const t = emptyTimeline();
    enterPhase(t, 'awaitingData', 'a');
    leavePhase(t, 'b');
    expect(t.entries).toEqual([{ state: 'awaitingData', enteredAt: 'a', leftAt: 'b' }]);
  });
});

describe('accepted events (public XState APIs)', () => {
  it('finds the active state nodes from the state value', () => {
    const paths = activeStateNodes(awaitingOfficer).map((n) => n.path.join('.'));
    expect(paths).toContain('');
    expect(paths).toContain('birth.awaitingOfficer');
  });
  it('names the declared events the current state handles, with their actors', () => {
    expect([...handledEventTypes(awaitingOfficer)]).toEqual(expect.arrayContaining(['APPROVE_BIRTH', 'REFUSE_BIRTH', 'REQUEST_SUPPLEMENT']));
    const accepted = acceptedEvents(birthGroupV1, awaitingOfficer);
    expect(accepted.find((e) => e.type === 'APPROVE_BIRTH')).toMatchObject({ actor: 'officer', agency: 'justice' });
    expect(accepted.some((e) => e.type === 'SUPPLEMENT')).toBe(false);
  });
  it('a done chart accepts nothing', () => {
    expect(handledEventTypes({ ...awaitingOfficer, status: 'done' } as never).size).toBe(0);
  });
});

describe('data merging', () => {
  it('reads and sets dotted paths without changing the original', () => {
    const app = { child: { fullName: 'A' } };
    const merged = withPath(withPath(app, 'child.fullName', 'B'), 'father.personalId', '1');
    expect(app.child.fullName).toBe('A');
    expect(valueAt(merged, 'child.fullName')).toBe('B');
    expect(valueAt(merged, 'father.personalId')).toBe('1');
    expect(valueAt(merged, 'mother.fullName')).toBeUndefined();
  });
  it('puts the completed application where the chart input keeps it', () => {
    expect(chartInputWith({ application: { a: 1 } }, 'c', { a: 2 })).toEqual({ application: { a: 2 }, caseId: 'c' });
    expect(chartInputWith({ a: 1 }, 'c', { a: 2, b: 3 })).toEqual({ a: 2, b: 3, caseId: 'c' });
    expect(chartInputWith({ a: 1 }, 'c', null)).toEqual({ a: 1, caseId: 'c' });
  });
});

describe('event acceptance bookkeeping', () => {
  it('records history, the deciding actor and dossier completion', () => {
    const rec = emptyCaseRecord('c-1', '2026-01-05T02:00:00.000Z', input as never, []);
    const event = recordAcceptedEvent(birthGroupV1, rec, { event: ev.approveBirth }, 't1');
    expect(event).toMatchObject({ type: 'APPROVE_BIRTH', at: 't1' });
    expect(rec.history).toEqual([{ type: 'APPROVE_BIRTH', actor: 'officer:tp-01', at: 't1' }]);
    expect(rec.lastActor).toBe('officer:tp-01@justice');
    expect(rec.dossierCompleteAt).toBeNull();
    recordAcceptedEvent(birthGroupV1, rec, { event: ev.supplement }, 't2');
    expect(rec.dossierCompleteAt).toBe('t2');
    expect(rec.lastActor).toBe(`citizen:${ev.supplement.actor.id}`);
  });
});

describe('applicant-data phase rules', () => {
  it('uses the declared window in its messages', () => {
    expect(dataWindowWorkingDays(birthGroupV1)).toBe(7);
    const longer = { ...judicialRecordCertificateV1, delays: [{ name: 'supplementWindow', workingDays: 12, legalBasis: 'x', description: 'x' }] };
    expect(dataLapseReason(longer)).toBe('the application was not completed within 12 working days');
  });
  it('accepts only missing citizen fields from the applicant', () => {
    const req = (fields: Record<string, unknown>, id = 'A') => ({ actor: { kind: 'citizen' as const, id }, fields });
    expect(dataRefusal(judicialRecordCertificateV1, 'A', ['purposeOfRequest'], req({ purposeOfRequest: 'job' }))).toBeNull();
    expect(dataRefusal(judicialRecordCertificateV1, 'A', ['purposeOfRequest'], req({ purposeOfRequest: 'job' }, 'B'))?.code).toBe('ACTOR_NOT_ALLOWED');
    expect(dataRefusal(judicialRecordCertificateV1, 'A', ['purposeOfRequest'], req({ 'applicant.fullName': 'x' }))?.code).toBe('DATA_ALREADY_HELD');
  });
});

describe('case view and result', () => {
  it('shows the applicant-data phase before the chart starts, and its lapse', () => {
    const rec = emptyCaseRecord('c-1', '2026-01-05T02:00:00.000Z', { application: {} }, ['purposeOfRequest']);
    enterPhase(rec.timeline, 'awaitingData', '2026-01-05T02:00:00.000Z');
    expect(caseView(judicialRecordCertificateV1, rec, null, false)).toMatchObject({ status: 'awaiting_data', state: 'awaitingData', activeStates: ['awaitingData'] });
    leavePhase(rec.timeline, '2026-01-15T02:00:00.000Z');
    rec.timeline.doneAt = '2026-01-15T02:00:00.000Z';
    const view = caseView(judicialRecordCertificateV1, rec, null, false);
    expect(view).toMatchObject({ status: 'closed', state: 'rejected', outcome: 'rejected' });
    expect(caseResult(judicialRecordCertificateV1, rec, null, view)).toMatchObject({
      outcome: 'rejected',
      finalState: 'awaitingData',
      results: { missingFields: ['purposeOfRequest'], reason: 'the application was not completed within 7 working days' },
      completedAt: '2026-01-15T02:00:00.000Z',
    });
  });
  it('shows the chart state, the accepted events and the steps while in progress', () => {
    const rec = emptyCaseRecord('c-1', '2026-01-05T02:00:00.000Z', input as never, []);
    recordSnapshot(rec.timeline, awaitingOfficer, '2026-01-05T02:00:00.000Z');
    const view = caseView(birthGroupV1, rec, awaitingOfficer, false);
    expect(view.status).toBe('in_progress');
    expect(view.activeStates).toEqual(['birth.awaitingOfficer']);
    expect(view.acceptedEvents.map((e) => e.type)).toContain('APPROVE_BIRTH');
    expect(view.steps.length).toBe(birthGroupV1.deadlines.length);
    expect(caseView(birthGroupV1, rec, awaitingOfficer, true).status).toBe('failed');
  });
});

describe('records read at receipt', () => {
  const held = [{ registry: 'population' as const, keyValue: '001190000001', attributes: ['fullName'], record: { fullName: 'Nguyễn Thị Lan' } }];
  it("go to the receiving agency's services only (data minimisation)", () => {
    const justiceService = birthGroupV1.services.find((s) => s.agency === 'justice')!;
    const vssService = birthGroupV1.services.find((s) => s.agency === 'vss')!;
    const policeService = birthGroupV1.services.find((s) => s.agency === 'police')!;
    expect(birthGroupV1.agencies[0]).toBe('justice');
    expect(heldRecordsFor(birthGroupV1, justiceService, held)).toEqual(held);
    expect(heldRecordsFor(birthGroupV1, vssService, held)).toBeUndefined();
    expect(heldRecordsFor(birthGroupV1, policeService, held)).toBeUndefined();
  });
  it('are absent when nothing was read', () => {
    const justiceService = birthGroupV1.services.find((s) => s.agency === 'justice')!;
    expect(heldRecordsFor(birthGroupV1, justiceService, [])).toBeUndefined();
    expect(heldRecordsFor(birthGroupV1, justiceService, undefined)).toBeUndefined();
  });
});

describe('runnable charts', () => {
  it('gives every case of a procedure the one chart provided at load, and a case that overrides a delay its own', () => {
    const shared = runnableChart(birthGroupV1, undefined);
    expect(runnableChart(birthGroupV1, undefined)).toBe(shared);
    expect(runnableChart(birthGroupV1, {})).toBe(shared);
    expect(runnableChart(judicialRecordCertificateV1, undefined)).not.toBe(shared);
    const overridden = runnableChart(birthGroupV1, { [birthGroupV1.delays[0].name]: 1000 });
    expect(overridden).not.toBe(shared);
    expect(overridden.id).toBe(shared.id);
  });
  it('refuses a service call from a chart actor not bound to a case, naming the service', async () => {
    const errors: unknown[] = [];
    const actor = createActor(runnableChart(birthGroupV1, undefined), {
      input,
      inspect: (e) => {
        if (e.type === '@xstate.event' && e.event.type.startsWith('xstate.error.actor')) errors.push((e.event as { error?: unknown }).error);
      },
    });
    actor.start();
    await sleep(0);
    actor.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(UnboundCaseServicesError);
    expect(errors[0]).toMatchObject({ code: 'UNBOUND_CASE_SERVICES', message: expect.stringContaining('"checkBirthDossier"') });
  });
});
