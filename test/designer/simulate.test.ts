/**
 * Every generated path of every catalog procedure, through the real engine (devserver, SDK workers and client,
 * registries on PGlite with synthetic people): one stack for the file. Paths that need a service to fail run with the
 * failure injected by the session's fault plan; loops are walked once; each path's case is about its own people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, createCatalog, getProcedure } from '../../procedures/catalog';
import type { ProcedureDefinition } from '../../procedures/types';
import { flattenPaths as flattenFields } from '../../domain/data-paths';
import { scratchDatabaseTarget } from '../support/registry-helpers';
import { simulateCatalog, startEngineSession, type EngineSession } from '../../designer/engine-session';
import { hasSimulationInput, simulationSpec } from '../../designer/sim-inputs';
import { simulationApplication } from '../../procedures/birth-group/simulation';
import { describeStep, generatePaths, type SimPath } from '../../designer/simulate-paths';
import { NoSimulationInputError } from '../../designer/errors';
import { fetchLiveHistories, replayHistories } from '../../designer/replay';
import { simulateOnEngine, type EngineRun } from '../../designer/simulate-engine';
import { FaultPlan, SIMULATED_FAILURE, type Fault } from '../../designer/fault-injection';
import { PeopleAllocator, pureCast } from '../../designer/sim-people';
import { getCaseResult, getCaseSnapshot, sendEvent, startCase } from '../../workflows/case-client';
import { goodDefinition } from './faulty';
import { newestActiveVersion } from '../procedures/catalog-versions';
import { setTimeout as sleep } from 'node:timers/promises';

let session: EngineSession;
let dropScratch = async () => {};
beforeAll(async () => {
  // In-memory PGlite, or a scratch database on DATABASE_URL's server (dropped at the end).
  const scratch = await scratchDatabaseTarget('sim_test');
  dropScratch = scratch.drop;
  session = await startEngineSession({ registries: scratch.target });
});
afterAll(async () => {
  await session?.close();
  await dropScratch();
});

const definitions = [...CATALOG.values()].flatMap((versions) => [...versions.values()]);
const events = (p: SimPath) => p.steps.filter((s) => s.kind === 'event').map((s) => s.name);
const declaredEvents = (def: ProcedureDefinition) => def.events.map((e) => e.type);

describe('pure path generation', () => {
  it('reaches every declared outcome of the birth group, each path ending in a final state', () => {
    const paths = generatePaths(CATALOG.get('birth-group')!.get(1)!);
    expect(new Set(paths.map((p) => p.finalState))).toEqual(new Set(['completed', 'partiallyCompleted', 'rejected', 'refused', 'failed']));
    const happy = paths.find((p) => p.finalState === 'completed')!;
    expect(events(happy)).toEqual(['APPROVE_BIRTH', 'HEAD_CONSENT', 'APPROVE_RESIDENCE']);
    expect(paths.find((p) => p.steps.some((s) => s.kind === 'timer' && s.name === 'supplementWindow'))?.finalState).toBe('rejected');
    // A failing service is a fault to inject, by service and call.
    for (const p of paths) {
      const failing = p.steps.filter((s) => s.kind === 'serviceError').map((s) => s.name);
      expect(p.faults.map((f) => f.service)).toEqual(failing);
      expect(p.drivable).toBe(failing.length === 0);
    }
    expect(paths.find((p) => p.finalState === 'failed')!.faults).toEqual([expect.objectContaining({ call: 1, code: SIMULATED_FAILURE })]);
    expect(generatePaths(CATALOG.get('birth-group')!.get(1)!, { maxPaths: 3 })).toHaveLength(3);
  });

  it('loops are walked once: the supplement round trip, each party\'s consent, each relative\'s confirmation, a verification request', () => {
    const birth = generatePaths(getProcedure('birth-registration'));
    const roundTrip = birth.find((p) => events(p).includes('SUPPLEMENT'))!;
    expect(roundTrip.loop).toBe(true);
    expect(roundTrip.steps.map(describeStep)).toEqual([
      'checkBirthDossier ✓',
      'REQUEST_SUPPLEMENT (officer justice)',
      'SUPPLEMENT (citizen application.applicant.personalId)',
      'checkBirthDossier ✓',
      'REFUSE_BIRTH (officer justice)',
    ]);
    expect(birth.find((p) => events(p).includes('REQUIRE_VERIFICATION'))!.loop).toBe(true);
    // Bounded: no loop is taken twice on a path.
    for (const def of definitions) {
      for (const p of generatePaths(def)) expect(events(p).filter((e) => e === 'SUPPLEMENT' || e.startsWith('REQUIRE_')).length).toBeLessThanOrEqual(1);
    }

    const marriage = generatePaths(getProcedure('marriage-registration'));
    const registered = marriage.find((p) => p.finalState === 'registered')!;
    expect(registered.steps.filter((s) => s.name === 'CONSENT_TO_MARRIAGE').map((s) => s.actorFrom)).toEqual([
      'application.applicant.personalId',
      'application.partyB.personalId',
    ]);

    const death = generatePaths(getProcedure('death-group'));
    const paid = death.find((p) => p.finalState === 'completed' && events(p).includes('APPROVE_SURVIVOR_BENEFIT'))!;
    expect(paid.variantName).toBe('4 procedures');
    expect(paid.steps.filter((s) => s.name === 'CONFIRM_REPRESENTATIVE').map((s) => s.actorFrom)).toEqual([
      'entitlements.survivor.mustConfirm.0',
      'entitlements.survivor.mustConfirm.1',
    ]);
  });

  it('every declared event of every catalog procedure is sent on some path; every variant contributes', () => {
    for (const def of definitions) {
      const paths = generatePaths(def);
      expect({ id: def.id, missing: declaredEvents(def).filter((e) => !paths.some((p) => events(p).includes(e))) }).toEqual({ id: def.id, missing: [] });
      expect(new Set(paths.map((p) => p.variantName))).toEqual(new Set(simulationSpec(def).variants.map((v) => v.name)));
    }
  });

  it('every catalog procedure has simulation data; a procedure without any is reported NO_SIMULATION_INPUT', async () => {
    expect(definitions.filter((d) => !hasSimulationInput(d)).map((d) => d.id)).toEqual([]);
    const bare = goodDefinition();
    expect(hasSimulationInput(bare)).toBe(false);
    expect(() => generatePaths(bare)).toThrow(NoSimulationInputError);
    expect(() => generatePaths(bare)).toThrow('No simulation input for procedure "permit"');
    const progress: string[] = [];
    const reports = await simulateCatalog(session, { tag: 'bare', catalog: createCatalog([bare]), onProgress: (m) => progress.push(m) });
    expect(reports).toEqual([]);
    expect(progress).toEqual([expect.stringContaining('permit v1: skipped, NO_SIMULATION_INPUT')]);
  });

  it('people: each path gets its own, deterministically; the pure walk always sees the same ones', () => {
    const a = new PeopleAllocator();
    const first = [a.take('family'), a.take('family'), a.take('couple'), a.take('adult')];
    const ids = first.flatMap((u) => Object.values(u).map((p) => p.personalId));
    expect(new Set(ids).size).toBe(ids.length);
    const b = new PeopleAllocator();
    expect([b.take('family'), b.take('family'), b.take('couple'), b.take('adult')]).toEqual(first);
    expect(pureCast({ f: 'family' })).toEqual(pureCast({ f: 'family' }));
    const family = first[0];
    expect(family.declarant.fatherId).toBe(family.deceased.personalId);
    const small = new PeopleAllocator({ people: 20, families: 1 });
    small.take('family');
    expect(() => small.take('family')).toThrow(expect.objectContaining({ code: 'SIMULATION_SETUP' }));
  });

  it('a fault plan fails the planned call of a service in one case; retries of that call fail alike', () => {
    const plan = new FaultPlan();
    plan.plan('c1', [{ service: 'checkBirthDossier', call: 2, code: SIMULATED_FAILURE }]);
    expect(plan.faultFor('c1', 'checkBirthDossier', 'a1')).toBeUndefined();
    expect(plan.faultFor('c1', 'checkBirthDossier', 'a2')).toMatchObject({ call: 2 });
    expect(plan.faultFor('c1', 'checkBirthDossier', 'a2')).toMatchObject({ call: 2 });
    expect(plan.faultFor('c1', 'issuePersonalId', 'a3')).toBeUndefined();
    expect(plan.faultFor('c2', 'checkBirthDossier', 'a4')).toBeUndefined();
  });
});

const camel = (type: string) => type.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Fields of a procedure the state holds or the case produces: never to be asked of the citizen. */
function heldFields(def: ProcedureDefinition): string[] {
  const ownSteps = new Set([...def.services.map((s) => s.name), ...def.events.flatMap((e) => [e.type, camel(e.type)])]);
  return def.data.filter((d) => d.source.kind === 'registry' || (d.source.kind === 'step' && ownSteps.has(d.source.step))).map((d) => d.name);
}

/**
 * The once-only rule on the engine: the case asked for nothing the state holds, before or during the case. A
 * follow-up procedure (its input carries a registered child) runs on the birth dossier the citizen filed once, for
 * birth registration: that dossier is checked against birth registration's declarations.
 */
function expectOnceOnly(def: ProcedureDefinition, run: EngineRun, snap: Awaited<ReturnType<typeof getCaseSnapshot>>, results: Record<string, unknown>) {
  const filedFor = 'childId' in run.input ? getProcedure('birth-registration') : def;
  const held = heldFields(def);
  const citizen = new Set(def.data.filter((d) => d.source.kind === 'citizen').map((d) => d.name));
  const application = (run.input.application ?? {}) as Record<string, unknown>;
  expect(Object.keys(flattenFields(application)).filter((f) => heldFields(filedFor).includes(f))).toEqual([]);
  expect(snap.missingFields).toEqual([]);
  expect(snap.timeline.map((t) => t.state)).not.toContain('awaitingData');
  for (const step of run.path.steps) expect(Object.keys(step.event).filter((k) => held.includes(k))).toEqual([]);
  const reuse = results.dataReuse as { collectedFields: string[] } | null | undefined;
  if (reuse) expect(reuse.collectedFields.filter((f) => !citizen.has(f))).toEqual([]);
}

const personalIds = (input: unknown) => [...JSON.stringify(input).matchAll(/"(\d{12})"/g)].map((m) => m[1]);

describe('every path through the real engine', () => {
  for (const def of definitions) {
    it(`${def.id} v${def.version}: the engine ends where the chart predicts, with the events sent by their actors`, async () => {
      const report = await simulateOnEngine(session.client, def, { tag: 'test', ...session.simulation, concurrency: 4, timeoutMs: 45_000 });
      // Nothing is left to the pure walk: failures are injected, loops are driven.
      expect(report.pureOnly).toEqual([]);
      expect(report.runs.length).toBe(report.paths.length);
      expect(report.unexercisedEvents).toEqual([]);
      const checks = report.runs.map(async (run) => {
        expect({ path: run.path.index, error: run.error }).toEqual({ path: run.path.index, error: undefined });
        expect({ path: run.path.index, final: run.engineFinalState, outcome: run.engineOutcome }).toEqual({
          path: run.path.index,
          final: run.path.finalState,
          outcome: run.path.outcome,
        });
        expect(run.matches).toBe(true);
        // The engine accepted exactly the path's events, in order.
        expect(run.engineHistory).toEqual(events(run.path));
        // The failures the path needs, and only those, were injected and reached the chart.
        const byCall = (a: Fault, b: Fault) => `${a.service}#${a.call}`.localeCompare(`${b.service}#${b.call}`);
        expect([...run.injected].sort(byCall)).toEqual([...run.path.faults].sort(byCall));
        const snap = await getCaseSnapshot(session.client, run.caseId);
        expect(snap.procedureVersion).toBe(def.version);
        expect(snap.status).toBe('closed');
        if (run.path.faults.length > 0) expect(JSON.stringify(snap.context)).toContain(SIMULATED_FAILURE);
        expectOnceOnly(def, run, snap, (await getCaseResult(session.client, run.caseId)).results);
      });
      await Promise.all(checks);
      // Each path's case is about its own people where the variant names them (a person dies or marries once).
      const cast = report.runs.filter((r) => simulationSpec(def).variants[r.path.variant].cast).map((r) => [...new Set(personalIds(r.input))]);
      expect(new Set(cast.flat()).size).toBe(cast.flat().length);
      // Every final state a path reaches was reached on the engine.
      expect(new Set(report.runs.map((r) => r.engineFinalState))).toEqual(new Set(report.paths.map((p) => p.finalState)));
    }, 240_000);
  }
});

describe('versions on the engine', () => {
  it('new cases get the newest active version; a case started on a draft keeps it to the end', async () => {
    const current = newestActiveVersion('birth-group');
    expect(getProcedure('birth-group').version).toBe(current);
    expect(getProcedure('birth-group', 2).status).toBe('draft');
    const newest = await startCase(session.client, { caseId: 'ver-newest', procedureId: 'birth-group', input: { application: simulationApplication('ver-newest') } });
    const draft = await startCase(session.client, { caseId: 'ver-draft', procedureId: 'birth-group', procedureVersion: 2, input: { application: simulationApplication('ver-draft') } });
    expect([newest.procedureVersion, draft.procedureVersion]).toEqual([current, 2]);
    for (const c of [newest, draft]) {
      for (let i = 0; ; i++) {
        const snap = await getCaseSnapshot(session.client, c.caseId).catch(() => null);
        if (snap?.acceptedEvents.some((e) => e.type === 'REFUSE_BIRTH')) break;
        if (i > 200) throw new Error(`${c.caseId} never reached the officer`);
        await sleep(100);
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
    expect(live.length).toBeGreaterThanOrEqual(100);
    expect(live.every((h) => h.name === `live:${h.workflowId}` && h.workflowId.startsWith('case-'))).toBe(true);
    const outcomes = await replayHistories(live, { dataConverter: session.stack.dataConverter });
    expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
    expect(outcomes).toHaveLength(live.length);
  }, 180_000);
});
