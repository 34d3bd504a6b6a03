/**
 * A procedure version's fingerprint: a SHA-256 of the canonical chart (states, transitions with guards, actions
 * and actors by name, delays) and of the declarations the runner and API act on (data, deadlines, delays, events,
 * services, outcomes, agencies). Titles, legal-basis lists and status do not count: promoting a draft or fixing
 * a title is not a behaviour change.
 */
import { createHash } from 'node:crypto';
import type { ProcedureDefinition } from '../procedures/types';
import { readChart, stableJson } from './chart-model';

export function canonicalProcedure(def: ProcedureDefinition): unknown {
  const model = readChart(def.machine);
  return {
    machine: {
      id: model.machineId,
      states: model.states.map((s) => ({
        path: s.path,
        kind: s.kind,
        initial: s.initial,
        invokes: s.invokes,
        transitions: s.transitions.map((t) => ({ event: t.event, guard: t.guard, actions: t.actions, targets: t.targets })),
      })),
    },
    agencies: [...def.agencies].sort(),
    data: def.data,
    deadlines: def.deadlines,
    delays: def.delays,
    events: def.events,
    services: def.services,
    outcomes: def.outcomes,
  };
}

export function fingerprint(def: ProcedureDefinition): string {
  return `sha256:${createHash('sha256').update(stableJson(canonicalProcedure(def))).digest('hex')}`;
}
