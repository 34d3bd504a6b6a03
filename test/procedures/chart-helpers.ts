/** Helpers for the catalog's pure chart tests: done/error/after events and a breadth-first walk. */
import { getSimplePaths } from 'xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { expect } from 'vitest';
import type { ProcedureDefinition, ProcedureEvent } from '../../procedures/types';
import { explore } from './birth-group/fixtures';

export { after, done, explore, failed } from './birth-group/fixtures';

const byValue = (s: AnyMachineSnapshot) => JSON.stringify(s.value);
/** For charts where progress accumulates in context within one state (consents): value and context. */
export const byValueAndContext = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);

/** Every final state reachable and with an outcome; no dead ends; every invoked service and handled event declared. */
export function checkChart(
  def: ProcedureDefinition,
  input: unknown,
  events: ProcedureEvent[],
  serializeState: (s: AnyMachineSnapshot) => string = byValue,
): { finals: string[] } {
  const machine: AnyStateMachine = def.machine;
  const paths = getSimplePaths(machine, { input, events, serializeState });
  const finals = new Set<string>();
  for (const p of paths) {
    if (p.state.status !== 'done') continue;
    const finalId = String(p.state.value);
    expect(def.outcomes[finalId], finalId).toBeTypeOf('string');
    finals.add(finalId);
  }
  const { states, canFinish } = explore(machine, input, events);
  for (const key of states.keys()) expect(canFinish(key), key).toBe(true);
  const declaredServices = new Set(def.services.map((s) => s.name));
  const declaredEvents = new Set(def.events.map((e) => e.type));
  const walk = (node: AnyStateMachine['root']): void => {
    for (const inv of node.invoke) expect(declaredServices.has(String(inv.src)), String(inv.src)).toBe(true);
    for (const type of node.ownEvents) if (!type.startsWith('xstate.')) expect(declaredEvents.has(type), type).toBe(true);
    Object.values(node.states).forEach(walk);
  };
  walk(machine.root);
  for (const s of def.services) expect(def.agencies).toContain(s.agency);
  for (const e of def.events) if (e.actor === 'officer') expect(def.agencies).toContain(e.agency);
  return { finals: [...finals].sort() };
}
