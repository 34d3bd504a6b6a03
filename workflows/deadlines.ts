/**
 * Deadline bookkeeping of a case (pure): from the chart's timeline to each step's due date and on-time flag.
 * Counting starts from a complete dossier (the last supplement, else reception), with the 15:00 cut-off and the
 * holiday calendar applied by `addWorkingDays`.
 */
import { addWorkingDays, type WorkingCalendar } from '../domain/working-days';
import type { DeadlineDeclaration } from '../procedures/types';
import type { StepStatus, TimelineEntry } from './definitions';

export interface StepInputs {
  deadlines: readonly DeadlineDeclaration[];
  timeline: readonly TimelineEntry[];
  receivedAt: string;
  /** When the dossier became complete (the last accepted supplement), if after reception. */
  dossierCompleteAt: string | null;
  /** When the case reached a final state. */
  doneAt: string | null;
  verificationNeeded: boolean;
  calendar: WorkingCalendar;
}

function inStep(state: string, statePath: string): boolean {
  return state === statePath || state.startsWith(`${statePath}.`);
}

function later(a: string, b: string | null): string {
  return b !== null && b > a ? b : a;
}

export function computeSteps(p: StepInputs): StepStatus[] {
  const complete = later(p.receivedAt, p.dossierCompleteAt);
  return p.deadlines.map((d) => {
    const days =
      p.verificationNeeded && d.workingDaysWithVerification !== undefined ? d.workingDaysWithVerification : d.workingDays;
    let startedAt: string | null;
    let completedAt: string | null;
    if (d.step === 'total') {
      startedAt = complete;
      completedAt = p.doneAt;
    } else {
      const path = d.statePath ?? d.step;
      const entries = p.timeline.filter((t) => inStep(t.state, path));
      if (entries.length === 0) {
        startedAt = null;
        completedAt = null;
      } else {
        // A step that waited for a supplement counts from the complete dossier.
        startedAt = later(entries[0].enteredAt, entries[0].enteredAt <= complete ? complete : null);
        const stillIn = entries.some((t) => t.leftAt === null);
        completedAt = stillIn ? p.doneAt : maxLeft(entries);
      }
    }
    const dueAt = startedAt === null ? null : addWorkingDays(new Date(startedAt), days, p.calendar).toISOString();
    const onTime = dueAt === null || completedAt === null ? null : completedAt <= dueAt;
    return {
      step: d.step,
      startedAt,
      completedAt,
      workingDays: days,
      verificationNeeded: p.verificationNeeded && d.workingDaysWithVerification !== undefined,
      dueAt,
      onTime,
      legalBasis: d.legalBasis,
    };
  });
}

function maxLeft(entries: readonly TimelineEntry[]): string | null {
  let max: string | null = null;
  for (const e of entries) if (e.leftAt !== null && (max === null || e.leftAt > max)) max = e.leftAt;
  return max;
}

/** Milliseconds from `now` to the end of the working day `workingDays` after `now`'s reception day. */
export function workingDaysDelayMs(now: Date, workingDays: number, calendar: WorkingCalendar): number {
  return Math.max(0, addWorkingDays(now, workingDays, calendar).getTime() - now.getTime());
}
