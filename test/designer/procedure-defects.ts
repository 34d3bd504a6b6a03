/**
 * Defects injected into real catalog procedures for the checks fuzzer: each takes a definition and a random number,
 * changes one thing (the chart's config, rebuilt with the same implementations, or the declarations) and says
 * which problem code — and, where it is about a state, which state — `procedures check` must report.
 */
import { createMachine, type AnyStateMachine } from 'xstate';
import type { ProcedureDefinition } from '../../procedures/types';


export interface Injected {
  def: ProcedureDefinition;
  /** XState refused to build the chart (e.g. an unknown target): the error must name the state and the target. */
  constructionError?: string;
  expect: { code: string; state?: string };
  what: string;
}
export type Defect = (def: ProcedureDefinition, pick: number) => Injected | null;

/** A deep copy of plain objects and arrays; functions and other instances are shared. */
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

interface NodeRef {
  path: string;
  node: any;
}
function nodesOf(config: any, prefix = ''): NodeRef[] {
  return Object.entries<any>(config.states ?? {}).flatMap(([key, node]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [{ path, node }, ...nodesOf(node, path)];
  });
}
const choose = <T>(xs: readonly T[], pick: number): T | null => (xs.length ? xs[pick % xs.length]! : null);

/** The definition with its chart config changed by `edit` (on a copy), rebuilt with the same implementations. */
function withChart(def: ProcedureDefinition, edit: (config: any) => void): ProcedureDefinition {
  const machine = def.machine as AnyStateMachine & { implementations: any };
  const config = clone(machine.config);
  edit(config);
  return { ...def, machine: createMachine(config, machine.implementations) as never };
}

/** As withChart, for an edit XState refuses at construction: the definition unchanged and the error's message. */
function refusedChart(def: ProcedureDefinition, edit: (config: any) => void): { def: ProcedureDefinition; constructionError?: string } {
  try {
    return { def: withChart(def, edit) };
  } catch (e) {
    return { def, constructionError: (e as Error).message };
  }
}

/** Event transitions of a node as a list of [event, transition config objects or strings]. */
const eventsOf = (node: any): string[] => Object.keys(node.on ?? {}).filter((e) => e !== '*' && !e.startsWith('NO_SUCH_EVENT') && e !== 'FUZZ_NEXT');

export const DEFECTS: Record<string, Defect> = {
  unknownTarget(def, pick) {
    const at = choose(nodesOf((def.machine as any).config).filter((n) => eventsOf(n.node).length > 0), pick);
    if (!at) return null;
    const event = choose(eventsOf(at.node), pick)!;
    return {
      ...refusedChart(def, (c) => {
        nodesOf(c).find((n) => n.path === at.path)!.node.on[event] = 'noSuchState';
      }),
      expect: { code: 'XSTATE_REFUSED', state: 'noSuchState' },
      what: `${at.path} on ${event} → noSuchState`,
    };
  },
  removeTargetState(def, pick) {
    const config = (def.machine as any).config;
    const removable = Object.keys(config.states).filter((k) => k !== config.initial);
    const key = choose(removable, pick);
    if (!key) return null;
    const refused = refusedChart(def, (c) => delete c.states[key]);
    return {
      ...refused,
      // A state no transition targets can go: its outcome then names no state; else XState refuses the chart.
      expect: refused.constructionError ? { code: 'XSTATE_REFUSED', state: key } : key in def.outcomes ? { code: 'OUTCOME_STATE_UNKNOWN' } : { code: 'NONE' },
      what: `state ${key} removed`,
    };
  },
  unknownService(def, pick) {
    const at = choose(nodesOf((def.machine as any).config).filter((n) => n.node.invoke), pick);
    if (!at) return null;
    return {
      def: withChart(def, (c) => {
        const node = nodesOf(c).find((n) => n.path === at.path)!.node;
        const inv = Array.isArray(node.invoke) ? node.invoke[0] : node.invoke;
        inv.src = 'noSuchService';
      }),
      expect: { code: 'UNDECLARED_SERVICE', state: at.path },
      what: `${at.path} invokes noSuchService`,
    };
  },
  unknownGuard(def, pick) {
    const at = choose(nodesOf((def.machine as any).config).filter((n) => eventsOf(n.node).length > 0), pick);
    if (!at) return null;
    const event = choose(eventsOf(at.node), pick)!;
    return {
      def: withChart(def, (c) => {
        const node = nodesOf(c).find((n) => n.path === at.path)!.node;
        const t = node.on[event];
        const first = Array.isArray(t) ? t[0] : t;
        node.on[event] = { ...(typeof first === 'string' ? { target: first } : first), guard: 'noSuchGuard' };
      }),
      expect: { code: 'UNKNOWN_GUARD', state: at.path },
      what: `${at.path} on ${event} guarded by noSuchGuard`,
    };
  },
  unknownEvent(def, pick) {
    const at = choose(nodesOf((def.machine as any).config).filter((n) => eventsOf(n.node).length > 0), pick);
    if (!at) return null;
    const event = choose(eventsOf(at.node), pick)!;
    return {
      def: withChart(def, (c) => {
        const node = nodesOf(c).find((n) => n.path === at.path)!.node;
        node.on[`NO_SUCH_EVENT_${pick}`] = node.on[event];
        delete node.on[event];
      }),
      expect: { code: 'UNDECLARED_EVENT', state: at.path },
      what: `${at.path}: ${event} renamed NO_SUCH_EVENT_${pick}`,
    };
  },
  dropDeadlines(def) {
    if (!def.events.some((e) => e.actor === 'officer') || !def.deadlines.some((d) => d.step !== 'total')) return null;
    return { def: { ...def, deadlines: def.deadlines.filter((d) => d.step === 'total') }, expect: { code: 'OFFICER_STEP_WITHOUT_DEADLINE' }, what: 'step deadlines dropped' };
  },
  dropOutcome(def, pick) {
    const name = choose(Object.keys(def.outcomes), pick);
    if (!name) return null;
    const outcomes = { ...def.outcomes };
    delete outcomes[name];
    return { def: { ...def, outcomes }, expect: { code: 'FINAL_WITHOUT_OUTCOME', state: name }, what: `outcome ${name} dropped` };
  },
  cycleWithNoExit(def, pick) {
    const at = choose(nodesOf((def.machine as any).config).filter((n) => !n.path.includes('.') && !n.path.startsWith('fuzzLoop') && eventsOf(n.node).length > 0), pick);
    if (!at) return null;
    const event = choose(eventsOf(at.node), pick)!;
    return {
      def: {
        ...withChart(def, (c) => {
          c.states.fuzzLoopA = { on: { FUZZ_NEXT: 'fuzzLoopB' } };
          c.states.fuzzLoopB = { on: { FUZZ_NEXT: 'fuzzLoopA' } };
          const t = c.states[at.path].on[event];
          const first = Array.isArray(t) ? t[0] : t;
          // Keep the transition's guard and actions (an earlier defect may be there): only its target changes.
          c.states[at.path].on[event] = typeof first === 'object' && first ? { ...first, target: 'fuzzLoopA' } : 'fuzzLoopA';
        }),
        events: [...def.events, { type: 'FUZZ_NEXT', actor: 'citizen', description: 'loops' } as ProcedureDefinition['events'][number]],
      },
      expect: { code: 'NO_PATH_TO_FINAL', state: 'fuzzLoopA' },
      what: `${at.path} on ${event} → a two-state cycle with no exit`,
    };
  },
  unknownDataField(def, pick) {
    const i = def.data.findIndex((f, j) => j >= pick % def.data.length && f.required && f.source.kind !== 'citizen');
    if (i < 0) return null;
    const f = def.data[i]!;
    const source = f.source.kind === 'registry' ? { ...f.source, keyField: 'no.such.field' } : { kind: 'step' as const, step: 'noSuchStep', output: 'x' };
    const data = def.data.map((d, j) => (j === i ? { ...d, source } : d));
    return { def: { ...def, data }, expect: { code: 'UNSOURCED_FIELD' }, what: `${f.name} sourced from an unknown field or step` };
  },
  undeclaredDelay(def, pick) {
    const at = choose(nodesOf((def.machine as any).config).filter((n) => n.node.after && Object.keys(n.node.after).some((k) => !/^\d+$/.test(k))), pick);
    if (!at) return null;
    return {
      def: { ...def, delays: def.delays.filter((d) => !(d.name in at.node.after)) },
      expect: { code: 'UNDECLARED_DELAY', state: at.path },
      what: `${at.path}: its delay's declaration dropped`,
    };
  },
};
