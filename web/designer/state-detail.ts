/**
 * What the designer sees when selecting a state of the chart: its transitions (event and who sends it, delays,
 * service outcomes; guard; targets; actions), the services it invokes with their agency, purpose and legal basis,
 * the deadlines that count while the case is in it, the data it needs (the fields the events it waits for must
 * carry) and the data its services produce (fields declared as coming from them).
 */
import type { ProcedureDefinition } from '../../procedures/types';
import { ancestry, readChart, type ChartState } from '../../designer/chart-model';
import { transitionLabel } from '../../designer/diagram-labels';

export interface StateTransition {
  /** Where it is declared (this state or an ancestor, which applies here too). */
  declaredOn: string;
  label: string;
  event: string;
  kind: string;
  actor: string | null;
  agency: string | null;
  guard: string | null;
  targets: string[];
  actions: string[];
}

export interface StateDetail {
  path: string;
  kind: ChartState['kind'];
  isFinal: boolean;
  outcome: string | null;
  transitions: StateTransition[];
  services: { name: string; agency: string | null; purpose: string | null; legalBasis: string | null }[];
  deadlines: { step: string; workingDays: number; workingDaysWithVerification?: number; legalBasis: string }[];
  /** Fields the events this state waits for must carry, per event. */
  dataNeeded: { event: string; fields: string[] }[];
  /** Case data fields produced by the services of this state. */
  dataProduced: { field: string; service: string; output: string }[];
  children: string[];
}

export class UnknownStateError extends Error {
  readonly code = 'UNKNOWN_STATE';
  constructor(procedure: string, state: string) {
    super(`${procedure} has no state "${state}"`);
  }
}

/** Every state path of the chart but the root, in document order. */
export function statePaths(def: ProcedureDefinition): string[] {
  return readChart(def.machine).states.filter((s) => s.path !== '').map((s) => s.path);
}

export function stateDetail(def: ProcedureDefinition, path: string): StateDetail {
  const model = readChart(def.machine);
  const state = model.byPath.get(path);
  if (!state || path === '') throw new UnknownStateError(`${def.id} v${def.version}`, path);
  const transitions: StateTransition[] = [];
  for (const s of ancestry(model, path)) {
    if (s.path === '') continue;
    for (const t of s.transitions) {
      const decl = t.kind === 'event' ? def.events.find((e) => e.type === t.event) : undefined;
      transitions.push({
        declaredOn: s.path,
        label: transitionLabel(def, t),
        event: t.event,
        kind: t.kind,
        actor: decl?.actor ?? null,
        agency: decl?.agency ?? null,
        guard: t.guard,
        targets: t.targets,
        actions: t.actions,
      });
    }
  }
  const services = state.invokes.map((inv) => {
    const decl = def.services.find((d) => d.name === inv.src);
    return { name: inv.src, agency: decl?.agency ?? null, purpose: decl?.purpose ?? null, legalBasis: decl?.legalBasis ?? null };
  });
  const deadlines = def.deadlines
    .filter((d) => d.step !== 'total')
    .filter((d) => {
      const at = d.statePath ?? d.step;
      return path === at || path.startsWith(`${at}.`);
    })
    .map((d) => ({ step: d.step, workingDays: d.workingDays, workingDaysWithVerification: d.workingDaysWithVerification, legalBasis: d.legalBasis }));
  const events = [...new Set(transitions.filter((t) => t.kind === 'event').map((t) => t.event))];
  const dataNeeded = events
    .map((type) => def.events.find((e) => e.type === type))
    .filter((e): e is NonNullable<typeof e> => e !== undefined)
    .map((e) => ({ event: e.type, fields: [...(e.requiredFields ?? [])] }));
  const invoked = new Set(services.map((s) => s.name));
  const dataProduced = def.data
    .filter((f) => f.source.kind === 'step' && invoked.has(f.source.step))
    .map((f) => ({ field: f.name, service: (f.source as { step: string }).step, output: (f.source as { output: string }).output }));
  const topKey = path.split('.')[0];
  return {
    path,
    kind: state.kind,
    isFinal: state.kind === 'final',
    outcome: state.kind === 'final' && state.parent === '' ? (def.outcomes[topKey] ?? null) : null,
    transitions,
    services,
    deadlines,
    dataNeeded,
    dataProduced,
    children: state.children,
  };
}
