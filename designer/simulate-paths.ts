/**
 * Path generation from a procedure's chart (xstate/graph): every simple path (no state value repeated) from the
 * start to a final state, with the events that drive it — events as their declared actors send them, service
 * completions with sample outputs, service failures, and elapsed delays. Pure: no engine involved.
 */
import { getSimplePaths } from 'xstate/graph';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { ProcedureDefinition } from '../procedures/types';
import { readChart, type ChartModel } from './chart-model';
import { sampleOutput, simulatedEvent, simulationInput, type SimulationEnv } from './sim-inputs';

export type SimStepKind = 'event' | 'timer' | 'serviceDone' | 'serviceError';

export interface SimStep {
  kind: SimStepKind;
  /** Event type (declared events), delay name (timers) or service name (done/error). */
  name: string;
  /** The event as sent to the chart. */
  event: EventObject & Record<string, unknown>;
  /** Active leaf states where the chart takes this step (the engine waits for them before sending). */
  at: string[];
}

export interface SimPath {
  index: number;
  steps: SimStep[];
  finalState: string;
  outcome: string;
  /** The real engine can be driven along it (no step needs a service to fail). */
  drivable: boolean;
}

export interface PathOptions {
  /** Most paths to return (after de-duplication); default 60. */
  maxPaths?: number;
  /** Longest path, in steps; default 40. */
  maxSteps?: number;
  env?: SimulationEnv;
}

const SIM_CASE_ID = 'sim-pure';

function leafPaths(snap: AnyMachineSnapshot): string[] {
  return (snap._nodes as any[]).filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => (n.path as string[]).join('.'));
}

function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), obj);
}

/** Candidate events of a snapshot: whatever its active states handle, as the world would produce it. */
function candidates(def: ProcedureDefinition, model: ChartModel, snap: AnyMachineSnapshot): SimStep[] {
  if (snap.status !== 'active') return [];
  const at = leafPaths(snap);
  const out: SimStep[] = [];
  const seen = new Set<string>();
  for (const node of snap._nodes as any[]) {
    const state = model.byPath.get((node.path as string[]).join('.'));
    for (const t of state?.transitions ?? []) {
      const key = `${t.kind}|${t.event}|${t.detail ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (t.kind === 'event') {
        const decl = def.events.find((e) => e.type === t.event);
        if (!decl) continue; // undeclared: nobody may send it (the check reports it)
        const actorId = String(
          (decl.actorIdFrom ? valueAt(snap.context, decl.actorIdFrom) : undefined) ??
            valueAt(snap.context, 'application.applicant.personalId') ??
            'sim-citizen',
        );
        out.push({ kind: 'event', name: t.event, event: simulatedEvent(decl, actorId) as any, at });
      } else if (t.kind === 'after') {
        const eventType = (node.after as any[]).find((a) => String(a.delay) === t.detail)?.eventType as string;
        out.push({ kind: 'timer', name: t.detail ?? '', event: { type: eventType }, at });
      } else if (t.kind === 'invokeDone' || t.kind === 'invokeError') {
        const src = state!.invokes.find((i) => i.id === t.detail)?.src ?? t.detail ?? '';
        out.push(
          t.kind === 'invokeDone'
            ? { kind: 'serviceDone', name: src, event: { type: t.event, output: sampleOutput(def, src) }, at }
            : {
                kind: 'serviceError',
                name: src,
                event: { type: t.event, error: { code: 'SIMULATED_FAILURE', message: `simulated failure of ${src}` } },
                at,
              },
        );
      }
    }
  }
  return out;
}

/** Key of what the engine can be told: the events sent, the delays taken, whether a service fails, the end. */
function pathKey(steps: SimStep[], finalState: string): string {
  // Which services fail matters, not when (parallel regions interleave freely).
  const failing = [...new Set(steps.filter((s) => s.kind === 'serviceError').map((s) => s.name))].sort();
  const sent = steps.filter((s) => s.kind === 'event' || s.kind === 'timer').map((s) => `${s.kind}:${s.name}`);
  return [...sent, `fails:${failing.join(',')}`, finalState].join(' > ');
}

export function generatePaths(def: ProcedureDefinition, opts: PathOptions = {}): SimPath[] {
  const maxPaths = opts.maxPaths ?? 60;
  const maxSteps = opts.maxSteps ?? 40;
  const model = readChart(def.machine);
  const stepsByEvent = new Map<string, SimStep>();
  const raw = getSimplePaths(def.machine, {
    input: { ...simulationInput(def, 'pure', opts.env ?? {}), caseId: SIM_CASE_ID },
    events: (snap: AnyMachineSnapshot) =>
      candidates(def, model, snap).map((step) => {
        stepsByEvent.set(JSON.stringify(step.event), step);
        return step.event;
      }) as any,
    // Simple paths over state values: context differences (e.g. a second supplement) do not make a new state.
    serializeState: (snap: AnyMachineSnapshot) => JSON.stringify([snap.value, snap.status]),
    serializeEvent: (e: EventObject) => JSON.stringify(e),
    toState: (snap: AnyMachineSnapshot) => snap.status === 'done',
  } as any) as { state: AnyMachineSnapshot; steps: { event: EventObject }[] }[];

  const byKey = new Map<string, SimPath>();
  for (const p of raw) {
    if (p.state.status !== 'done') continue;
    const steps = p.steps
      .map((s) => stepsByEvent.get(JSON.stringify(s.event)))
      .filter((s): s is SimStep => s !== undefined);
    if (steps.length > maxSteps) continue;
    const finalState = String(p.state.value);
    const key = pathKey(steps, finalState);
    const prev = byKey.get(key);
    if (prev && prev.steps.length <= steps.length) continue;
    byKey.set(key, {
      index: 0,
      steps,
      finalState,
      outcome: def.outcomes[finalState] ?? finalState,
      drivable: !steps.some((s) => s.kind === 'serviceError'),
    });
  }
  // Drivable paths first, then the shorter ones: the bound keeps what the engine can check.
  const paths = [...byKey.values()]
    .sort((a, b) => Number(b.drivable) - Number(a.drivable) || a.steps.length - b.steps.length || pathKey(a.steps, a.finalState).localeCompare(pathKey(b.steps, b.finalState)))
    .slice(0, maxPaths);
  paths.forEach((p, i) => (p.index = i + 1));
  return paths;
}

/** One line per step, for printing. */
export function describeStep(step: SimStep): string {
  switch (step.kind) {
    case 'event': {
      const a = step.event.actor as { kind: string; id: string; agency?: string };
      return `${step.name} (${a.kind === 'officer' ? `officer ${a.agency}` : `${a.kind} ${a.id}`})`;
    }
    case 'timer':
      return `after ${step.name}`;
    case 'serviceDone':
      return `${step.name} ✓`;
    default:
      return `${step.name} ✗`;
  }
}
