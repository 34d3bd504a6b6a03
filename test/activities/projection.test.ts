/**
 * The projection against the workflow itself, on the real engine (devserver, SDK workers, registries on PGlite or
 * DATABASE_URL's Postgres): after every simulated birth-group path the read model equals the workflow's own state,
 * the projection query gives the stored transition and the history holds no projection (the sink writes it before the
 * workflow task completes); a read model outage delays a projection and loses nothing, a transition written twice is
 * applied once, each transition goes to the sink once, in order; the case's service-quality record is opened by the
 * workflow's own first projection, whoever started the case.
 */
import { decodeHistoryEvents } from '../../worker/codec/history-decoding';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { getProcedure } from '../../procedures/catalog';
import { scratchDatabaseTarget } from '../support/registry-helpers';
import { startEngineSession, type EngineSession } from '../../designer/engine-session';
import { simulateOnEngine } from '../../designer/simulate-engine';
import { simulationApplication } from '../../procedures/birth-group/simulation';
import { getCaseView, readCaseRows } from '../../db/engine/case-views';
import { getCaseRecord } from '../../db/engine/case-records';
import { caseWorkflowId, getCaseSnapshot, sendEvent, startCase } from '../../workflows/case-client';
import { createAgencyWorker } from '../../worker/agency-worker';
import { lastProjection, projectionDocuments } from '../../ops/reproject';
import { PROJECTION_SINK_PATCH, projectionQuery, type CaseProjectionDocument } from '../../workflows/projection';
import type { WorkflowInfo } from '@temporalio/workflow';
import { createReadModelSinks } from '../../activities/projection/sinks';
import type { CaseSnapshot } from '../../workflows/definitions';
import { setTimeout as sleep } from 'node:timers/promises';

let session: EngineSession;
let dropScratch = async () => {};
beforeAll(async () => {
  // In-memory PGlite, or a scratch database on DATABASE_URL's server (dropped at the end).
  const scratch = await scratchDatabaseTarget('rm_test');
  dropScratch = scratch.drop;
  session = await startEngineSession({ registries: scratch.target, seedPeople: 300, families: 10 });
});
afterAll(async () => {
  await session?.close();
  await dropScratch();
});

const db = () => session.stack.database.db;
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

/** The case's history: no `projectCase` marker (a v2 case projects through the sink), the v2 patch marker. */
async function historyMarkers(caseId: string): Promise<{ projections: number; sinkPatch: boolean }> {
  const history = await session.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  const events = await decodeHistoryEvents(session.client.options.loadedDataConverter.payloadCodecs, history.events ?? []);
  const converter = session.client.options.loadedDataConverter.payloadConverter;
  let sinkPatch = false;
  for (const e of events) {
    const m = e.markerRecordedEventAttributes;
    const patch = m?.markerName === 'core_patch' ? Object.values(m.details ?? {}).map((p) => converter.fromPayload<{ id?: string }>(p.payloads![0])) : [];
    if (patch.some((d) => d.id === PROJECTION_SINK_PATCH)) sinkPatch = true;
  }
  expect(lastProjection(converter, events)).toBeNull();
  return { projections: projectionDocuments(converter, events).length, sinkPatch };
}

async function expectProjected(caseId: string): Promise<void> {
  const handle = session.client.workflow.getHandle(caseWorkflowId(caseId));
  const workflow = plain(await getCaseSnapshot(session.client, caseId));
  const view = await getCaseView(db(), caseId);
  expect(view).not.toBeNull();
  expect(isDeepStrictEqual(view!.snapshot, workflow) ? null : { projected: view!.snapshot, workflow }).toBeNull();
  // The stored row is the workflow's last projection, as its history gives it (what ops reproject compares).
  const last = await handle.query(projectionQuery);
  expect(last.seq).toBeGreaterThan(0);
  expect(view!.seq).toBe(last.seq);
  expect(plain(last.snapshot)).toEqual(workflow);
  expect(await historyMarkers(caseId)).toEqual({ projections: 0, sinkPatch: true });
  const rows = (await readCaseRows(db(), caseId))!;
  expect(rows.decisions.map((d) => d.type)).toEqual((workflow as CaseSnapshot).history.map((h) => h.type));
}

describe('projection of simulated cases', () => {
  it('after every birth-group path the read model equals the workflow state and its last projection', async () => {
    const def = getProcedure('birth-group', 1);
    const report = await simulateOnEngine(session.client, def, { tag: 'rm', ...session.simulation, concurrency: 4, timeoutMs: 45_000 });
    expect(report.runs.length).toBe(report.paths.length);
    expect(report.runs.length).toBeGreaterThanOrEqual(5);
    for (const run of report.runs) {
      expect({ path: run.path.index, error: run.error }).toEqual({ path: run.path.index, error: undefined });
      await expectProjected(run.caseId);
      expect((await getCaseView(db(), run.caseId))!.outcome).toBe(run.path.outcome);
    }
  }, 300_000);
});

describe('the service-quality record of a case', () => {
  it('is opened by the workflow itself: a case started directly with the client (no API) has its record, settled when it closes', async () => {
    const caseId = 'record-without-api';
    expect(await getCaseRecord(db(), caseId)).toBeNull();
    await startCase(session.client, { caseId, procedureId: 'birth-group', input: { application: simulationApplication(caseId) } });
    const awaiting = (s: CaseSnapshot) => s.acceptedEvents.some((e) => e.type === 'APPROVE_BIRTH');
    for (let i = 0; i < 200 && !awaiting(await getCaseSnapshot(session.client, caseId)); i++) await sleep(100);
    await expectProjected(caseId);
    const view = (await getCaseView(db(), caseId))!;
    expect(await getCaseRecord(db(), caseId)).toMatchObject({
      caseId,
      procedureId: 'birth-group',
      procedureVersion: view.procedureVersion,
      channel: 'api',
      receivedAt: new Date(view.receivedAt).toISOString(),
      status: 'in_progress',
      settledAt: null,
    });

    await sendEvent(session.client, caseId, { type: 'REFUSE_BIRTH', reason: 'test', actor: { kind: 'officer', id: 'tp-1', agency: 'justice' } });
    for (let i = 0; i < 200 && (await getCaseSnapshot(session.client, caseId)).status !== 'closed'; i++) await sleep(100);
    await expectProjected(caseId);
    const settled = (await getCaseView(db(), caseId))!;
    expect(await getCaseRecord(db(), caseId)).toMatchObject({ status: 'rejected', settledAt: new Date(settled.settledAt!).toISOString() });
  });
});

describe('a failed or repeated projection write', () => {
  type Write = { caseId: string; seq: number };
  /** Engine worker whose projection sink records each write and each failed attempt; `twice` writes a transition twice. */
  async function recordingEngine(writes: Write[], failures: Write[], twice: (w: Write) => boolean) {
    const sinks = createReadModelSinks({ db: db(), onWriteFailed: (doc) => failures.push({ caseId: doc.snapshot.caseId, seq: doc.seq }) });
    const write = sinks.readModel.projectCase.fn;
    const stackEngine = session.stack.workers[0];
    stackEngine.shutdown();
    await sleep(200);
    const worker = await createAgencyWorker({
      agency: 'engine',
      connection: stackEngine.connection!,
      dataConverter: session.stack.dataConverter,
      namespace: session.stack.namespace,
      db: db(),
      workflowBundle: stackEngine.options.workflowBundle as never,
      workerOptions: {
        shutdownGraceTime: '1 second',
        sinks: {
          readModel: {
            projectCase: {
              callDuringReplay: false,
              fn: async (info: WorkflowInfo, doc: CaseProjectionDocument) => {
                const w = { caseId: doc.snapshot.caseId, seq: doc.seq };
                writes.push(w);
                await write(info, doc);
                // As a workflow task retried after its write (the worker died before completing it) writes it again.
                if (twice(w)) await write(info, doc);
              },
            },
          },
        },
      },
    });
    return { worker, running: worker.run() };
  }
  const seqsOf = (ws: Write[], caseId: string) => ws.filter((w) => w.caseId === caseId).map((w) => w.seq);
  const awaiting = (s: CaseSnapshot) => s.acceptedEvents.some((e) => e.type === 'APPROVE_BIRTH');
  const refuse = (caseId: string) => sendEvent(session.client, caseId, { type: 'REFUSE_BIRTH', reason: 'test', actor: { kind: 'officer', id: 'tp-1', agency: 'justice' } });

  it('a read model outage delays the projection, never loses it; a transition written twice is applied once; each transition once, in order', async () => {
    const writes: Write[] = [];
    const failures: Write[] = [];
    const engine = await recordingEngine(writes, failures, (w) => w.caseId === 'written-twice' && w.seq === 2);
    try {
      for (const caseId of ['outage', 'written-twice']) {
        await startCase(session.client, { caseId, procedureId: 'birth-group', input: { application: simulationApplication(caseId) } });
        for (let i = 0; i < 200 && !awaiting(await getCaseSnapshot(session.client, caseId)); i++) await sleep(100);
        await expectProjected(caseId);
      }
      expect(failures).toEqual([]);

      // The read model's table is gone while the officer refuses: the write fails and is retried until the table is back.
      const projectedBefore = seqsOf(writes, 'outage').length;
      await db().execute(sql`alter table case_views rename to case_views_away`);
      let refused: Promise<unknown>;
      try {
        refused = refuse('outage');
        for (let i = 0; i < 200 && failures.length < 2; i++) await sleep(50);
      } finally {
        await db().execute(sql`alter table case_views_away rename to case_views`);
      }
      await refused;
      expect(failures.length).toBeGreaterThanOrEqual(2);
      expect(new Set(failures.map((f) => `${f.caseId}:${f.seq}`))).toEqual(new Set([`outage:${projectedBefore + 1}`]));
      await refuse('written-twice');
      for (const caseId of ['outage', 'written-twice']) {
        for (let i = 0; i < 200 && (await getCaseSnapshot(session.client, caseId)).status !== 'closed'; i++) await sleep(100);
        await expectProjected(caseId);
        expect((await getCaseView(db(), caseId))!.outcome).toBe('refused');
        expect(await getCaseRecord(db(), caseId)).toMatchObject({ status: 'rejected' });
        // Every transition handed to the sink once, in order (no replay writes), up to the stored one.
        const seqs = seqsOf(writes, caseId);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        expect((await getCaseView(db(), caseId))!.seq).toBe(seqs.length);
      }
    } finally {
      engine.worker.shutdown();
      await engine.running;
    }
  });
});
