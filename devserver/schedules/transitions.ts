/**
 * The schedule entity's declared transition table, on the shared `defineTransitions` mechanism every devserver
 * entity uses: a schedule moves only along a declared edge; anything else throws IllegalTransitionError
 * (INTERNAL) carrying the schedule's past transitions.
 */
import { defineTransitions } from '../engine/state-machine';

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

const LIVE = ['active', 'paused'] as const;

/**
 * Repeated self-moves (every action taken) would flood the history: only changes and the first of a kind are
 * kept, the last 20, each stamped with its time.
 */
export const scheduleMachine = defineTransitions<ScheduleStatus, ScheduleEvent>(
  'schedule',
  {
    create: { from: ['none'], to: 'active' },
    createPaused: { from: ['none'], to: 'paused' },
    pause: { from: LIVE, to: 'paused' },
    unpause: { from: LIVE, to: 'active' },
    pauseOnFailure: { from: ['active'], to: 'paused' },
    update: { from: LIVE, to: 'active' },
    updatePaused: { from: LIVE, to: 'paused' },
    takeAction: { from: ['active'] },
    // Trigger and backfill act on a paused schedule too (it stays paused); scheduled times do not.
    takeManualAction: { from: LIVE },
    delete: { from: LIVE, to: 'deleted' },
  },
  { kept: 20, collapseRepeats: true },
);

/** The part of a persisted schedule record the machine moves (`status` is the record's persisted name). */
export interface TransitionRecord {
  status: ScheduleStatus;
  /** "from -event-> to @ISO time", newest last. */
  transitions: string[];
}

/** Applies `event` to the record's status, or throws IllegalTransitionError. */
export function transition(scheduleId: string, rec: TransitionRecord, event: ScheduleEvent, now: number): ScheduleStatus {
  const entity = { state: rec.status, transitions: rec.transitions };
  rec.status = scheduleMachine.apply(entity, event, scheduleId, now);
  rec.transitions = entity.transitions;
  return rec.status;
}
