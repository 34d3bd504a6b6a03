/** Declared transition tables: declared moves are recorded, undeclared ones throw INTERNAL with the entity's past. */
import { describe, expect, it } from 'vitest';
import { GrpcStatus } from '../../devserver/errors';
import { defineTransitions, IllegalTransitionError, TRANSITIONS_KEPT } from '../../devserver/engine/state-machine';

const machine = defineTransitions<'scheduled' | 'started' | 'done', 'schedule' | 'start' | 'finish' | 'retry'>('thing', {
  schedule: { from: [null], to: 'scheduled' },
  start: { from: ['scheduled'], to: 'started' },
  retry: { from: ['started'], to: 'scheduled' },
  finish: { from: ['started'], to: 'done' },
});

describe('defineTransitions', () => {
  it('moves through declared transitions and records them', () => {
    const e: { state?: 'scheduled' | 'started' | 'done'; transitions?: string[] } = {};
    machine.apply(e, 'schedule', 7);
    machine.apply(e, 'start', 7);
    expect(machine.can(e, 'finish')).toBe(true);
    expect(machine.can(e, 'start')).toBe(false);
    machine.apply(e, 'finish', 7);
    expect(e.state).toBe('done');
    expect(e.transitions).toEqual(['(none) -schedule-> scheduled', 'scheduled -start-> started', 'started -finish-> done']);
  });

  it('an undeclared move throws an INTERNAL error naming the entity, the move and its past transitions', () => {
    const e: { state?: 'scheduled' | 'started' | 'done'; transitions?: string[] } = {};
    machine.apply(e, 'schedule', 'a-1');
    machine.apply(e, 'start', 'a-1');
    machine.apply(e, 'finish', 'a-1');
    let err: unknown;
    try {
      machine.apply(e, 'start', 'a-1');
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(IllegalTransitionError);
    const ite = err as IllegalTransitionError;
    expect(ite.status).toBe(GrpcStatus.INTERNAL);
    expect(ite.entity).toBe('thing');
    expect(ite.from).toBe('done');
    expect(ite.history).toHaveLength(3);
    expect(ite.message).toContain('thing a-1');
    expect(ite.message).toContain('started -finish-> done');
    expect(e.state).toBe('done');
  });

  it('keeps only the most recent transitions', () => {
    const e: { state?: 'scheduled' | 'started' | 'done'; transitions?: string[] } = {};
    machine.apply(e, 'schedule', 1);
    for (let i = 0; i < 20; i++) {
      machine.apply(e, 'start', 1);
      machine.apply(e, 'retry', 1);
    }
    expect(e.transitions).toHaveLength(TRANSITIONS_KEPT);
    expect(e.transitions!.at(-1)).toBe('started -retry-> scheduled');
  });
});
