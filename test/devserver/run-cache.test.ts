/**
 * The run cache keeps a state this process wrote as its JSON text, what the database holds: a request that mutates
 * the run parses a private copy (a failed request leaves the committed state as it was), readers get it parsed, and
 * the cache counts its bytes. A state read from the database is kept as read and copied for a mutation.
 */
import { describe, expect, it } from 'vitest';
import { RunCache } from '../../devserver/engine/run-cache';
import type { RunState } from '../../devserver/engine/state';
import { EventType, encodeEvent } from '../../devserver/proto';

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

  it('counts the reads of states and of history that it answered and those left to the database', () => {
    const cache = new RunCache();
    cache.setState('r3', state('r3', 4), 1);
    cache.getState('r3');
    cache.copyState('r3');
    cache.getState('gone');
    cache.copyState('gone');
    cache.copyState('gone');
    cache.appendEvents('r3', [{ eventId: 1, data: encodeEvent({ eventId: 1, eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED }) }]);
    cache.readEvents('r3', 1, 2);
    cache.readEvents('r3', 1, 3); // past the tail: the database is read
    expect(cache.stats()).toMatchObject({ stateHits: 2, stateMisses: 3, eventHits: 1, eventMisses: 1 });
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

describe('run cache history tails', () => {
  const marker = (id: number) => encodeEvent({ eventId: id, eventType: EventType.EVENT_TYPE_MARKER_RECORDED, markerRecordedEventAttributes: { markerName: `m${id}` } });
  const appended = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ eventId: from + i, data: marker(from + i) }));
  const ids = (evs: { eventId: unknown }[] | null) => evs?.map((e) => Number(e.eventId));
  const names = (evs: { markerRecordedEventAttributes?: { markerName?: string | null } | null }[] | null) => evs?.map((e) => e.markerRecordedEventAttributes?.markerName);

  it('reads back what commits appended, across commits, decoded afresh for each reader', () => {
    const cache = new RunCache();
    cache.appendEvents('r', appended(1, 4));
    cache.appendEvents('r', appended(4, 6));
    cache.appendEvents('r', appended(6, 7));
    expect(ids(cache.readEvents('r', 1, 7))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(names(cache.readEvents('r', 3, 6))).toEqual(['m3', 'm4', 'm5']);
    expect(cache.readEvents('r', 6, 6)).toEqual([]);
    // Past either end of the tail: the database must say.
    expect(cache.readEvents('r', 1, 8)).toBeNull();
    expect(cache.readEvents('other', 1, 2)).toBeNull();
    // Each read decodes its own objects: a reader that changes one changes nothing cached.
    const [first] = cache.readEvents('r', 1, 2)!;
    first.markerRecordedEventAttributes!.markerName = 'changed';
    expect(names(cache.readEvents('r', 1, 2))).toEqual(['m1']);
    expect(cache.readEvents('r', 1, 2)![0]).not.toBe(cache.readEvents('r', 1, 2)![0]);
  });

  it('holds its events encoded: the byte bound counts their encoding, one buffer per commit', () => {
    const cache = new RunCache();
    const evs = appended(1, 11);
    const encoded = evs.reduce((n, e) => n + e.data.byteLength, 0);
    cache.appendEvents('r', evs.slice(0, 5));
    cache.appendEvents('r', evs.slice(5));
    const { eventBytes } = cache.stats();
    // The encodings plus a fixed overhead per commit's buffer and per event's end: never the decoded objects' size.
    expect(eventBytes).toBe(encoded + 2 * 200 + 10 * 8);
    // A second copy of an event would double it; a byte bound just above it keeps the run, one just below evicts it.
    const tight = new RunCache({ maxEventBytes: eventBytes - 1 });
    tight.appendEvents('a', evs.slice(0, 5));
    tight.appendEvents('a', evs.slice(5));
    tight.appendEvents('b', appended(1, 2));
    expect(tight.readEvents('a', 1, 11)).toBeNull();
    expect(ids(tight.readEvents('b', 1, 2))).toEqual([1]);
  });

  it('keeps the last maxEventsPerRun events, cutting a commit in two where the bound falls', () => {
    const cache = new RunCache({ maxEventsPerRun: 4 });
    cache.appendEvents('r', appended(1, 4));
    cache.appendEvents('r', appended(4, 7));
    // Events 3..6 stay: 1 and 2 went, the first commit's 3 kept on its own.
    expect(cache.readEvents('r', 2, 7)).toBeNull();
    expect(names(cache.readEvents('r', 3, 7))).toEqual(['m3', 'm4', 'm5', 'm6']);
    cache.appendEvents('r', appended(7, 12));
    expect(ids(cache.readEvents('r', 8, 12))).toEqual([8, 9, 10, 11]);
    expect(cache.readEvents('r', 7, 12)).toBeNull();
    expect(cache.stats().eventBytes).toBe(appended(8, 12).reduce((n, e) => n + e.data.byteLength, 0) + 200 + 4 * 8);
  });

  it('a gap (events written elsewhere, a rollback) starts a new tail at the first new event', () => {
    const cache = new RunCache();
    cache.appendEvents('r', appended(1, 4));
    cache.appendEvents('r', appended(9, 11));
    expect(cache.readEvents('r', 1, 4)).toBeNull();
    expect(ids(cache.readEvents('r', 9, 11))).toEqual([9, 10]);
  });
});
