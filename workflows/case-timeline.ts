/**
 * A case's timeline (pure): which leaf states were active when. The runner feeds it each chart snapshot (its state
 * value and whether it is done) with the workflow time; it closes the leaves left and opens the leaves entered.
 */
import type { StateValue } from 'xstate';
import type { CaseRecord } from './definitions';

/** Dotted paths of the active leaves of a state value (e.g. `{ a: 'b' }` → `["a.b"]`). */
export function leafPaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([k, v]) => leafPaths(v as StateValue, prefix ? `${prefix}.${k}` : k));
}

export type TimelineState = CaseRecord['timeline'];

export function emptyTimeline(): TimelineState {
  return { entries: [], active: [], doneAt: null };
}

/** Records one chart snapshot at `at` (mutates `t`); returns whether anything changed. */
export function recordSnapshot(t: TimelineState, snap: { value: StateValue; status: string }, at: string): boolean {
  const next = snap.status === 'done' ? [] : leafPaths(snap.value);
  let changed = false;
  for (const left of t.active.filter((s) => !next.includes(s))) {
    const entry = [...t.entries].reverse().find((e) => e.state === left && e.leftAt === null);
    if (entry) entry.leftAt = at;
    changed = true;
  }
  for (const entered of next.filter((s) => !t.active.includes(s))) {
    t.entries.push({ state: entered, enteredAt: at, leftAt: null });
    changed = true;
  }
  if (snap.status === 'done' && t.doneAt === null) {
    t.doneAt = at;
    t.entries.push({ state: String(snap.value), enteredAt: at, leftAt: null });
    changed = true;
  }
  t.active = next;
  return changed;
}

/** Opens a phase outside the chart (e.g. awaiting the applicant's data). */
export function enterPhase(t: TimelineState, state: string, at: string): void {
  t.entries.push({ state, enteredAt: at, leftAt: null });
}

/** Closes the phase opened last. */
export function leavePhase(t: TimelineState, at: string): void {
  const last = t.entries[t.entries.length - 1];
  if (last && last.leftAt === null) last.leftAt = at;
}
