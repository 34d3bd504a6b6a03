/**
 * Which states of a chart can still end the case: a top-level final state is reachable from them, ignoring guards
 * (a guard can only remove ways out, so a state that cannot finish here never can). A set of states that only lead
 * to each other — a cycle with no exit — is what this finds that "no transition out" does not.
 */
import { ancestry, entryLeaves, type ChartModel } from './chart-model';

/** The stateDone transitions taken when the region holding final `leaf` completes (a parallel state's too). */
function doneTransitionsAfter(model: ChartModel, leaf: string) {
  const out: string[] = [];
  let parent = model.byPath.get(model.byPath.get(leaf)?.parent ?? '');
  while (parent && parent.path !== '') {
    const done = parent.transitions.filter((t) => t.kind === 'stateDone');
    for (const t of done) out.push(...t.targets.flatMap((target) => entryLeaves(model, target)));
    const grand = model.byPath.get(parent.parent ?? '');
    // A region of a parallel state finishing may finish the parallel state (when the other regions do too).
    if (done.length > 0 || grand?.kind !== 'parallel') break;
    parent = grand;
  }
  return out;
}

/** Paths of leaf states from which some top-level final state is reachable. */
export function finishableLeaves(model: ChartModel): Set<string> {
  const leaves = model.states.filter((s) => s.children.length === 0 && s.path !== '');
  const edges = new Map<string, string[]>();
  for (const leaf of leaves) {
    const next = ancestry(model, leaf.path).flatMap((a) => a.transitions.filter((t) => t.kind !== 'stateDone').flatMap((t) => t.targets.flatMap((target) => entryLeaves(model, target))));
    if (leaf.kind === 'final' && leaf.parent !== '') next.push(...doneTransitionsAfter(model, leaf.path));
    edges.set(leaf.path, next);
  }
  // Backwards from the top-level finals.
  const finishing = new Set(leaves.filter((s) => s.kind === 'final' && s.parent === '').map((s) => s.path));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [from, to] of edges) {
      if (!finishing.has(from) && to.some((t) => finishing.has(t))) {
        finishing.add(from);
        changed = true;
      }
    }
  }
  return finishing;
}
