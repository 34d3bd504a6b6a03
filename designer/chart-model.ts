/**
 * A plain view of a statechart, read from XState's resolved state nodes: every state with its invokes,
 * transitions (event, guard, actions, targets by name) and delays. Checks, diagrams and fingerprints all read this
 * model, so they agree on what a chart is.
 */
import type { AnyStateMachine } from 'xstate';

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartTransition {
  /** Event type; `after:<delay>` for delays, `done` for a compound/parallel state's onDone, `always` for eventless. */
  event: string;
  kind: 'event' | 'after' | 'invokeDone' | 'invokeError' | 'stateDone' | 'always';
  /** For `after`: the delay name (or ms as a string); for invoke done/error: the invoke id. */
  detail?: string;
  guard: string | null;
  /** The guard's implementation name in the setup (`isOfficerOf` for a parameterised use); null when inline or none. */
  guardImpl?: string | null;
  actions: string[];
  /** Dotted state paths (relative to the root); empty for a targetless transition. */
  targets: string[];
}

export interface ChartState {
  /** Dotted path from the root, e.g. "services.residence.awaitingOfficer"; "" for the root. */
  path: string;
  key: string;
  kind: StateKind;
  parent: string | null;
  children: string[];
  /** Initial child paths entered with this state (all children of a parallel state). */
  initial: string[];
  invokes: { id: string; src: string }[];
  transitions: ChartTransition[];
}

export interface ChartModel {
  machineId: string;
  /** Every state including the root (path ""), in document order. */
  states: ChartState[];
  byPath: Map<string, ChartState>;
}

const INLINE = '<inline>';

/** Implementations by name; one may give a parameterised use a behaviour name (see `isOfficerOfGuard`). */
type Implementations = Record<string, unknown>;

/** The implementation a guard refers to by name: the string, or a parameterised reference's `type`. */
function implOf(x: unknown): string | null {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object' && typeof (x as { type?: unknown }).type === 'string') return (x as { type: string }).type;
  return null;
}

function nameOf(x: unknown, impls: Implementations = {}): string {
  if (x === undefined || x === null) return INLINE;
  if (typeof x === 'string') return x;
  if (typeof x === 'function') return x.name ? `${INLINE}:${x.name}` : INLINE;
  if (typeof x === 'object' && typeof (x as { type?: unknown }).type === 'string') {
    const { type, params } = x as { type: string; params?: unknown };
    if (params === undefined || typeof params === 'function') return type;
    const behaviourName = (impls[type] as { behaviourName?: (p: unknown) => string } | undefined)?.behaviourName;
    return behaviourName ? behaviourName(params) : `${type}(${stableJson(params)})`;
  }
  return INLINE;
}

/** JSON with sorted keys: equal values give equal strings. Functions become a marker (they are named elsewhere). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (typeof v === 'function') return INLINE;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

function pathOf(node: any): string {
  return (node.path as string[]).join('.');
}

function kindOf(event: string): ChartTransition['kind'] {
  if (event.startsWith('xstate.after.')) return 'after';
  if (event.startsWith('xstate.done.actor.')) return 'invokeDone';
  if (event.startsWith('xstate.error.actor.')) return 'invokeError';
  if (event.startsWith('xstate.done.state.')) return 'stateDone';
  return 'event';
}

export function readChart(machine: AnyStateMachine): ChartModel {
  const guards = (machine.implementations.guards ?? {}) as Implementations;
  const states: ChartState[] = [];
  const visit = (node: any, parent: string | null) => {
    const path = pathOf(node);
    const transitions: ChartTransition[] = [];
    const afterDelays = new Map<string, string>(
      ((node.after ?? []) as any[]).map((a) => [a.eventType as string, String(a.delay)]),
    );
    for (const [event, defs] of node.transitions as Map<string, any[]>) {
      const kind = kindOf(event);
      for (const t of defs) {
        transitions.push({
          event: kind === 'after' ? `after:${afterDelays.get(event) ?? event}` : kind === 'stateDone' ? 'done' : event,
          kind,
          ...(kind === 'after' ? { detail: afterDelays.get(event) } : {}),
          ...(kind === 'invokeDone' || kind === 'invokeError' ? { detail: event.replace(/^xstate\.(done|error)\.actor\./, '') } : {}),
          guard: t.guard === undefined ? null : nameOf(t.guard, guards),
          guardImpl: t.guard === undefined ? null : implOf(t.guard),
          actions: ((t.actions ?? []) as unknown[]).map((a) => nameOf(a)),
          targets: ((t.target ?? []) as any[]).map(pathOf),
        });
      }
    }
    for (const t of (node.always ?? []) as any[]) {
      transitions.push({
        event: 'always',
        kind: 'always',
        guard: t.guard === undefined ? null : nameOf(t.guard, guards),
          guardImpl: t.guard === undefined ? null : implOf(t.guard),
        actions: ((t.actions ?? []) as unknown[]).map((a) => nameOf(a)),
        targets: ((t.target ?? []) as any[]).map(pathOf),
      });
    }
    const children = Object.values(node.states ?? {}) as any[];
    const initial =
      node.type === 'parallel' ? children.map(pathOf) : ((node.initial?.target ?? []) as any[]).map(pathOf);
    states.push({
      path,
      key: node.key,
      kind: node.type,
      parent,
      children: children.map(pathOf),
      initial,
      invokes: ((node.invoke ?? []) as any[]).map((i) => ({ id: String(i.id), src: typeof i.src === 'string' ? i.src : INLINE })),
      transitions,
    });
    for (const c of children) visit(c, path);
  };
  visit(machine.root, null);
  return { machineId: machine.id, states, byPath: new Map(states.map((s) => [s.path, s])) };
}

/** The state and its ancestors, innermost first. */
export function ancestry(model: ChartModel, path: string): ChartState[] {
  const out: ChartState[] = [];
  let s = model.byPath.get(path);
  while (s) {
    out.push(s);
    s = s.parent === null ? undefined : model.byPath.get(s.parent);
  }
  return out;
}

/** Leaves entered when `path` is entered (its initial descendants; all regions of a parallel state). */
export function entryLeaves(model: ChartModel, path: string): string[] {
  const s = model.byPath.get(path);
  if (!s) return [];
  if (s.children.length === 0) return [path];
  return s.initial.flatMap((c) => entryLeaves(model, c));
}

/** Final descendants of a compound/parallel state (where its onDone starts). */
export function finalLeaves(model: ChartModel, path: string): string[] {
  return model.states.filter((s) => s.kind === 'final' && s.parent !== null && isWithin(s.path, path)).map((s) => s.path);
}

export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(`${ancestor}.`);
}

/** States reachable from the root, ignoring guards: entering a state enters its ancestors and initial children. */
export function reachableStates(model: ChartModel): Set<string> {
  const reached = new Set<string>();
  const queue: string[] = [];
  const enter = (path: string) => {
    for (const a of ancestry(model, path)) if (!reached.has(a.path)) {
      reached.add(a.path);
      queue.push(a.path);
    }
    const s = model.byPath.get(path);
    for (const c of s?.initial ?? []) if (!reached.has(c)) enter(c);
  };
  enter('');
  while (queue.length > 0) {
    const s = model.byPath.get(queue.shift()!)!;
    // Entering a state inside one region of a parallel state enters the other regions too.
    if (s.kind === 'parallel') for (const c of s.initial) if (!reached.has(c)) enter(c);
    for (const t of s.transitions) for (const target of t.targets) if (!reached.has(target)) enter(target);
  }
  return reached;
}

/** Top-level final states (the ones a case ends in). */
export function topLevelFinals(model: ChartModel): ChartState[] {
  return model.states.filter((s) => s.parent === '' && s.kind === 'final');
}

export function isInternalEvent(event: string): boolean {
  return event.startsWith('xstate.') || event === 'always' || event === 'done' || event.startsWith('after:');
}
