/**
 * Drives generated paths through the real engine (devserver, SDK worker and client): each path is one case about its
 * own seeded people, its events sent by their declared actors when the case's state accepts them (a citizen is the
 * person at the same place in the engine's case as in the pure walk's), the service calls it needs to fail failed
 * by the session's fault plan, its delays shortened with `delayOverridesMs`, and its end compared with what the pure
 * chart predicted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { ProcedureDefinition, ProcedureEvent, SimulationRegistryRows } from '../procedures/types';
import { is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import * as registrySchema from '../db/registries/schema';
import { localDateOf } from '../domain/working-days';
import { getProcedure } from '../procedures/catalog';
import { getCaseResult, getCaseSnapshot, sendEvent, startCase } from '../workflows/case-client';
import type { CaseSnapshot } from '../workflows/definitions';
import type { Executor } from '../db/connection';
import { ancestry, readChart, type ChartModel } from './chart-model';
import { DesignerError } from './errors';
import type { Fault, FaultPlan } from './fault-injection';
import { needsRegisteredChild, simulationSpec, type SimulationEnv } from './sim-inputs';
import { PeopleAllocator } from './sim-people';
import { generatePaths, handlerLeaves, valueAt, type PathOptions, type SimPath, type SimStep } from './simulate-paths';

export interface EngineOptions {
  /** Distinguishes this run's case ids (a devserver keeps finished cases). */
  tag: string;
  env?: SimulationEnv;
  /** Length of a delay the path takes (ms); delays it does not take last an hour. Default 600. */
  timerMs?: number;
  /** Longest wait for one state or the end of a case (ms). Default 30 s. */
  timeoutMs?: number;
  /** Paths run at the same time. Default 3. */
  concurrency?: number;
  onProgress?: (message: string) => void;
  /** Hands each path its own seeded people: one per engine session (default: a new one for this call). */
  people?: PeopleAllocator;
  /** Fails the service calls a path needs to fail (the engine session's plan). Without it such paths are pure only. */
  faults?: FaultPlan;
  /** The registries database, for the data a variant writes before its path runs (e.g. a recent employment record). */
  registries?: Executor;
}

export interface EngineRun {
  path: SimPath;
  caseId: string;
  /** The case's input (the application the citizen filed). */
  input: Record<string, unknown>;
  /** The failures the fault plan injected into the case. */
  injected: Fault[];
  engineFinalState: string | null;
  engineOutcome: string | null;
  /** Event types the engine accepted, in order. */
  engineHistory: string[];
  matches: boolean;
  error?: string;
  durationMs: number;
}

export interface SimulationReport {
  procedureId: string;
  version: number;
  paths: SimPath[];
  runs: EngineRun[];
  /** Paths the engine cannot be driven along (a service would have to fail and no fault plan was given). */
  pureOnly: SimPath[];
  /** Declared events no engine-driven path sends: cover them in other tests. */
  unexercisedEvents: string[];
}

class SimulationTimeoutError extends DesignerError {
  constructor(caseId: string, what: string, last: CaseSnapshot | undefined) {
    super('SIMULATION_TIMEOUT', `case ${caseId}: timed out waiting for ${what} (last state ${JSON.stringify(last?.state)})`);
  }
}

async function waitFor(client: Client, caseId: string, what: string, ok: (s: CaseSnapshot) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last: CaseSnapshot | undefined;
  for (;;) {
    try {
      last = await getCaseSnapshot(client, caseId);
      if (ok(last)) return last;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new SimulationTimeoutError(caseId, what, last);
    await sleep(150);
  }
}

/** The event as the engine should receive it: a citizen is the person at the same place in the engine's case. */
function engineEvent(step: SimStep, snap: CaseSnapshot): ProcedureEvent {
  const event = { ...(step.event as unknown as ProcedureEvent) };
  const id = step.actorFrom ? valueAt(snap.context, step.actorFrom) : undefined;
  if (typeof id === 'string') event.actor = { ...event.actor, id };
  return event;
}

/**
 * Delays to shorten: the ones the path takes. A delay whose state also waits for an event the path sends first (a
 * consent before the window lapses) gets a longer run so the event is not raced.
 */
function delayOverrides(def: ProcedureDefinition, model: ChartModel, path: SimPath, timerMs: number): Record<string, number> {
  const taken = new Set(path.steps.filter((s) => s.kind === 'timer').map((s) => s.name));
  const contested = new Set<string>();
  for (const step of path.steps.filter((s) => s.kind === 'event')) {
    for (const leaf of handlerLeaves(model, step)) for (const s of ancestry(model, leaf)) for (const t of s.transitions) if (t.kind === 'after' && t.detail) contested.add(t.detail);
  }
  return Object.fromEntries(def.delays.map((d) => [d.name, !taken.has(d.name) ? 3_600_000 : contested.has(d.name) ? Math.max(3_000, 5 * timerMs) : timerMs]));
}

/** Writes a variant's registry rows (table: an export of db/registries/schema); rows already there are kept. */
async function writeRegistryRows(db: Executor, rows: SimulationRegistryRows): Promise<void> {
  for (const [name, values] of Object.entries(rows)) {
    const table = (registrySchema as Record<string, unknown>)[name];
    if (!is(table, PgTable)) throw new DesignerError('SIMULATION_SETUP', `"${name}" is not a registry table (db/registries/schema.ts)`);
    if (values.length > 0) await db.insert(table).values(values as never).onConflictDoNothing();
  }
}

const caseIdOf = (def: ProcedureDefinition, path: SimPath, tag: string) => `sim-${tag}-${def.id}-v${def.version}-p${path.index}`;

/**
 * The input of a path's case: the variant's people (its own, from the allocator) and any registry data the variant
 * needs written first.
 */
export async function preparePath(def: ProcedureDefinition, path: SimPath, opts: EngineOptions, people: PeopleAllocator): Promise<Record<string, unknown>> {
  const variant = simulationSpec(def).variants[path.variant];
  const cast = people.cast(variant.cast ?? {});
  if (variant.registryRows) {
    if (!opts.registries) throw new DesignerError('SIMULATION_SETUP', `${def.id} (${variant.name}) writes registry data before its cases: pass \`registries\``);
    await writeRegistryRows(opts.registries, variant.registryRows(cast, (days) => localDateOf(new Date(Date.now() - days * 86_400_000))));
  }
  return variant.input(`${opts.tag}-${def.id}-${def.version}-${path.index}`, { ...opts.env, cast });
}

export async function runPathOnEngine(
  client: Client,
  def: ProcedureDefinition,
  path: SimPath,
  opts: EngineOptions,
  input?: Record<string, unknown>,
): Promise<EngineRun> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const model = readChart(def.machine);
  const caseId = caseIdOf(def, path, opts.tag);
  const run: EngineRun = { path, caseId, input: {}, injected: [], engineFinalState: null, engineOutcome: null, engineHistory: [], matches: false, durationMs: 0 };
  try {
    run.input = input ?? (await preparePath(def, path, opts, opts.people ?? new PeopleAllocator()));
    if (path.faults.length > 0) {
      if (!opts.faults) throw new DesignerError('SIMULATION_SETUP', `path ${path.index} needs failures injected: pass \`faults\``);
      opts.faults.plan(caseId, path.faults);
    }
    await startCase(client, {
      caseId,
      procedureId: def.id,
      procedureVersion: def.version,
      input: run.input,
      options: { delayOverridesMs: delayOverrides(def, model, path, opts.timerMs ?? 600) },
    });
    for (const step of path.steps) {
      if (step.kind !== 'event') continue; // services and timers run by themselves
      // The leaves whose state (or an ancestor) handles the event: the case must be there before it is sent.
      const handlers = handlerLeaves(model, step);
      const snap = await waitFor(
        client,
        caseId,
        `${step.name} in ${handlers.join(', ')}`,
        (s) =>
          s.status === 'in_progress' &&
          handlers.every((h) => s.activeStates.includes(h)) &&
          s.acceptedEvents.some((e) => e.type === step.name) &&
          (!step.actorFrom || typeof valueAt(s.context, step.actorFrom) === 'string'),
        timeoutMs,
      );
      await sendEvent(client, caseId, engineEvent(step, snap));
    }
    const done = await waitFor(client, caseId, 'the end of the case', (s) => s.status === 'closed' || s.status === 'failed', timeoutMs);
    const result = await getCaseResult(client, caseId);
    run.engineFinalState = result.finalState;
    run.engineOutcome = result.outcome;
    run.engineHistory = done.history.map((h) => h.type);
    run.matches = result.finalState === path.finalState && result.outcome === path.outcome;
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
  }
  run.injected = opts.faults?.injected.get(caseId) ?? [];
  run.durationMs = Date.now() - started;
  return run;
}

/** A child registered through the real engine (birth registration approved), for the follow-up procedures. */
export async function prepareEnv(client: Client, def: ProcedureDefinition, opts: EngineOptions): Promise<SimulationEnv> {
  if (opts.env?.childId || !needsRegisteredChild(def)) return opts.env ?? {};
  const birth = getProcedure('birth-registration');
  const path = generatePaths(birth).find((p) => p.drivable && p.outcome === 'completed');
  if (!path) throw new DesignerError('SIMULATION_SETUP', 'birth-registration has no path that registers a child');
  const run = await runPathOnEngine(client, birth, path, { ...opts, tag: `${opts.tag}-child-of-${def.id}-v${def.version}` });
  const result = run.error ? null : await getCaseResult(client, run.caseId);
  const childId = (result?.results as { childPersonalId?: string } | undefined)?.childPersonalId;
  if (!childId) throw new DesignerError('SIMULATION_SETUP', `could not register a child for ${def.id}: ${run.error ?? 'no personal ID'}`);
  opts.onProgress?.(`${def.id} v${def.version}: registered child ${childId} for the simulation`);
  return { ...opts.env, childId };
}

export async function simulateOnEngine(
  client: Client,
  def: ProcedureDefinition,
  opts: EngineOptions & PathOptions,
): Promise<SimulationReport> {
  const env = await prepareEnv(client, def, opts);
  const paths = generatePaths(def, { ...opts, env });
  const runnable = paths.filter((p) => p.faults.length === 0 || opts.faults);
  // People are handed out in path order before anything runs: the same paths get the same people every time.
  const people = opts.people ?? new PeopleAllocator();
  const inputs = new Map<SimPath, Record<string, unknown>>();
  for (const p of runnable) inputs.set(p, await preparePath(def, p, { ...opts, env }, people));
  const runs: EngineRun[] = [];
  const queue = [...runnable];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const r = await runPathOnEngine(client, def, p, { ...opts, env }, inputs.get(p));
      runs.push(r);
      opts.onProgress?.(
        `${def.id} v${def.version} path ${p.index}/${paths.length}: ${r.error ? `error: ${r.error}` : `${r.engineFinalState} ${r.matches ? '(as predicted)' : `(predicted ${p.finalState})`}`} in ${r.durationMs} ms`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 3) }, worker));
  runs.sort((a, b) => a.path.index - b.path.index);
  const sent = new Set(runnable.flatMap((p) => p.steps.filter((s) => s.kind === 'event').map((s) => s.name)));
  return {
    procedureId: def.id,
    version: def.version,
    paths,
    runs,
    pureOnly: paths.filter((p) => !runnable.includes(p)),
    unexercisedEvents: def.events.map((e) => e.type).filter((t) => !sent.has(t)),
  };
}
