/** Pending chart delays followed through XState's inspection API, and re-armed on another clock (no Temporal). */
import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { createDelayTracker, isQuiet } from '../../workflows/continue-as-new';
import type { WorkflowClock } from '../../workflows/xstate-clock';

const machine = setup({ delays: { window: 5_000 } }).createMachine({
  id: 'm',
  initial: 'waiting',
  states: { waiting: { after: { window: 'lapsed' }, on: { ANSWER: 'answered' } }, lapsed: { type: 'final' }, answered: { type: 'final' } },
});

/** A clock that only records timers; `fire` runs them. */
function manualClock() {
  const timers = new Map<number, { fn: () => void; ms: number }>();
  let id = 0;
  const clock: WorkflowClock = {
    setTimeout: (fn, ms) => (timers.set(++id, { fn: fn as () => void, ms }), id),
    clearTimeout: (t) => void timers.delete(t as number),
  };
  return { clock, timers, fire: () => [...timers.values()].forEach((t) => t.fn()) };
}

describe('delay tracker', () => {
  it('records a delay when its state is entered and forgets it when the state is left', () => {
    const now = Date.parse('2026-03-02T01:00:00.000Z');
    const tracker = createDelayTracker(() => now);
    const { clock } = manualClock();
    const actor = createActor(machine, { clock, inspect: tracker.inspect }).start();
    expect(tracker.pending()).toEqual([{ id: 'xstate.after.window.m.waiting', event: { type: 'xstate.after.window.m.waiting' }, dueAt: '2026-03-02T01:00:05.000Z' }]);
    expect(isQuiet(actor.getSnapshot())).toBe(true);
    actor.send({ type: 'ANSWER' });
    expect(tracker.pending()).toEqual([]);
  });

  it('re-arms a carried delay for its remaining time and delivers it to the restored chart', () => {
    const first = createDelayTracker(() => Date.parse('2026-03-02T01:00:00.000Z'));
    const a = createActor(machine, { clock: manualClock().clock, inspect: first.inspect }).start();
    const carried = first.pending();
    const persisted = a.getPersistedSnapshot();

    const second = createDelayTracker(() => Date.parse('2026-03-02T01:00:03.000Z'));
    const { clock, timers, fire } = manualClock();
    const b = createActor(machine, { snapshot: persisted as never, clock, inspect: second.inspect }).start();
    second.restore(carried, clock, (event) => b.send(event as never));
    expect([...timers.values()].map((t) => t.ms)).toEqual([2_000]);
    expect(second.pending()).toHaveLength(1);
    fire();
    expect(b.getSnapshot().value).toBe('lapsed');
    expect(second.pending()).toEqual([]);
  });

  it('a carried delay whose state is left before it fires is cancelled', () => {
    const first = createDelayTracker(() => 0);
    const a = createActor(machine, { clock: manualClock().clock, inspect: first.inspect }).start();
    const second = createDelayTracker(() => 1_000);
    const { clock, timers } = manualClock();
    const b = createActor(machine, { snapshot: a.getPersistedSnapshot() as never, clock, inspect: second.inspect }).start();
    second.restore(first.pending(), clock, (event) => b.send(event as never));
    b.send({ type: 'ANSWER' });
    expect(timers.size).toBe(0);
    expect(b.getSnapshot().value).toBe('answered');
  });
});
