/**
 * Drives generated paths through the real engine (devserver, SDK worker and client): each path is one case, its
 * events sent by their declared actors when the case's state accepts them, its delays shortened with
 * `delayOverridesMs`, and its end compared with what the pure chart predicted.
 */
import type { Client } from '@temporalio/client';
import type { ProcedureDefinition, ProcedureEvent } from '../procedures/types';
import { getProcedure } from '../procedures/catalog';
import { getCaseResult, getCaseSnapshot, sendEvent, startCase } from '../worker/case-client';
import type { CaseSnapshot } from '../workflows/definitions';
import { ancestry, readChart } from './chart-model';
import { DesignerError } from './errors';
import { needsRegisteredChild, simulationInput, type SimulationEnv } from './sim-inputs';
import { generatePaths, type PathOptions, type SimPath, type SimStep } from './simulate-paths';

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
}

export interface EngineRun {
  path: SimPath;
  caseId: string;
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
  /** Paths the engine cannot be driven along (a service would have to fail). */
  pureOnly: SimPath[];
  /** Declared events no engine-driven path sends (e.g. only accepted inside a loop): cover them in other tests. */
  unexercisedEvents: string[];
}

class SimulationTimeoutError extends DesignerError {
  constructor(caseId: string, what: string, last: CaseSnapshot | undefined) {
    super('SIMULATION_TIMEOUT', `case ${caseId}: timed out waiting for ${what} (last state ${JSON.stringify(last?.state)})`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** The event as the engine should receive it: the declared actor, with the id the case names for citizens. */
function engineEvent(step: SimStep, snap: CaseSnapshot): ProcedureEvent {
  const event = { ...(step.event as unknown as ProcedureEvent) };
  const accepted = snap.acceptedEvents.find((e) => e.type === step.name);
  if (event.actor.kind !== 'officer' && accepted?.actorId) event.actor = { ...event.actor, id: accepted.actorId };
  return event;
}

export async function runPathOnEngine(client: Client, def: ProcedureDefinition, path: SimPath, opts: EngineOptions): Promise<EngineRun> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const model = readChart(def.machine);
  const caseId = `sim-${opts.tag}-${def.id}-v${def.version}-p${path.index}`;
  const taken = new Set(path.steps.filter((s) => s.kind === 'timer').map((s) => s.name));
  const delayOverridesMs = Object.fromEntries(def.delays.map((d) => [d.name, taken.has(d.name) ? (opts.timerMs ?? 600) : 3_600_000]));
  const run: EngineRun = { path, caseId, engineFinalState: null, engineOutcome: null, engineHistory: [], matches: false, durationMs: 0 };
  try {
    await startCase(client, {
      caseId,
      procedureId: def.id,
      procedureVersion: def.version,
      input: simulationInput(def, `${opts.tag}-${def.id}-${def.version}-${path.index}`, opts.env),
      options: { delayOverridesMs },
    });
    for (const step of path.steps) {
      if (step.kind !== 'event') continue; // services and timers run by themselves
      // The leaves whose state (or an ancestor) handles the event: the case must be there before it is sent.
      const handlers = step.at.filter((leaf) => ancestry(model, leaf).some((s) => s.transitions.some((t) => t.event === step.name)));
      const snap = await waitFor(
        client,
        caseId,
        `${step.name} in ${handlers.join(', ')}`,
        (s) => s.status === 'active' && handlers.every((h) => s.activeStates.includes(h)) && s.acceptedEvents.some((e) => e.type === step.name),
        timeoutMs,
      );
      await sendEvent(client, caseId, engineEvent(step, snap));
    }
    const done = await waitFor(client, caseId, 'the end of the case', (s) => s.status === 'done' || s.status === 'error', timeoutMs);
    const result = await getCaseResult(client, caseId);
    run.engineFinalState = result.finalState;
    run.engineOutcome = result.outcome;
    run.engineHistory = done.history.map((h) => h.type);
    run.matches = result.finalState === path.finalState && result.outcome === path.outcome;
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
  }
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
  const drivable = paths.filter((p) => p.drivable);
  const runs: EngineRun[] = [];
  const queue = [...drivable];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const r = await runPathOnEngine(client, def, p, { ...opts, env });
      runs.push(r);
      opts.onProgress?.(
        `${def.id} v${def.version} path ${p.index}/${paths.length}: ${r.error ? `error: ${r.error}` : `${r.engineFinalState} ${r.matches ? '(as predicted)' : `(predicted ${p.finalState})`}`} in ${r.durationMs} ms`,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 3) }, worker));
  runs.sort((a, b) => a.path.index - b.path.index);
  const sent = new Set(drivable.flatMap((p) => p.steps.filter((s) => s.kind === 'event').map((s) => s.name)));
  return {
    procedureId: def.id,
    version: def.version,
    paths,
    runs,
    pureOnly: paths.filter((p) => !p.drivable),
    unexercisedEvents: def.events.map((e) => e.type).filter((t) => !sent.has(t)),
  };
}
