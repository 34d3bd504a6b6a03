/**
 * The run-write function and its group commit, against the real database (in-memory PGlite, or a fresh
 * database on DATABASE_URL's server): each write all-or-nothing, claims and versions checked, one bad
 * write never taking its batch down, concurrent writes sharing statements.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase, parseDatabaseTarget, type OpenDatabase } from '../../db/connection';
import { MIGRATIONS_FOLDER, MIGRATIONS_TABLE } from '../../devserver/index';
import { devserverSchema, dsCurrentRuns, dsDeadlines, dsExecutions, dsHistoryEvents, dsRequestIds, dsTasks } from '../../devserver/storage/schema';
import { visibilityExecutions } from '../../devserver/visibility/schema';
import { visibilityDocument } from '../../devserver/visibility/store';
import { applyWrite, applyWrites, encodeWrite, WriteBatcher, WriteFailedError, type RunWrite } from '../../devserver/storage/apply-writes';
import type { RunState } from '../../devserver/engine/state';
import { freshDatabase } from './helpers';

let database: OpenDatabase<typeof devserverSchema>;
let drop: () => Promise<void>;
const NS = randomUUID();

beforeAll(async () => {
  const fresh = await freshDatabase('apply_writes');
  drop = fresh.drop;
  database = await openDatabase(parseDatabaseTarget(fresh.db, ''), devserverSchema, { maxConnections: 4 });
  await database.migrate(MIGRATIONS_FOLDER, MIGRATIONS_TABLE);
});
afterAll(async () => {
  await database?.close();
  await drop?.();
});

function state(runId: string, nextEventId: number): RunState {
  return { runId, namespaceId: NS, workflowId: `wf-${runId}`, nextEventId, status: 1 } as unknown as RunState;
}

function newRun(runId = randomUUID()): RunWrite {
  return {
    state: state(runId, 3),
    isNew: true,
    version: 0,
    events: [
      { eventId: 1, data: new Uint8Array([1, 2, 3]) },
      { eventId: 2, data: new Uint8Array([4]) },
    ],
    tasks: [{ namespaceId: NS, taskQueue: 'q', kind: 'workflow', runId, scheduledEventId: 2, attempt: 1, visibleAt: new Date(1_700_000_000_123) }],
    deadlines: [{ runId, kind: 'wft-timeout', fireAt: new Date(1_700_000_010_456), payload: { sched: 2 }, entity: 'wft' }],
    cancelEntities: [],
  };
}

const rowsOf = async (runId: string) => ({
  exec: await database.db.select().from(dsExecutions).where(eq(dsExecutions.runId, runId)),
  events: await database.db.select().from(dsHistoryEvents).where(eq(dsHistoryEvents.runId, runId)).orderBy(dsHistoryEvents.eventId),
  tasks: await database.db.select().from(dsTasks).where(eq(dsTasks.runId, runId)),
  deadlines: await database.db.select().from(dsDeadlines).where(eq(dsDeadlines.runId, runId)),
});

describe('ds_apply_writes', () => {
  it('writes a new run: execution row, events (bytes intact), tasks and deadlines (times to the millisecond)', async () => {
    const w = newRun();
    expect(await applyWrite(database.db, w)).toBe('applied');
    const r = await rowsOf(w.state.runId);
    expect(r.exec).toHaveLength(1);
    expect(r.exec[0]).toMatchObject({ version: 1, nextEventId: 3, status: 1, workflowId: w.state.workflowId });
    expect(r.exec[0].state).toMatchObject({ runId: w.state.runId, nextEventId: 3 });
    expect(r.events.map((e) => [e.eventId, [...e.data]])).toEqual([
      [1, [1, 2, 3]],
      [2, [4]],
    ]);
    expect(r.tasks.map((t) => [t.taskQueue, t.kind, t.scheduledEventId, t.attempt, t.visibleAt.getTime()])).toEqual([['q', 'workflow', 2, 1, 1_700_000_000_123]]);
    expect(r.deadlines.map((d) => [d.kind, d.fireAt.getTime(), d.payload, d.entity])).toEqual([['wft-timeout', 1_700_000_010_456, { sched: 2 }, 'wft']]);
  });

  it('claims the task, checks the version and drops the cancelled deadlines in one write', async () => {
    const w = newRun();
    const runId = w.state.runId;
    await applyWrite(database.db, w);
    const next: RunWrite = {
      state: state(runId, 4),
      isNew: false,
      version: 1,
      events: [{ eventId: 3, data: new Uint8Array([9]) }],
      tasks: [],
      deadlines: [{ runId, kind: 'wft-timeout', fireAt: new Date(1_700_000_020_000), payload: { sched: 2, started: 3 }, entity: 'wft' }],
      cancelEntities: ['wft'],
      claim: { taskQueue: 'q', runId, kind: 'workflow', scheduledEventId: 2, attempt: 1 },
    };
    expect(await applyWrite(database.db, next)).toBe('applied');
    const r = await rowsOf(runId);
    expect(r.exec[0].version).toBe(2);
    expect(r.events.map((e) => e.eventId)).toEqual([1, 2, 3]);
    expect(r.tasks).toEqual([]);
    expect(r.deadlines.map((d) => d.payload)).toEqual([{ sched: 2, started: 3 }]);
    // The same claim again: the task is gone, nothing is written.
    expect(await applyWrite(database.db, { ...next, version: 2, events: [{ eventId: 4, data: new Uint8Array([1]) }] })).toBe('claim-lost');
    expect((await rowsOf(runId)).exec[0].version).toBe(2);
  });

  it('a stale version writes nothing and leaves the claimed task in place', async () => {
    const w = newRun();
    const runId = w.state.runId;
    await applyWrite(database.db, w);
    const stale: RunWrite = {
      state: state(runId, 4),
      isNew: false,
      version: 7,
      events: [{ eventId: 3, data: new Uint8Array([9]) }],
      tasks: [],
      deadlines: [],
      cancelEntities: null,
      claim: { taskQueue: 'q', runId, kind: 'workflow', scheduledEventId: 2, attempt: 1 },
    };
    expect(await applyWrite(database.db, stale)).toBe('concurrent-update');
    const r = await rowsOf(runId);
    expect(r.exec[0].version).toBe(1);
    expect(r.events).toHaveLength(2);
    expect(r.tasks).toHaveLength(1);
    expect(r.deadlines).toHaveLength(1);
  });

  it('a write the database refuses fails alone; the rest of its batch commits', async () => {
    const good1 = newRun();
    const dup = newRun();
    await applyWrite(database.db, dup);
    const good2 = newRun();
    // The same run inserted again: primary-key violation.
    const results = await applyWrites(database.db, [good1, dup, good2].map(encodeWrite));
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'applied' });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 'applied' });
    expect(results[1].status).toBe('rejected');
    const reason = (results[1] as PromiseRejectedResult).reason;
    expect(reason).toBeInstanceOf(WriteFailedError);
    expect(reason.code).toBe('23505');
    expect((await rowsOf(good1.state.runId)).events).toHaveLength(2);
    expect((await rowsOf(good2.state.runId)).events).toHaveLength(2);
  });
});

describe('ds_apply_writes: starts and visibility', () => {
  const pointer = async (wf: string) =>
    (await database.db.select().from(dsCurrentRuns).where(eq(dsCurrentRuns.workflowId, wf))).map((r) => r.runId);

  it('sets the current-run pointer by compare-and-set and records the request id; a racing start writes nothing', async () => {
    const first = newRun();
    const wf = first.state.workflowId;
    expect(await applyWrite(database.db, { ...first, currentRun: { prev: null }, requestId: `req-${wf}` })).toBe('applied');
    expect(await pointer(wf)).toEqual([first.state.runId]);
    expect((await database.db.select().from(dsRequestIds).where(eq(dsRequestIds.requestId, `req-${wf}`))).map((r) => r.runId)).toEqual([first.state.runId]);

    // Another start that also saw no current run loses the race, and leaves no trace.
    const racer = newRun();
    racer.state = { ...racer.state, workflowId: wf } as RunState;
    expect(await applyWrite(database.db, { ...racer, currentRun: { prev: null } })).toBe('concurrent-update');
    expect((await rowsOf(racer.state.runId)).exec).toEqual([]);
    // The same request id again: already served.
    const again = newRun();
    expect(await applyWrite(database.db, { ...again, requestId: `req-${wf}` })).toBe('concurrent-update');
    expect((await rowsOf(again.state.runId)).exec).toEqual([]);

    // A new run that saw the first as current takes the pointer over; one that saw a stale run does not.
    const stale = newRun();
    stale.state = { ...stale.state, workflowId: wf } as RunState;
    expect(await applyWrite(database.db, { ...stale, currentRun: { prev: randomUUID() } })).toBe('concurrent-update');
    const second = newRun();
    second.state = { ...second.state, workflowId: wf } as RunState;
    expect(await applyWrite(database.db, { ...second, currentRun: { prev: first.state.runId } })).toBe('applied');
    expect(await pointer(wf)).toEqual([second.state.runId]);
  });

  it('upserts the visibility row in the same write (memo bytes, times, search attributes)', async () => {
    const w = newRun();
    const rec = {
      namespaceId: NS,
      workflowId: w.state.workflowId,
      runId: w.state.runId,
      workflowType: 'wt',
      taskQueue: 'q',
      status: 1,
      startTime: new Date(1_700_000_000_001),
      executionTime: new Date(1_700_000_000_001),
      closeTime: null,
      historyLength: 2,
      memo: { fields: { note: { metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('"hi"') } } },
      searchAttributes: {},
    };
    expect(await applyWrite(database.db, { ...w, visibility: await visibilityDocument(database.db, rec) })).toBe('applied');
    const closed = { ...rec, status: 2, closeTime: new Date(1_700_000_005_000), historyLength: 9 };
    const next: RunWrite = { ...w, isNew: false, version: 1, events: [], tasks: [], deadlines: [], cancelEntities: null, visibility: await visibilityDocument(database.db, closed) };
    expect(await applyWrite(database.db, next)).toBe('applied');
    const [row] = await database.db.select().from(visibilityExecutions).where(eq(visibilityExecutions.runId, w.state.runId));
    expect(row).toMatchObject({ workflowType: 'wt', status: 2, historyLength: 9, rootWorkflowId: w.state.workflowId });
    expect(row.startTime.getTime()).toBe(1_700_000_000_001);
    expect(row.closeTime!.getTime()).toBe(1_700_000_005_000);
    expect(row.memo && [...row.memo].length).toBeGreaterThan(10);
  });
});

describe('WriteBatcher (group commit)', () => {
  it('writes submitted together share statements, and every write gets its own outcome', async () => {
    const batcher = new WriteBatcher(database.db, 1);
    const writes = Array.from({ length: 30 }, () => newRun());
    const stale = { ...newRun(), isNew: false, version: 5 };
    const outcomes = await Promise.all([...writes, stale].map((w) => batcher.submit(w)));
    expect(outcomes).toEqual([...writes.map(() => 'applied'), 'concurrent-update']);
    expect(batcher.stats.writes).toBe(31);
    expect(batcher.stats.batches).toBeLessThan(31);
    for (const w of writes.slice(0, 3)) expect((await rowsOf(w.state.runId)).exec).toHaveLength(1);
  });

  it('splits what is queued into batches of at most its limit', async () => {
    const batcher = new WriteBatcher(database.db, 1, 4);
    const writes = Array.from({ length: 10 }, () => newRun());
    const outcomes = await Promise.all(writes.map((w) => batcher.submit(w)));
    expect(outcomes).toEqual(writes.map(() => 'applied'));
    // 10 writes queued in one turn, one batch in flight at a time: 4 + 4 + 2
    expect(batcher.stats).toEqual({ batches: 3, writes: 10 });
  });

  it('rejects only the refused write of a batch', async () => {
    const batcher = new WriteBatcher(database.db, 2);
    const dup = newRun();
    await applyWrite(database.db, dup);
    const [a, b] = await Promise.allSettled([batcher.submit(newRun()), batcher.submit(dup)]);
    expect(a).toEqual({ status: 'fulfilled', value: 'applied' });
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason.code).toBe('23505');
  });
});
