/**
 * Every generated path of every catalog procedure, through the real engine (devserver, SDK workers and client,
 * registries on PGlite with synthetic people): one stack for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../procedures/catalog';
import { startEngineSession, type EngineSession } from '../../designer/engine-session';
import { hasSimulationInput } from '../../designer/sim-inputs';
import { generatePaths } from '../../designer/simulate-paths';
import { NoSimulationInputError } from '../../designer/errors';
import { fetchLiveHistories, replayHistories } from '../../designer/replay';
import { simulateOnEngine } from '../../designer/simulate-engine';
import { getCaseResult, getCaseSnapshot, sendEvent, startCase } from '../../worker/case-client';
import { getProcedure } from '../../procedures/catalog';
import { simulationApplication } from '../../designer/sim-inputs';

let session: EngineSession;
beforeAll(async () => {
  session = await startEngineSession({ seedPeople: 200 });
});
afterAll(async () => {
  await session?.close();
});

const definitions = [...CATALOG.values()].flatMap((versions) => [...versions.values()]);

describe('pure path generation', () => {
  it('reaches every declared outcome of the birth group, each path ending in a final state', () => {
    const paths = generatePaths(CATALOG.get('birth-group')!.get(1)!);
    expect(new Set(paths.map((p) => p.finalState))).toEqual(new Set(['completed', 'partiallyCompleted', 'rejected', 'refused', 'failed']));
    const happy = paths.find((p) => p.finalState === 'completed')!;
    expect(happy.steps.filter((s) => s.kind === 'event').map((s) => s.name)).toEqual(['APPROVE_BIRTH', 'HEAD_CONSENT', 'APPROVE_RESIDENCE']);
    expect(paths.find((p) => p.steps.some((s) => s.kind === 'timer' && s.name === 'supplementWindow'))?.finalState).toBe('rejected');
    expect(paths.filter((p) => !p.drivable).every((p) => p.steps.some((s) => s.kind === 'serviceError'))).toBe(true);
    expect(generatePaths(CATALOG.get('birth-group')!.get(1)!, { maxPaths: 3 })).toHaveLength(3);
  });

  // Procedures added without simulation data (death group, marriage, … at the time of writing) cannot be walked:
  // the designer says so by name instead of skipping silently. Declaring `simulation` moves them to the engine test.
  for (const def of definitions.filter((d) => !hasSimulationInput(d))) {
    it(`${def.id} v${def.version}: no simulation data yet, reported as NO_SIMULATION_INPUT`, () => {
      expect(() => generatePaths(def)).toThrow(NoSimulationInputError);
      expect(() => generatePaths(def)).toThrow(`No simulation input for procedure "${def.id}"`);
    });
  }
});

describe('every path through the real engine', () => {
  for (const def of definitions.filter(hasSimulationInput)) {
    it(`${def.id} v${def.version}: the engine ends where the chart predicts, with the events sent by their actors`, async () => {
      const report = await simulateOnEngine(session.client, def, { tag: 'test', concurrency: 3, timeoutMs: 45_000 });
      expect(report.runs.length).toBeGreaterThan(0);
      expect(report.runs.length).toBe(report.paths.filter((p) => p.drivable).length);
      for (const run of report.runs) {
        expect(run.error).toBeUndefined();
        expect({ path: run.path.index, final: run.engineFinalState, outcome: run.engineOutcome }).toEqual({
          path: run.path.index,
          final: run.path.finalState,
          outcome: run.path.outcome,
        });
        expect(run.matches).toBe(true);
        // The engine accepted exactly the path's events, in order.
        expect(run.engineHistory).toEqual(run.path.steps.filter((s) => s.kind === 'event').map((s) => s.name));
        const snap = await getCaseSnapshot(session.client, run.caseId);
        expect(snap.procedureVersion).toBe(def.version);
        expect(snap.status).toBe('done');
      }
      // Events only accepted inside loops are named, not silently dropped.
      for (const e of report.unexercisedEvents) expect(['SUPPLEMENT', 'REQUIRE_VERIFICATION', 'REQUIRE_RESIDENCE_VERIFICATION']).toContain(e);
      // Every declared outcome a drivable path can reach was reached on the engine.
      expect(new Set(report.runs.map((r) => r.engineFinalState))).toEqual(new Set(report.paths.filter((p) => p.drivable).map((p) => p.finalState)));
    }, 240_000);
  }
});

describe('versions on the engine', () => {
  it('new cases get the newest active version; a case started on a draft keeps it to the end', async () => {
    expect(getProcedure('birth-group').version).toBe(1);
    const newest = await startCase(session.client, { caseId: 'ver-newest', procedureId: 'birth-group', input: { application: simulationApplication('ver-newest') } });
    const draft = await startCase(session.client, { caseId: 'ver-draft', procedureId: 'birth-group', procedureVersion: 2, input: { application: simulationApplication('ver-draft') } });
    expect([newest.procedureVersion, draft.procedureVersion]).toEqual([1, 2]);
    for (const c of [newest, draft]) {
      for (let i = 0; ; i++) {
        const snap = await getCaseSnapshot(session.client, c.caseId).catch(() => null);
        if (snap?.acceptedEvents.some((e) => e.type === 'REFUSE_BIRTH')) break;
        if (i > 200) throw new Error(`${c.caseId} never reached the officer`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await sendEvent(session.client, c.caseId, { type: 'REFUSE_BIRTH', actor: { kind: 'officer', id: 'sim-officer-justice', agency: 'justice' }, reason: 'version test' });
      const result = await getCaseResult(session.client, c.caseId);
      expect(result.procedureVersion).toBe(c.procedureVersion);
      expect(result.steps.find((s) => s.step === 'total')!.workingDays).toBe(c.procedureVersion === 2 ? 9 : 3);
    }
  }, 60_000);
});

describe('replay check against a live server', () => {
  it('lists the runner\'s cases on the server (client.workflow.list), fetches their histories and replays them', async () => {
    const live = await fetchLiveHistories(session.stack.temporalAddress, { namespace: session.stack.namespace });
    // The simulated cases of this file (and the children registered for the follow-up procedures).
    expect(live.length).toBeGreaterThanOrEqual(15);
    expect(live.every((h) => h.name === `live:${h.workflowId}` && h.workflowId.startsWith('case-'))).toBe(true);
    const outcomes = await replayHistories(live);
    expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
    expect(outcomes).toHaveLength(live.length);
  }, 120_000);
});
