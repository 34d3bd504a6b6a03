/**
 * Simulation data, as each procedure declares it in its folder (the definition's `simulation`: procedures/<id>/):
 * the chart input of each variant (built on seeded people, so the real registries answer; distinct people per path
 * where a case changes them: designer/sim-people.ts), sample service outputs for the pure walk (the real engine's
 * services produce their own, and the cast is chosen so they agree), and the events' payloads.
 */
import type { EventDeclaration, ProcedureDefinition, ProcedureEvent, ProcedureSimulation, SimulationEnv } from '../procedures/types';
import { NoSimulationInputError } from './errors';
import { pureCast } from './sim-people';

export type { SimulationEnv, SimulationVariant, ProcedureSimulation as SimulationSpec } from '../procedures/types';

/** The procedure's simulation data; NoSimulationInputError when it declares none. */
export function simulationSpec(def: ProcedureDefinition): ProcedureSimulation {
  if (!def.simulation || def.simulation.variants.length === 0) throw new NoSimulationInputError(def.id);
  return def.simulation;
}

/** The chart input of one path (without the case id); the cast defaults to the pure walk's. */
export function simulationInput(def: ProcedureDefinition, tag: string, env: SimulationEnv = {}, variant = 0): Record<string, unknown> {
  const v = simulationSpec(def).variants[variant];
  return v.input(tag, { ...env, cast: env.cast ?? pureCast(v.cast ?? {}) });
}

/** Whether the procedure declares simulation data. */
export function hasSimulationInput(def: ProcedureDefinition): boolean {
  return (def.simulation?.variants.length ?? 0) > 0;
}

/** Sample output of a service for the pure walk: the variant's, else the procedure's, else an empty object. */
export function sampleOutput(def: ProcedureDefinition, service: string, variant = 0): unknown {
  const spec = simulationSpec(def);
  return spec.variants[variant].sampleOutputs?.[service] ?? spec.sampleOutputs?.[service] ?? {};
}

/** Whether the procedure works on a child registered by an earlier procedure (its input carries `childId`). */
export function needsRegisteredChild(def: ProcedureDefinition): boolean {
  return 'childId' in simulationInput(def, 'probe');
}

/** An event as its declared actor sends it, with the payload its declaration requires. */
export function simulatedEvent(decl: EventDeclaration, actorId: string): ProcedureEvent {
  const actor =
    decl.actor === 'officer'
      ? { kind: 'officer' as const, id: `sim-officer-${decl.agency ?? 'unknown'}`, ...(decl.agency ? { agency: decl.agency } : {}) }
      : { kind: decl.actor, id: actorId };
  const event: ProcedureEvent = { type: decl.type, actor };
  for (const f of decl.arrayFields ?? []) event[f] = [`simulated-${f}`];
  for (const f of decl.requiredFields ?? []) if (!(decl.arrayFields ?? []).includes(f)) event[f] = `simulated ${f}`;
  return event;
}
