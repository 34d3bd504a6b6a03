import { describe, expect, it } from 'vitest';
import { getNextSnapshot, initialTransition } from 'xstate';
import { judicialRecordCertificateV1 } from '../../../procedures/judicial-record-certificate/procedure';
import type { ProcedureEvent } from '../../../procedures/types';
import { checkChart, done, failed } from '../chart-helpers';
const judicialRecordMachine = judicialRecordCertificateV1.machine;

const input = { caseId: 'j-1', application: { applicant: { personalId: '001085700001' }, certificateType: '1' as const, purposeOfRequest: 'employment' } };
const police = { kind: 'officer' as const, id: 'ca-01', agency: 'police' as const };
const ev = {
  checked: done('checkJudicialRecordRequest', { personalId: '001085700001', convictions: [], hasConvictions: false, reusedFields: [], collectedFields: [] }),
  checkFailed: failed('checkJudicialRecordRequest', 'PERSON_NOT_FOUND'),
  approve: { type: 'APPROVE_CERTIFICATE', actor: police } as ProcedureEvent,
  verify: { type: 'REQUIRE_VERIFICATION', actor: police } as ProcedureEvent,
  refuse: { type: 'REFUSE_CERTIFICATE', actor: police, reason: 'identity in doubt' } as ProcedureEvent,
  issued: done('issueJudicialRecordCertificate', { certificateNumber: 'LLTP-1' }),
  issueFailed: failed('issueJudicialRecordCertificate', 'INVALID_REGISTRY_INPUT'),
};

describe('judicial record certificate chart', () => {
  it('every final state is reachable and has an outcome; no dead ends; services and events declared', () => {
    expect(checkChart(judicialRecordCertificateV1, input, Object.values(ev)).finals).toEqual(Object.keys(judicialRecordCertificateV1.outcomes).sort());
  });
  it('only a police officer decides; a refusal needs reasons; verification extends the deadline', () => {
    let [s] = initialTransition(judicialRecordMachine, input);
    s = getNextSnapshot(judicialRecordMachine, s, ev.checked);
    expect(s.can({ ...ev.approve, actor: { kind: 'officer', id: 'x', agency: 'justice' } })).toBe(false);
    expect(s.can({ ...ev.refuse, reason: '' })).toBe(false);
    s = getNextSnapshot(judicialRecordMachine, s, ev.verify);
    expect(s.context.verificationNeeded).toBe(true);
    expect(getNextSnapshot(judicialRecordMachine, getNextSnapshot(judicialRecordMachine, s, ev.approve), ev.issued).value).toBe('issued');
  });
});
