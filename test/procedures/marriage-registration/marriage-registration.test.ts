import { describe, expect, it } from 'vitest';
import { getNextSnapshot, initialTransition } from 'xstate';
import { marriageRegistrationV1 } from '../../../procedures/marriage-registration/procedure';
import type { ProcedureEvent } from '../../../procedures/types';
import { after, byValueAndContext, checkChart, done, failed } from '../chart-helpers';
const marriageMachine = marriageRegistrationV1.machine;

const A = '001098600001';
const B = '001300600002';
const input = {
  caseId: 'm-1',
  application: { applicant: { personalId: A }, partyA: { personalId: A }, partyB: { personalId: B }, registration: { communeCode: '00070', provinceCode: '01' } },
};
const justice = { kind: 'officer' as const, id: 'tp-01', agency: 'justice' as const };
const ev = {
  checked: done('checkMarriageDossier', { partyA: { personalId: A }, partyB: { personalId: B }, verificationNeeded: false, reusedFields: [], collectedFields: [] }),
  checkFailed: failed('checkMarriageDossier', 'ALREADY_MARRIED'),
  consentA: { type: 'CONSENT_TO_MARRIAGE', actor: { kind: 'citizen', id: A } } as ProcedureEvent,
  consentB: { type: 'CONSENT_TO_MARRIAGE', actor: { kind: 'citizen', id: B } } as ProcedureEvent,
  declineB: { type: 'DECLINE_MARRIAGE', actor: { kind: 'citizen', id: B } } as ProcedureEvent,
  approve: { type: 'APPROVE_MARRIAGE', actor: justice } as ProcedureEvent,
  verify: { type: 'REQUIRE_VERIFICATION', actor: justice } as ProcedureEvent,
  refuse: { type: 'REFUSE_MARRIAGE', actor: justice, reason: 'forged document' } as ProcedureEvent,
  registered: done('registerMarriage', { certificateNumber: '01' }),
  registerFailed: failed('registerMarriage', 'ALREADY_MARRIED'),
  lapse: after('consentWindow', 'marriageRegistration.awaitingConsents'),
};

function run(...sequence: ProcedureEvent[]) {
  let [s] = initialTransition(marriageMachine, input);
  for (const e of sequence) s = getNextSnapshot(marriageMachine, s, e);
  return s;
}

describe('marriage registration chart', () => {
  it('every final state is reachable and has an outcome; no dead ends; services and events declared', () => {
    const { finals } = checkChart(marriageRegistrationV1, input, Object.values(ev), byValueAndContext);
    expect(finals).toEqual(Object.keys(marriageRegistrationV1.outcomes).sort());
  });

  it('both parties consent (each once, in any order), then the officer registers', () => {
    const one = run(ev.checked, ev.consentB);
    expect(one.value).toBe('awaitingConsents');
    expect(one.can(ev.consentB)).toBe(false);
    expect(one.can({ ...ev.consentA, actor: { kind: 'citizen', id: '001078100003' } })).toBe(false); // not a party
    const s = [ev.consentA, ev.approve, ev.registered].reduce((snap, e) => getNextSnapshot(marriageMachine, snap, e), one);
    expect(s.value).toBe('registered');
  });

  it('a party withdrawing, silence, or a refusal registers nothing', () => {
    expect(run(ev.checked, ev.consentA, ev.declineB).value).toBe('withdrawn');
    expect(run(ev.checked, ev.consentA, ev.lapse).value).toBe('rejected');
    expect(run(ev.checked, ev.consentA, ev.consentB, ev.refuse).value).toBe('refused');
    expect(run(ev.checkFailed).value).toBe('rejected');
  });

  it('verification keeps the state and extends the deadline', () => {
    const s = run(ev.checked, ev.consentA, ev.consentB, ev.verify);
    expect(s.value).toBe('awaitingOfficer');
    expect(s.context.verificationNeeded).toBe(true);
  });
});
