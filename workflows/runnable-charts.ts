/**
 * Each catalog procedure's chart with the runner's services and delays, made once when a workflow thread loads the
 * workflows (a module its cases share: worker/agency-worker.ts's preloaded modules) instead of once per case. A chart
 * provided anew is a new tree of state nodes, ~42 KB of heap per birth case measured, held as long as the case stays
 * in the worker's cache and marked by each of its major GCs; the shared one lets a cached case weigh only its actor.
 * The services find their case through the case actor's system (chart-services.ts, bindCaseServices).
 */
import type { AnyStateMachine } from 'xstate';
import { CATALOG } from '../procedures/catalog';
import type { ProcedureDefinition } from '../procedures/types';
import { chartDelays, serviceActors } from './chart-services';

function provideRunner(def: ProcedureDefinition, overrides: Record<string, number> | undefined): AnyStateMachine {
  return def.machine.provide({ actors: serviceActors(def), delays: chartDelays(def, overrides) } as never);
}

const SHARED: ReadonlyMap<ProcedureDefinition, AnyStateMachine> = new Map(
  [...CATALOG.values()].flatMap((versions) => [...versions.values()]).map((def) => [def, provideRunner(def, undefined)]),
);

/**
 * The chart a case of `def` runs: the shared one, unless the case overrides a delay's length (tests, operations),
 * which only its own copy can carry.
 */
export function runnableChart(def: ProcedureDefinition, overrides: Record<string, number> | undefined): AnyStateMachine {
  const overridden = overrides !== undefined && Object.keys(overrides).length > 0;
  return (overridden ? undefined : SHARED.get(def)) ?? provideRunner(def, overrides);
}
