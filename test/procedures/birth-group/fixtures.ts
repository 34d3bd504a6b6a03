/** Events and outputs used to walk the birth group's charts without running services. */
import type { BirthApplication, BirthCaseInput } from '../../../procedures/birth-group/case';
import { getNextSnapshot, initialTransition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import type { ProcedureEvent } from '../../../procedures/types';

export const APPLICANT = '001190012345';
export const HEAD = '001160054321';
export const CHILD = '001226012345';

export const application: BirthApplication = {
  applicant: { personalId: APPLICANT },
  mother: { personalId: APPLICANT },
  father: null,
  child: { fullName: 'Nguyễn An', dateOfBirth: '2026-11-20', sex: 'male', placeOfBirth: '00004', ethnicity: 'Kinh' },
  medicalBirthNoticeNo: 'CS-2026-000123',
  registration: { communeCode: '00004', provinceCode: '01' },
};

export const input: BirthCaseInput = { caseId: 'c-1', application };

const justice = { kind: 'officer' as const, id: 'tp-01', agency: 'justice' as const };
const police = { kind: 'officer' as const, id: 'ca-01', agency: 'police' as const };
const applicantActor = { kind: 'citizen' as const, id: APPLICANT };
const headActor = { kind: 'citizen' as const, id: HEAD };

export function done(id: string, output: unknown): ProcedureEvent {
  return { type: `xstate.done.actor.${id}`, output } as unknown as ProcedureEvent;
}
export function failed(id: string, code: string): ProcedureEvent {
  return { type: `xstate.error.actor.${id}`, error: { code, message: code } } as unknown as ProcedureEvent;
}
export function after(delay: string, stateId: string): ProcedureEvent {
  return { type: `xstate.after.${delay}.${stateId}` } as unknown as ProcedureEvent;
}

export const ev = {
  checked: done('checkBirthDossier', {
    complete: true,
    missing: [],
    verificationNeeded: false,
    homeTown: '00004',
    nationality: 'VN',
    motherId: APPLICANT,
    fatherId: null,
    reusedFields: ['mother.fullName'],
    collectedFields: ['child.fullName'],
  }),
  checkFailed: failed('checkBirthDossier', 'MOTHER_NOT_FOUND'),
  approveBirth: { type: 'APPROVE_BIRTH', actor: justice } as ProcedureEvent,
  requestSupplement: { type: 'REQUEST_SUPPLEMENT', actor: justice, missing: ['medicalBirthNotice'] } as ProcedureEvent,
  refuseBirth: { type: 'REFUSE_BIRTH', actor: justice, reason: 'birth notice does not match' } as ProcedureEvent,
  supplement: { type: 'SUPPLEMENT', actor: applicantActor, documents: ['notice.pdf'] } as ProcedureEvent,
  idIssued: done('issuePersonalId', { personalId: CHILD }),
  birthRecorded: done('registerBirth', { certificateNumber: '1', childId: CHILD }),
  householdFound: done('checkResidence', {
    householdId: 'HH-1',
    headId: HEAD,
    relationToHead: 'grandchild',
    address: { provinceCode: '01', communeCode: '00004', street: '1 Phố Huế' },
  }),
  householdMissing: failed('checkResidence', 'HOUSEHOLD_NOT_FOUND'),
  headConsent: { type: 'HEAD_CONSENT', actor: headActor } as ProcedureEvent,
  headDecline: { type: 'HEAD_DECLINE', actor: headActor } as ProcedureEvent,
  approveResidence: { type: 'APPROVE_RESIDENCE', actor: police } as ProcedureEvent,
  refuseResidence: { type: 'REFUSE_RESIDENCE', actor: police, reason: 'address under clearance' } as ProcedureEvent,
  residenceRegistered: done('registerPermanentResidence', { householdId: 'HH-1', personalId: CHILD }),
  cardIssued: done('issueHealthInsuranceCard', { socialInsuranceNumber: '0112345678', personalId: CHILD }),
  cardFailed: failed('issueHealthInsuranceCard', 'CARD_REFUSED'),
  actors: { justice, police, applicantActor, headActor },
};

/** Every event the group can receive, with after-events for the chart with id `machineId`. */
export function allEvents(paths: { supplement: string; consent: string }): ProcedureEvent[] {
  return [
    ev.checked,
    ev.checkFailed,
    ev.approveBirth,
    ev.requestSupplement,
    ev.refuseBirth,
    ev.supplement,
    after('supplementWindow', paths.supplement),
    ev.idIssued,
    failed('issuePersonalId', 'POPULATION_WRITE_REJECTED'),
    ev.birthRecorded,
    ev.householdFound,
    ev.householdMissing,
    ev.headConsent,
    ev.headDecline,
    after('headConsentWindow', paths.consent),
    ev.approveResidence,
    ev.refuseResidence,
    ev.residenceRegistered,
    ev.cardIssued,
    ev.cardFailed,
  ];
}

/** Breadth-first walk of a chart (states keyed by value): every reachable state, and whether it can still finish. */
export function explore(
  machine: AnyStateMachine,
  machineInput: unknown,
  events: ProcedureEvent[],
): { states: Map<string, AnyMachineSnapshot>; canFinish: (key: string) => boolean } {
  const key = (s: AnyMachineSnapshot) => JSON.stringify(s.value);
  const [initial] = initialTransition(machine, machineInput);
  const states = new Map<string, AnyMachineSnapshot>([[key(initial), initial]]);
  const edges = new Map<string, Set<string>>();
  const queue = [initial];
  while (queue.length > 0) {
    const s = queue.shift()!;
    const from = key(s);
    const out = edges.get(from) ?? new Set<string>();
    edges.set(from, out);
    if (s.status === 'done') continue;
    for (const e of events) {
      const next = getNextSnapshot(machine, s, e);
      const to = key(next);
      if (to === from) continue;
      out.add(to);
      if (!states.has(to)) {
        states.set(to, next);
        queue.push(next);
      }
    }
  }
  const canFinish = (start: string) => {
    const seen = new Set([start]);
    const todo = [start];
    while (todo.length > 0) {
      const k = todo.pop()!;
      if (states.get(k)?.status === 'done') return true;
      for (const n of edges.get(k) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        todo.push(n);
      }
    }
    return false;
  };
  return { states, canFinish };
}
