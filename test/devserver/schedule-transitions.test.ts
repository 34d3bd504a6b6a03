/**
 * The schedule entity's declared transition table: declared moves apply and are recorded; an undeclared move
 * throws an internal error (answered as INTERNAL) that carries the schedule's past transitions.
 */
import { describe, expect, it } from 'vitest';
import { GrpcStatus } from '../../devserver/errors';
import { IllegalTransitionError } from '../../devserver/engine/state-machine';
import { transition, type TransitionRecord } from '../../devserver/schedules/transitions';

describe('schedule transitions', () => {
  it('moves along declared edges and records them', () => {
    const rec: TransitionRecord = { status: 'none', transitions: [] };
    expect(transition('s1', rec, 'create', 0)).toBe('active');
    expect(transition('s1', rec, 'takeAction', 1000)).toBe('active');
    expect(transition('s1', rec, 'takeAction', 2000)).toBe('active');
    expect(transition('s1', rec, 'pause', 3000)).toBe('paused');
    expect(transition('s1', rec, 'takeManualAction', 4000)).toBe('paused');
    expect(transition('s1', rec, 'unpause', 5000)).toBe('active');
    expect(rec.transitions).toEqual([
      'none -create-> active @1970-01-01T00:00:00.000Z',
      'active -takeAction-> active @1970-01-01T00:00:01.000Z',
      'active -pause-> paused @1970-01-01T00:00:03.000Z',
      'paused -takeManualAction-> paused @1970-01-01T00:00:04.000Z',
      'paused -unpause-> active @1970-01-01T00:00:05.000Z',
    ]);
  });

  it('an undeclared move throws INTERNAL with the past transitions', () => {
    const rec: TransitionRecord = { status: 'none', transitions: [] };
    transition('s2', rec, 'createPaused', 0);
    let err: unknown;
    try {
      transition('s2', rec, 'takeAction', 1000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IllegalTransitionError);
    const e = err as IllegalTransitionError;
    expect(e.status).toBe(GrpcStatus.INTERNAL);
    expect(e.message).toBe(
      'illegal transition of schedule s2: "takeAction" from paused; past transitions: none -createPaused-> paused @1970-01-01T00:00:00.000Z',
    );
    expect(e.history).toEqual(['none -createPaused-> paused @1970-01-01T00:00:00.000Z']);
    expect(rec.status).toBe('paused');
    transition('s2', rec, 'delete', 2000);
    expect(() => transition('s2', rec, 'unpause', 3000)).toThrow(/illegal transition of schedule s2: "unpause" from deleted/);
  });
});
