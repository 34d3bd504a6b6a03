/**
 * The schedule entity's declared transition table (as Temporal's Java test server declares one per entity):
 * a schedule moves only along a declared (state, event) → state edge; anything else throws an internal error
 * carrying the schedule's past transitions, answered as INTERNAL.
 */
import { InternalError } from '../errors';

export type ScheduleStatus = 'none' | 'active' | 'paused' | 'deleted';
export type ScheduleEvent =
  | 'create'
  | 'createPaused'
  | 'pause'
  | 'unpause'
  | 'pauseOnFailure'
  | 'update'
  | 'updatePaused'
  | 'takeAction'
  | 'takeManualAction'
  | 'delete';

const TABLE: Record<ScheduleStatus, Partial<Record<ScheduleEvent, ScheduleStatus>>> = {
  none: { create: 'active', createPaused: 'paused' },
  active: {
    pause: 'paused',
    unpause: 'active',
    pauseOnFailure: 'paused',
    update: 'active',
    updatePaused: 'paused',
    takeAction: 'active',
    takeManualAction: 'active',
    delete: 'deleted',
  },
  paused: {
    pause: 'paused',
    unpause: 'active',
    update: 'active',
    updatePaused: 'paused',
    // Trigger and backfill act on a paused schedule too; scheduled times do not.
    takeManualAction: 'paused',
    delete: 'deleted',
  },
  deleted: {},
};

/** How many past transitions a schedule keeps (for the error of an illegal one). */
const HISTORY = 20;

export interface TransitionRecord {
  status: ScheduleStatus;
  /** "from -event-> to @ISO time", newest last. */
  transitions: string[];
}

export class IllegalScheduleTransitionError extends InternalError {
  constructor(
    readonly scheduleId: string,
    readonly from: ScheduleStatus,
    readonly event: ScheduleEvent,
    readonly history: string[],
  ) {
    super(`schedule ${scheduleId}: illegal transition ${event} from ${from}; past transitions: ${history.join(', ') || 'none'}`);
  }
}

/** Applies `event` to the record's status, or throws IllegalScheduleTransitionError. */
export function transition(scheduleId: string, rec: TransitionRecord, event: ScheduleEvent, now: number): ScheduleStatus {
  const to = TABLE[rec.status][event];
  if (!to) throw new IllegalScheduleTransitionError(scheduleId, rec.status, event, rec.transitions);
  // Repeated self-moves (every action taken) would flood the history: only changes and first of a kind are kept.
  const last = rec.transitions[rec.transitions.length - 1];
  const line = `${rec.status} -${event}-> ${to} @${new Date(now).toISOString()}`;
  if (!(to === rec.status && last?.startsWith(`${rec.status} -${event}->`))) {
    rec.transitions.push(line);
    if (rec.transitions.length > HISTORY) rec.transitions.splice(0, rec.transitions.length - HISTORY);
  }
  rec.status = to;
  return to;
}
