/**
 * The run cache keeps a state this process wrote as its JSON text, what the database holds: a request that mutates
 * the run parses a private copy (a failed request leaves the committed state as it was), readers get it parsed, and
 * the cache counts its bytes. A state read from the database is kept as read and copied for a mutation.
 */
import { describe, expect, it } from 'vitest';
import { RunCache } from '../../devserver/engine/run-cache';
import type { RunState } from '../../devserver/engine/state';

const RUNNING = 1; // WORKFLOW_EXECUTION_STATUS_RUNNING
const COMPLETED = 2;
const state = (runId: string, nextEventId: number, status = RUNNING, workflowId = 'wf') =>
  ({ runId, namespaceId: 'ns', workflowId, nextEventId, status, activities: { '5': { state: 'scheduled', attempt: 1 } } }) as unknown as RunState;

describe('run cache states', () => {
  it('a written state is kept as written; each mutation gets its own copy', () => {
    const cache = new RunCache();
    const json = JSON.stringify(state('r1', 7));
    cache.setWritten('r1', json, 3, state('r1', 7));
    expect(cache.stats()).toMatchObject({ runs: 1, stateBytes: json.length });

    const mine = cache.copyState('r1')!;
    expect(mine).toEqual({ state: JSON.parse(json), version: 3 });
    (mine.state as unknown as { activities: Record<string, { state: string }> }).activities['5'].state = 'started';
    mine.state.nextEventId = 99;
    // The committed state is untouched until the request's write commits and replaces it.
    expect(cache.getState('r1')).toEqual({ state: JSON.parse(json), version: 3 });
    expect(cache.copyState('r1')!.state).not.toBe(cache.copyState('r1')!.state);
    // Readers share one parsed state until the next write; a mutation's copy is never that one.
    expect(cache.getState('r1')!.state).toBe(cache.getState('r1')!.state);
    // The shared parsed state counts in the cache's bytes beside its text.
    expect(cache.stats().stateBytes).toBe(json.length * 4);
    expect(cache.copyState('r1')!.state).not.toBe(cache.getState('r1')!.state);
    cache.setWritten('r1', JSON.stringify(state('r1', 8)), 4, state('r1', 8));
    expect(cache.getState('r1')).toMatchObject({ state: { nextEventId: 8 }, version: 4 });
  });

  it('evicts by bytes counting the parsed states readers share', () => {
    const json = JSON.stringify(state('x', 1));
    // Room for five texts: three, then one parsed (four texts' worth) and one more.
    const cache = new RunCache({ maxStateBytes: json.length * 5 });
    for (const id of ['a', 'b', 'c']) cache.setWritten(id, JSON.stringify(state(id, 1)), 1, state(id, 1));
    expect(cache.stats()).toMatchObject({ runs: 3, stateBytes: json.length * 3 });
    cache.getState('a'); // parsed: `a` now weighs four texts and is the most recent; `b`, the oldest, goes
    expect(cache.stats()).toMatchObject({ runs: 2, stateBytes: json.length * 5 });
    expect(['a', 'b', 'c'].map((id) => cache.holds(id))).toEqual([true, false, true]);
  });

  it('a state read from the database is copied for a mutation, never shared', () => {
    const cache = new RunCache();
    const read = state('r2', 4);
    cache.setState('r2', read, 1);
    const mine = cache.copyState('r2')!;
    expect(mine.state).toEqual(read);
    expect(mine.state).not.toBe(read);
    mine.state.nextEventId = 5;
    expect(cache.getState('r2')!.state.nextEventId).toBe(4);
    expect(cache.copyState('missing')).toBeUndefined();
  });

  it('knows a workflow id\'s current run only while that run is cached and running', () => {
    const cache = new RunCache({ maxRuns: 2 });
    expect(cache.runningCurrentRun('ns', 'wf')).toBeUndefined();
    // Noted but not cached: the database must say.
    cache.noteCurrentRun('ns', 'wf', 'a');
    expect(cache.runningCurrentRun('ns', 'wf')).toBeUndefined();
    cache.setWritten('a', JSON.stringify(state('a', 3)), 1, state('a', 3));
    expect(cache.runningCurrentRun('ns', 'wf')).toBe('a');
    expect(cache.runningCurrentRun('ns', 'other')).toBeUndefined();
    expect(cache.runningCurrentRun('ns2', 'wf')).toBeUndefined();
    // Closed (continued as new, completed, reset): no longer trusted, whatever was noted.
    cache.setWritten('a', JSON.stringify(state('a', 9, COMPLETED)), 2, state('a', 9, COMPLETED));
    expect(cache.runningCurrentRun('ns', 'wf')).toBeUndefined();
    // The next run, made current and written by this process.
    cache.setWritten('b', JSON.stringify(state('b', 3)), 1, state('b', 3));
    cache.noteCurrentRun('ns', 'wf', 'b');
    expect(cache.runningCurrentRun('ns', 'wf')).toBe('b');
    // A run noted for another workflow id than its own is never answered (a wrong note cannot misroute).
    cache.noteCurrentRun('ns', 'wf2', 'b');
    expect(cache.runningCurrentRun('ns', 'wf2')).toBeUndefined();
    // Evicted from the state cache (two runs at most here): back to the database.
    cache.setState('c', state('c', 1, RUNNING, 'wf3'), 1);
    cache.setState('d', state('d', 1, RUNNING, 'wf4'), 1);
    expect(cache.runningCurrentRun('ns', 'wf')).toBeUndefined();
  });
});
