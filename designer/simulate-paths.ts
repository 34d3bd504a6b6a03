/**
 * Path generation from a procedure's chart. Pure: no engine involved.
 *
 * 1. Simple paths (xstate/graph): every path from the start to a final state on which no state value repeats, with
 *    the events that drive it — events as their declared actors send them, service completions with sample outputs,
 *    service failures, and elapsed delays.
 * 2. Loops (a supplement round trip; a transition that stays in its state but changes the case: consents,
 *    confirmations, verification requests): a bounded pass walks the chart with the case's data as part of the state
 *    (each state value at most twice per path) and adds, for every transition no path takes yet, the cheapest path
 *    through it (fewest failures and timers, then fewest steps). docs/authoring-procedures.md explains both passes.
 *
 * Every simulation variant of the procedure (designer/sim-inputs.ts) is walked; paths that send the same events,
 * take the same delays, fail the same service calls and end in the same state are one path. A path whose service
 * fails lists the failure as a `fault` to inject on the engine (designer/fault-injection.ts).
 */
import { getSimplePaths } from 'xstate/graph';
import { getNextSnapshot, initialTransition, type AnyMachineSnapshot, type EventObject } from 'xstate';
import type { ProcedureDefinition } from '../procedures/types';
import { ancestry, readChart, stableJson, type ChartModel } from './chart-model';
import { sampleOutput, simulatedEvent, simulationInput, simulationSpec, type SimulationEnv } from './sim-inputs';
import { SIMULATED_FAILURE, type Fault } from './fault-injection';
import { CostHeap } from './cost-heap';
import { getPath as valueAt } from '../domain/data-paths';
import { activeStateNodes } from '../workflows/accepted-events';

export type SimStepKind = 'event' | 'timer' | 'serviceDone' | 'serviceError';

export interface SimStep {
  kind: SimStepKind;
  /** Event type (declared events), delay name (timers) or service name (done/error). */
  name: string;
  /** The event as sent to the chart. */
  event: EventObject & Record<string, unknown>;
  /** Active leaf states where the chart takes this step (the engine waits for them before sending). */
  at: string[];
  /** Citizen events: where the sender's personal ID is in the case's context (the engine reads it from its own case). */
  actorFrom?: string;
}

export interface SimPath {
  index: number;
  /** The simulation variant whose input the path runs on (index and name). */
  variant: number;
  variantName: string;
  steps: SimStep[];
  finalState: string;
  outcome: string;
  /** Service calls that must fail for the engine to take this path. */
  faults: Fault[];
  /** The real engine can be driven along it without injecting a failure. */
  drivable: boolean;
  /** Found by the loop pass: it takes a transition no simple path takes. */
  loop: boolean;
}

export interface PathOptions {
  /** Most paths to return (after de-duplication); default 120. */
  maxPaths?: number;
  /** Longest path, in steps; default 40. */
  maxSteps?: number;
  env?: SimulationEnv;
}

const SIM_CASE_ID = 'sim-pure';
/** A state value appears at most this often on a loop path (a loop is taken once). */
const MAX_VISITS = 2;
/** Snapshots the loop pass expands per variant before it stops looking. */
const EXPLORE_BUDGET = 20_000;
/** Step costs for the loop pass: paths through failures and timers only where nothing else leads. */
const COST: Record<SimStepKind, number> = { serviceDone: 1, event: 2, timer: 20, serviceError: 200 };

const PERSONAL_ID = /^\d{12}$/;

/** The active state nodes in document order, through public XState APIs only. */
const activeNodes = (snap: AnyMachineSnapshot) => activeStateNodes(snap).sort((a, b) => a.order - b.order);
const leafPaths = (snap: AnyMachineSnapshot): string[] =>
  activeNodes(snap).filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => n.path.join('.'));

export { valueAt };

/** Every personal ID in the case's context with the first place it occurs (document order). */
function personalIdsIn(context: unknown): { id: string; path: string }[] {
  const out = new Map<string, string>();
  const visit = (node: unknown, path: string[]) => {
    if (typeof node === 'string') {
      if (PERSONAL_ID.test(node) && !out.has(node)) out.set(node, path.join('.'));
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, [...path, k]);
    }
  };
  visit(context, []);
  return [...out].map(([id, path]) => ({ id, path }));
}

/** Candidate steps of a snapshot: whatever its active states handle, as the world would produce it. */
function candidates(def: ProcedureDefinition, model: ChartModel, snap: AnyMachineSnapshot, variant: number): SimStep[] {
  if (snap.status !== 'active') return [];
  const at = leafPaths(snap);
  const out: SimStep[] = [];
  const seen = new Set<string>();
  for (const node of activeNodes(snap)) {
    const state = model.byPath.get(node.path.join('.'));
    for (const t of state?.transitions ?? []) {
      const key = `${t.kind}|${t.event}|${t.detail ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (t.kind === 'event') {
        const decl = def.events.find((e) => e.type === t.event);
        if (!decl) continue; // undeclared: nobody may send it (the check reports it)
        if (decl.actor !== 'citizen') {
          out.push({ kind: 'event', name: t.event, event: simulatedEvent(decl, `sim-${decl.actor}`) as any, at });
          continue;
        }
        // Citizens: the one the case names, else each person in the case the chart lets send it (each party, each
        // relative…); the engine sends it as the person at the same place in its own case.
        const senders: { id: string; path?: string }[] = decl.actorIdFrom
          ? [{ id: String(valueAt(snap.context, decl.actorIdFrom)), path: decl.actorIdFrom }]
          : personalIdsIn(snap.context);
        if (senders.length === 0) senders.push({ id: 'sim-citizen' });
        for (const s of senders) {
          const event = simulatedEvent(decl, s.id) as any;
          if (decl.actorIdFrom || snap.can(event)) out.push({ kind: 'event', name: t.event, event, at, ...(s.path ? { actorFrom: s.path } : {}) });
        }
      } else if (t.kind === 'after') {
        const eventType = (node.after as any[]).find((a) => String(a.delay) === t.detail)?.eventType as string;
        out.push({ kind: 'timer', name: t.detail ?? '', event: { type: eventType }, at });
      } else if (t.kind === 'invokeDone' || t.kind === 'invokeError') {
        const src = state!.invokes.find((i) => i.id === t.detail)?.src ?? t.detail ?? '';
        out.push(
          t.kind === 'invokeDone'
            ? { kind: 'serviceDone', name: src, event: { type: t.event, output: sampleOutput(def, src, variant) }, at }
            : {
                kind: 'serviceError',
                name: src,
                event: { type: t.event, error: { code: SIMULATED_FAILURE, message: `simulated failure of ${src}` } },
                at,
              },
        );
      }
    }
  }
  return out;
}

/** The service calls a path needs to fail: the n-th call of a service fails when its n-th result is an error. */
export function faultsOf(steps: readonly SimStep[]): Fault[] {
  const calls = new Map<string, number>();
  const faults: Fault[] = [];
  for (const s of steps) {
    if (s.kind !== 'serviceDone' && s.kind !== 'serviceError') continue;
    const call = (calls.get(s.name) ?? 0) + 1;
    calls.set(s.name, call);
    if (s.kind === 'serviceError') faults.push({ service: s.name, call, code: String((s.event.error as { code?: string }).code) });
  }
  return faults;
}

/** The region of a parallel state a leaf lies in (the child of its innermost parallel ancestor), or "" outside one. */
function regionOf(model: ChartModel, leaf: string): string {
  const chain = ancestry(model, leaf);
  const i = chain.findIndex((s) => s.kind === 'parallel');
  return i > 0 ? chain[i - 1].path : '';
}

/**
 * Key of what the engine can be told: the events sent and the delays taken (in order within each region of a
 * parallel state: interleavings across regions are one path), which service calls fail, the end.
 */
function pathKey(model: ChartModel, steps: SimStep[], finalState: string): string {
  const failing = faultsOf(steps).map((f) => `${f.service}#${f.call}`).sort();
  const byRegion = new Map<string, string[]>();
  for (const s of steps) {
    if (s.kind !== 'event' && s.kind !== 'timer') continue;
    const region = regionOf(model, handlerLeaves(model, s)[0] ?? '');
    byRegion.set(region, [...(byRegion.get(region) ?? []), `${s.kind}:${s.name}`]);
  }
  const sent = [...byRegion].sort(([a], [b]) => a.localeCompare(b)).map(([region, names]) => `${region}[${names.join(' > ')}]`);
  return [...sent, `fails:${failing.join(',')}`, finalState].join(' ');
}

/** Whether the leaf (or an ancestor) has the transition this step takes. */
function handles(model: ChartModel, leaf: string, step: SimStep): boolean {
  return ancestry(model, leaf).some((s) => {
    if (step.kind === 'event') return s.transitions.some((t) => t.kind === 'event' && t.event === step.name);
    if (step.kind === 'timer') return s.transitions.some((t) => t.kind === 'after' && t.detail === step.name);
    return s.invokes.some((i) => i.src === step.name);
  });
}

/** The active leaves whose state (or an ancestor) takes the step: where the case must be when it happens. */
export function handlerLeaves(model: ChartModel, step: SimStep): string[] {
  return step.at.filter((leaf) => handles(model, leaf, step));
}

/**
 * A transition of the chart as a path takes it: the states that handle the step, the step, and the states it enters
 * (none for a transition that stays put). The other regions of a parallel state do not count.
 */
function edgeKey(model: ChartModel, before: AnyMachineSnapshot, step: SimStep, after: AnyMachineSnapshot): string {
  const from = handlerLeaves(model, step);
  const was = new Set(leafPaths(before));
  const entered = leafPaths(after).filter((l) => !was.has(l));
  return `${from.join(',')} --${step.kind}:${step.name}--> ${entered.join(',')}`;
}

const stateKey = (snap: AnyMachineSnapshot) => stableJson([snap.value, snap.status, snap.context]);
const valueKey = (snap: AnyMachineSnapshot) => JSON.stringify([snap.value, snap.status]);

interface Walk {
  def: ProcedureDefinition;
  model: ChartModel;
  input: Record<string, unknown>;
  variant: number;
  maxSteps: number;
}

function start(w: Walk): AnyMachineSnapshot {
  return initialTransition(w.def.machine, w.input)[0] as AnyMachineSnapshot;
}

/** The transitions a path takes. */
function edgesOf(w: Walk, steps: readonly SimStep[]): string[] {
  let snap = start(w);
  const edges: string[] = [];
  for (const step of steps) {
    const next = getNextSnapshot(w.def.machine, snap, step.event as any) as AnyMachineSnapshot;
    edges.push(edgeKey(w.model, snap, step, next));
    snap = next;
  }
  return edges;
}

interface Node {
  snap: AnyMachineSnapshot;
  steps: SimStep[];
  cost: number;
  visits: ReadonlyMap<string, number>;
}

function extend(w: Walk, node: Node, step: SimStep): Node | null {
  const snap = getNextSnapshot(w.def.machine, node.snap, step.event as any) as AnyMachineSnapshot;
  if (stateKey(snap) === stateKey(node.snap)) return null; // the chart ignored it
  const v = valueKey(snap);
  const count = (node.visits.get(v) ?? 0) + 1;
  if (count > MAX_VISITS || node.steps.length + 1 > w.maxSteps) return null;
  return { snap, steps: [...node.steps, step], cost: node.cost + COST[step.kind], visits: new Map(node.visits).set(v, count) };
}

/** Uniform-cost search from `from`; `visit` is called on each node in cost order and stops the search with true. */
function search(w: Walk, from: Node, visit: (node: Node, edges: { step: SimStep; next: Node }[]) => boolean): void {
  const frontier = new CostHeap<Node>();
  frontier.push(from);
  const best = new Map<string, number>([[stateKey(from.snap), from.cost]]);
  for (let expanded = 0; frontier.size > 0 && expanded < EXPLORE_BUDGET; expanded++) {
    const node = frontier.pop();
    const out: { step: SimStep; next: Node }[] = [];
    for (const step of candidates(w.def, w.model, node.snap, w.variant)) {
      const next = extend(w, node, step);
      if (next) out.push({ step, next });
    }
    if (visit(node, out)) return;
    for (const { next } of out) {
      const key = stateKey(next.snap);
      if ((best.get(key) ?? Infinity) <= next.cost) continue;
      best.set(key, next.cost);
      frontier.push(next);
    }
  }
}

/** The cheapest way from a node to the end of the case. */
function finish(w: Walk, from: Node): Node | null {
  let done: Node | null = null;
  search(w, from, (node) => {
    if (node.snap.status === 'done') done = node;
    return done !== null;
  });
  return done;
}

/** Paths through the transitions the given paths do not take yet (loops, repeated events). */
function loopPaths(w: Walk, covered: Set<string>): SimStep[][] {
  const first = new Map<string, Node>(); // transition → the cheapest node that takes it
  const root: Node = { snap: start(w), steps: [], cost: 0, visits: new Map([[valueKey(start(w)), 1]]) };
  search(w, root, (node, out) => {
    for (const { step, next } of out) {
      const edge = edgeKey(w.model, node.snap, step, next.snap);
      if (!covered.has(edge) && !first.has(edge)) first.set(edge, next);
    }
    return false;
  });
  const paths: SimStep[][] = [];
  for (const [edge, through] of first) {
    if (covered.has(edge)) continue; // taken by a loop path found meanwhile
    const end = finish(w, through);
    if (!end) continue;
    paths.push(end.steps);
    for (const e of edgesOf(w, end.steps)) covered.add(e);
  }
  return paths;
}

export function generatePaths(def: ProcedureDefinition, opts: PathOptions = {}): SimPath[] {
  const maxPaths = opts.maxPaths ?? 120;
  const maxSteps = opts.maxSteps ?? 40;
  const model = readChart(def.machine);
  const spec = simulationSpec(def);
  const byKey = new Map<string, SimPath & { edges: string[] }>();
  const covered = new Set<string>();
  const add = (w: Walk, steps: SimStep[], final: AnyMachineSnapshot | null, loop: boolean) => {
    if (steps.length > maxSteps) return;
    const end = final ?? steps.reduce((s, step) => getNextSnapshot(def.machine, s, step.event as any) as AnyMachineSnapshot, start(w));
    if (end.status !== 'done') return;
    const finalState = String(end.value);
    const key = pathKey(model, steps, finalState);
    const edges = edgesOf(w, steps);
    for (const e of edges) covered.add(e);
    const prev = byKey.get(key);
    if (prev && prev.steps.length <= steps.length) return;
    const faults = faultsOf(steps);
    byKey.set(key, {
      index: 0,
      variant: w.variant,
      variantName: spec.variants[w.variant].name,
      steps,
      finalState,
      outcome: def.outcomes[finalState] ?? finalState,
      faults,
      drivable: faults.length === 0,
      loop,
      edges,
    });
  };

  const walks: Walk[] = spec.variants.map((_, variant) => ({
    def,
    model,
    variant,
    maxSteps,
    input: { ...simulationInput(def, 'pure', opts.env ?? {}, variant), caseId: SIM_CASE_ID },
  }));
  // 1. Simple paths over state values (context differences such as a second supplement do not make a new state).
  for (const w of walks) {
    const stepsByEvent = new Map<string, SimStep>();
    const raw = getSimplePaths(def.machine, {
      input: w.input,
      events: (snap: AnyMachineSnapshot) =>
        candidates(def, model, snap, w.variant).map((step) => {
          stepsByEvent.set(JSON.stringify(step.event), step);
          return step.event;
        }) as any,
      serializeState: (snap: AnyMachineSnapshot) => valueKey(snap),
      serializeEvent: (e: EventObject) => JSON.stringify(e),
      toState: (snap: AnyMachineSnapshot) => snap.status === 'done',
    } as any) as { state: AnyMachineSnapshot; steps: { event: EventObject }[] }[];
    for (const p of raw) {
      if (p.state.status !== 'done') continue;
      const steps = p.steps.map((s) => stepsByEvent.get(JSON.stringify(s.event))).filter((s): s is SimStep => s !== undefined);
      add(w, steps, p.state, false);
    }
  }
  // 2. Every transition no simple path takes, once.
  for (const w of walks) for (const steps of loopPaths(w, covered)) add(w, steps, null, true);

  // The bound keeps first a set of paths that together take every transition found, shortest first; then the rest.
  const all = [...byKey.values()].sort((a, b) => a.steps.length - b.steps.length || pathKey(model, a.steps, a.finalState).localeCompare(pathKey(model, b.steps, b.finalState)));
  const taken = new Set<string>();
  const essential = new Set<SimPath>();
  for (const p of all) {
    if (p.edges.some((e) => !taken.has(e))) essential.add(p);
    for (const e of p.edges) taken.add(e);
  }
  const paths: SimPath[] = [...all.filter((p) => essential.has(p)), ...all.filter((p) => !essential.has(p))]
    .slice(0, maxPaths)
    .map(({ edges: _edges, ...p }) => p);
  paths.forEach((p, i) => (p.index = i + 1));
  return paths;
}

/** One line per step, for printing. */
export function describeStep(step: SimStep): string {
  switch (step.kind) {
    case 'event': {
      const a = step.event.actor as { kind: string; id: string; agency?: string };
      return `${step.name} (${a.kind === 'officer' ? `officer ${a.agency}` : `${a.kind} ${step.actorFrom ?? a.id}`})`;
    }
    case 'timer':
      return `after ${step.name}`;
    case 'serviceDone':
      return `${step.name} ✓`;
    default:
      return `${step.name} ✗`;
  }
}

/** One line per path: its variant (when the procedure has several), steps, end, and what the engine is told to do. */
export function describePath(p: SimPath, variants = 1): string {
  const notes = [
    ...(p.faults.length > 0 ? [`injects ${p.faults.map((f) => `${f.service}${f.call > 1 ? ` (call ${f.call})` : ''} ✗`).join(', ')}`] : []),
    ...(p.loop ? ['loop'] : []),
  ];
  return `#${p.index}${variants > 1 ? ` [${p.variantName}]` : ''} ${p.steps.map(describeStep).join(' → ')} ⇒ ${p.finalState} (${p.outcome})${notes.length > 0 ? `  [${notes.join('; ')}]` : ''}`;
}
