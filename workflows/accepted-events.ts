/**
 * Which declared events the chart's current state accepts, with who may send them (pure). Read through public
 * XState APIs only: the active state nodes are found from the snapshot's state value in `machine.root.states`, and
 * each node's `ownEvents` names the events it handles.
 */
import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import type { ProcedureDefinition } from '../procedures/types';
import type { AcceptedEventInfo } from './definitions';
import { leafPaths } from './case-timeline';
import { getPath } from '../domain/data-paths';

/** The root and every active state node of an active snapshot. */
export function activeStateNodes(snap: AnyMachineSnapshot): AnyStateNode[] {
  const root = snap.machine.root as AnyStateNode;
  const nodes = new Set<AnyStateNode>([root]);
  for (const leaf of leafPaths(snap.value)) {
    let node: AnyStateNode | undefined = root;
    for (const key of leaf.split('.')) {
      node = node?.states[key];
      if (node) nodes.add(node);
    }
  }
  return [...nodes];
}

/** Event types the active states handle (guards not evaluated). */
export function handledEventTypes(snap: AnyMachineSnapshot): Set<string> {
  const types = new Set<string>();
  if (snap.status !== 'active') return types;
  for (const node of activeStateNodes(snap)) for (const t of node.ownEvents) types.add(t);
  return types;
}

export function acceptedEvents(def: ProcedureDefinition, snap: AnyMachineSnapshot): AcceptedEventInfo[] {
  const types = handledEventTypes(snap);
  return def.events
    .filter((e) => types.has(e.type))
    .map((e) => {
      const actorId = e.actorIdFrom ? getPath(snap.context, e.actorIdFrom) : undefined;
      return {
        type: e.type,
        actor: e.actor,
        ...(e.agency ? { agency: e.agency } : {}),
        ...(typeof actorId === 'string' ? { actorId } : {}),
        description: e.description,
      };
    });
}
