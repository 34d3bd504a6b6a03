import { describe, expect, it } from 'vitest';
import { getNextSnapshot, initialTransition } from 'xstate';
import { birthGroupV1 } from '../../procedures/birth-group/procedure';
import { eventRefusalReason } from '../../workflows/event-validation';
import { ev, input } from './birth-group/fixtures';
const birthGroupMachine = birthGroupV1.machine;

const [initial] = initialTransition(birthGroupMachine, input);
const awaitingOfficer = getNextSnapshot(birthGroupMachine, initial, ev.checked);
const reason = (event: unknown, snap = awaitingOfficer) => eventRefusalReason(birthGroupV1, snap, { event } as never);

describe('event validation (update validator / signal check)', () => {
  it('accepts a declared event from its declared actor in a state that takes it', () => {
    expect(reason(ev.approveBirth)).toBeNull();
  });
  it('refuses malformed events', () => {
    expect(reason(undefined)).toMatch(/needs a type/);
    expect(reason({ type: 'APPROVE_BIRTH' })).toMatch(/needs an actor/);
  });
  it('refuses undeclared events', () => {
    expect(reason({ ...ev.approveBirth, type: 'DELETE_EVERYTHING' })).toMatch(/not an event of birth-group v1/);
  });
  it('refuses the wrong kind of actor and officers of another agency', () => {
    expect(reason({ ...ev.approveBirth, actor: ev.actors.applicantActor })).toMatch(/sent by a officer, not a citizen/);
    expect(reason({ ...ev.approveBirth, actor: ev.actors.police })).toMatch(/officer of justice/);
  });
  it('refuses events missing a declared field (a refusal states reasons)', () => {
    expect(reason({ ...ev.refuseBirth, reason: '' })).toMatch(/needs "reason"/);
    expect(reason({ ...ev.requestSupplement, missing: [] })).toMatch(/needs "missing"/);
  });
  it('refuses events the current state does not accept', () => {
    expect(reason(ev.headConsent)).toMatch(/not accepted in state/);
    expect(reason(ev.supplement)).toMatch(/not accepted in state/);
  });
});
