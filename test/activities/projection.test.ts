/**
 * The projection against the workflow itself, on the real engine (devserver, SDK workers, registries on PGlite or
 * DATABASE_URL's Postgres): after every simulated birth-group path the read model equals the workflow's own state,
 * with each transition projected exactly once; a crash between a transition and its projection (the projection
 * step dies before or after its write) loses nothing and duplicates nothing; the case's service-quality record is
 * opened by the workflow's own first projection, whoever started the case.
 */
import { decodeHistoryEvents } from '../../worker/codec/history-decoding';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';
import { getProcedure } from '../../procedures/catalog';
import { scratchDatabaseTarget } from '../support/registry-helpers';
import { startEngineSession, type EngineSession } from '../../designer/engine-session';
import { simulateOnEngine } from '../../designer/simulate-engine';
import { simulationApplication } from '../../procedures/birth-group/simulation';
import { getCaseView, readCaseRows } from '../../db/engine/case-views';
import { getCaseRecord } from '../../db/engine/case-records';
import { caseWorkflowId, getCaseSnapshot, sendEvent, startCase } from '../../workflows/case-client';
import { createAgencyWorker } from '../../worker/agency-worker';
import { lastProjection } from '../../ops/reproject';
import type { CaseProjectionDocument } from '../../workflows/projection';
import type { CaseSnapshot } from '../../workflows/definitions';

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

/** The transition numbers of the projections recorded in the case's history, in history order. */
async function projectedTransitions(caseId: string): Promise<number[]> {
  const history = await session.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  const converter = session.client.options.loadedDataConverter.payloadConverter;
  const events = await decodeHistoryEvents(session.client.options.loadedDataConverter.payloadCodecs, history.events ?? []);
  return events.flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_local_activity') return [];
    const meta = converter.fromPayload<{ activity_type: string }>(m.details!.data!.payloads![0]);
    return meta.activity_type === 'projectCase' ? [converter.fromPayload<CaseProjectionDocument>(m.details!.result!.payloads![0]).seq] : [];
  });
}

async function expectProjected(caseId: string): Promise<void> {
  const workflow = plain(await getCaseSnapshot(session.client, caseId));
  const view = await getCaseView(db(), caseId);
  expect(view).not.toBeNull();
  expect(isDeepStrictEqual(view!.snapshot, workflow) ? null : { projected: view!.snapshot, workflow }).toBeNull();
  // Each transition exactly once, in order; the stored row is the last one.
  const seqs = await projectedTransitions(caseId);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  expect(view!.seq).toBe(seqs.length);
  const fetched = (await session.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory()).events ?? [];
  const history = await decodeHistoryEvents(session.client.options.loadedDataConverter.payloadCodecs, fetched);
  expect(lastProjection({ client: session.client, db: db() }, history)?.seq).toBe(seqs.length);
  const rows = (await readCaseRows(db(), caseId))!;
  expect(rows.decisions.map((d) => d.type)).toEqual((workflow as CaseSnapshot).history.map((h) => h.type));
}

describe('projection of simulated cases', () => {
  it('after every birth-group path the read model equals the workflow state, each transition projected once', async () => {
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
    for (let i = 0; i < 200 && !awaiting(await getCaseSnapshot(session.client, caseId)); i++) await new Promise((r) => setTimeout(r, 100));
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
    for (let i = 0; i < 200 && (await getCaseSnapshot(session.client, caseId)).status !== 'closed'; i++) await new Promise((r) => setTimeout(r, 100));
    await expectProjected(caseId);
    const settled = (await getCaseView(db(), caseId))!;
    expect(await getCaseRecord(db(), caseId)).toMatchObject({ status: 'rejected', settledAt: new Date(settled.settledAt!).toISOString() });
  });
});

describe('a crash between a transition and its projection', () => {
  /** Engine worker whose projection step dies once at transition 2 of the given cases: before or after its write. */
  async function crashingEngine(plan: Map<string, 'before' | 'after'>, seen: Map<string, number>) {
    class Crash implements ActivityInboundCallsInterceptor {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const info = Context.current().info;
        const doc = input.args[0] as CaseProjectionDocument | undefined;
        const when = info.activityType === 'projectCase' && doc?.seq === 2 ? plan.get(doc.snapshot.caseId) : undefined;
        if (when) seen.set(doc!.snapshot.caseId, (seen.get(doc!.snapshot.caseId) ?? 0) + 1);
        if (when === 'before' && info.attempt === 1) throw new Error('worker died before writing the projection');
        const result = await next(input);
        if (when === 'after' && info.attempt === 1) throw new Error('worker died after writing, before recording the projection');
        return result;
      }
    }
    const stackEngine = session.stack.workers[0];
    stackEngine.shutdown();
    await new Promise((r) => setTimeout(r, 200));
    const worker = await createAgencyWorker({
      agency: 'engine',
      connection: stackEngine.connection!,
      dataConverter: session.stack.dataConverter,
      namespace: session.stack.namespace,
      db: db(),
      workflowBundle: stackEngine.options.workflowBundle as never,
      workerOptions: { shutdownGraceTime: '1 second', interceptors: { activity: [() => ({ inbound: new Crash() })] } },
    });
    return { worker, running: worker.run() };
  }

  it('loses nothing and duplicates nothing, whether the projection died before or after its write', async () => {
    const plan = new Map<string, 'before' | 'after'>([
      ['crash-before', 'before'],
      ['crash-after', 'after'],
    ]);
    const seen = new Map<string, number>();
    const engine = await crashingEngine(plan, seen);
    try {
      for (const caseId of plan.keys()) {
        await startCase(session.client, { caseId, procedureId: 'birth-group', input: { application: simulationApplication(caseId) } });
      }
      const awaiting = (s: CaseSnapshot) => s.acceptedEvents.some((e) => e.type === 'APPROVE_BIRTH');
      for (const caseId of plan.keys()) {
        for (let i = 0; i < 200 && !awaiting(await getCaseSnapshot(session.client, caseId)); i++) await new Promise((r) => setTimeout(r, 100));
        await expectProjected(caseId);
        // The dead attempt and its retry: the same transition applied twice, recorded once.
        expect(seen.get(caseId)).toBe(2);
        await sendEvent(session.client, caseId, { type: 'REFUSE_BIRTH', reason: 'test', actor: { kind: 'officer', id: 'tp-1', agency: 'justice' } });
        for (let i = 0; i < 200 && (await getCaseSnapshot(session.client, caseId)).status !== 'closed'; i++) await new Promise((r) => setTimeout(r, 100));
        await expectProjected(caseId);
        expect((await getCaseView(db(), caseId))!.outcome).toBe('refused');
      }
    } finally {
      engine.worker.shutdown();
      await engine.running;
    }
  });
});
