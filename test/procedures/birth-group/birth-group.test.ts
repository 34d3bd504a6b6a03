import { describe, expect, it } from 'vitest';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { getNextSnapshot, initialTransition, type AnyMachineSnapshot } from 'xstate';
import { birthGroupV1 } from '../../../procedures/birth-group/procedure';
import { after, allEvents, ev, explore, input, APPLICANT } from './fixtures';
import type { ProcedureEvent } from '../../../procedures/types';

const machine = birthGroupV1.machine;
const events = allEvents({
  supplement: 'birthGroup.birth.awaitingSupplement',
  consent: 'birthGroup.services.residence.awaitingHeadConsent',
});
const serializeState = (s: AnyMachineSnapshot) => JSON.stringify(s.value);

function run(...sequence: ProcedureEvent[]) {
  let [snapshot] = initialTransition(machine, input);
  for (const e of sequence) snapshot = getNextSnapshot(machine, snapshot, e);
  return snapshot;
}

describe('birth group chart', () => {
  it('every simple path ends in a declared final state with an outcome, and every final state is reachable', () => {
    const paths = getSimplePaths(machine, { input, events, serializeState });
    expect(paths.length).toBeGreaterThan(10);
    const finals = new Set<string>();
    for (const p of paths) {
      if (p.state.status !== 'done') continue;
      const finalId = String(p.state.value);
      expect(birthGroupV1.outcomes[finalId], finalId).toBeTypeOf('string');
      finals.add(finalId);
    }
    expect([...finals].sort()).toEqual(Object.keys(birthGroupV1.outcomes).sort());
  });

  it('from every reachable state some path reaches a final state (no dead ends)', () => {
    const { states, canFinish } = explore(machine, input, events);
    expect(states.size).toBeGreaterThan(15);
    for (const key of states.keys()) expect(canFinish(key), key).toBe(true);
    const shortest = getShortestPaths(machine, { input, events, serializeState, toState: (s) => s.value === 'completed' });
    expect(shortest[0].steps.map((s) => s.event.type)).toContain('HEAD_CONSENT');
  });

  it('the happy path completes with all three results', () => {
    const s = run(
      ev.checked, ev.approveBirth, ev.idIssued, ev.birthRecorded,
      ev.cardIssued, ev.householdFound, ev.headConsent, ev.approveResidence, ev.residenceRegistered,
    );
    expect(s.value).toBe('completed');
    expect(s.context.childId).toBeDefined();
    expect(s.context.insuranceCard?.socialInsuranceNumber).toBe('0112345678');
    expect(s.context.membership?.householdId).toBe('HH-1');
    expect(s.context.headConsent?.headId).toBe(ev.actors.headActor.id);
  });

  it('after the birth, residence and insurance run in parallel', () => {
    const s = run(ev.checked, ev.approveBirth, ev.idIssued, ev.birthRecorded);
    expect(s.value).toEqual({ services: { residence: 'checking', insurance: 'issuing' } });
  });

  it('a residence refusal after the birth gives a partial outcome and the birth stands', () => {
    const s = run(
      ev.checked, ev.approveBirth, ev.idIssued, ev.birthRecorded,
      ev.householdFound, ev.headConsent, ev.refuseResidence, ev.cardIssued,
    );
    expect(s.value).toBe('partiallyCompleted');
    expect(s.context.birthCertificate).toBeDefined();
    expect(s.context.refusals).toEqual([
      { step: 'residence', reason: 'address under clearance', by: 'officer:ca-01' },
    ]);
  });

  it('a missing household refuses residence with the service error code', () => {
    const s = run(ev.checked, ev.approveBirth, ev.idIssued, ev.birthRecorded, ev.householdMissing, ev.cardIssued);
    expect(s.value).toBe('partiallyCompleted');
    expect(s.context.refusals[0]).toMatchObject({ step: 'residence', code: 'HOUSEHOLD_NOT_FOUND' });
  });

  it('a supplement answered in time goes back to checking; an expired window rejects', () => {
    const waiting = run(ev.checked, ev.requestSupplement);
    expect(waiting.value).toEqual({ birth: 'awaitingSupplement' });
    expect(waiting.context.verificationNeeded).toBe(true);
    const answered = getNextSnapshot(machine, waiting, ev.supplement);
    expect(answered.value).toEqual({ birth: 'checking' });
    expect(answered.context.supplementRequests[0].answered).toBe(true);
    const expired = getNextSnapshot(machine, waiting, after('supplementWindow', 'birthGroup.birth.awaitingSupplement'));
    expect(expired.value).toBe('rejected');
    expect(expired.context.refusals[0].code).toBe('DEADLINE_LAPSED');
  });

  it('an officer refusal states its reasons and ends the case as refused', () => {
    const s = run(ev.checked, ev.refuseBirth);
    expect(s.value).toBe('refused');
    expect(s.context.refusals[0].reason).toBe('birth notice does not match');
  });

  it('an officer may require verification, which keeps the state and extends the deadlines', () => {
    const s = run(ev.checked, { type: 'REQUIRE_VERIFICATION', actor: ev.actors.justice });
    expect(s.value).toEqual({ birth: 'awaitingOfficer' });
    expect(s.context.verificationNeeded).toBe(true);
    const r = run(
      ev.checked, ev.approveBirth, ev.idIssued, ev.birthRecorded, ev.householdFound, ev.headConsent,
      { type: 'REQUIRE_RESIDENCE_VERIFICATION', actor: ev.actors.police },
    );
    expect(r.context.verificationNeeded).toBe(true);
    expect(r.can({ type: 'REQUIRE_RESIDENCE_VERIFICATION', actor: ev.actors.justice })).toBe(false);
  });

  describe('guards', () => {
    const awaitingOfficer = run(ev.checked);
    it('only a justice officer decides on the birth', () => {
      expect(awaitingOfficer.can(ev.approveBirth)).toBe(true);
      expect(awaitingOfficer.can({ ...ev.approveBirth, actor: ev.actors.police })).toBe(false);
      expect(awaitingOfficer.can({ ...ev.approveBirth, actor: ev.actors.applicantActor })).toBe(false);
    });
    it('a refusal without reasons is not accepted', () => {
      expect(awaitingOfficer.can({ ...ev.refuseBirth, reason: ' ' })).toBe(false);
      expect(awaitingOfficer.can(ev.refuseBirth)).toBe(true);
    });
    it('a supplement request must name what is missing', () => {
      expect(awaitingOfficer.can({ ...ev.requestSupplement, missing: [] })).toBe(false);
    });
    it('only the applicant supplements', () => {
      const waiting = run(ev.checked, ev.requestSupplement);
      expect(waiting.can(ev.supplement)).toBe(true);
      expect(waiting.can({ ...ev.supplement, actor: { kind: 'citizen', id: '079200000001' } })).toBe(false);
    });
    it('only the household head agrees to add the child', () => {
      const s = run(ev.checked, ev.approveBirth, ev.idIssued, ev.birthRecorded, ev.householdFound);
      expect(s.can(ev.headConsent)).toBe(true);
      expect(s.can({ ...ev.headConsent, actor: { kind: 'citizen', id: APPLICANT } })).toBe(false);
    });
    it('events the current state does not accept are not accepted', () => {
      expect(awaitingOfficer.can(ev.approveResidence)).toBe(false);
      expect(awaitingOfficer.can(ev.supplement)).toBe(false);
    });
  });
});
