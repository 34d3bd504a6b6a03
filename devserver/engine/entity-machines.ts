/**
 * The declared transition tables of the run's entities (engine/state-machine.ts). A closed entity is removed
 * from the run's state right after its last transition; a reference to a removed entity or to an older
 * attempt (a late deadline, a stale task or token) is stale, not a transition, and is answered as such by the
 * caller (ignored, or NOT_FOUND to a worker). Anything else that does not match a table is a bug: it throws.
 */
import { defineTransitions } from './state-machine';

export type ActivityStatus = 'scheduled' | 'started' | 'backoff' | 'closed';
export const activityMachine = defineTransitions<
  ActivityStatus,
  'schedule' | 'start' | 'retry' | 'retryDue' | 'dispatch' | 'complete' | 'fail' | 'cancel' | 'cancelUnstarted' | 'timeOut'
>('activity', {
  schedule: { from: [null], to: 'scheduled' },
  start: { from: ['scheduled'], to: 'started' },
  /** The attempt failed or timed out and is retried after its backoff. */
  retry: { from: ['started'], to: 'backoff' },
  /** The retry backoff elapsed. */
  retryDue: { from: ['backoff'], to: 'scheduled' },
  /** Queued for its first attempt, or again as attempt 1 (ResetActivity, reset of the run). */
  dispatch: { from: ['backoff', 'scheduled'], to: 'scheduled' },
  complete: { from: ['started'], to: 'closed' },
  fail: { from: ['started'], to: 'closed' },
  cancel: { from: ['started'], to: 'closed' },
  /** RequestCancelActivityTask before any attempt started (or while backing off). */
  cancelUnstarted: { from: ['scheduled', 'backoff'], to: 'closed' },
  timeOut: { from: ['scheduled', 'started', 'backoff'], to: 'closed' },
});

export type WorkflowTaskStatus = 'scheduled' | 'started' | 'closed';
export const workflowTaskMachine = defineTransitions<
  WorkflowTaskStatus,
  'schedule' | 'start' | 'complete' | 'fail' | 'timeOut' | 'moveToNormalQueue' | 'drop'
>('workflow task', {
  schedule: { from: [null], to: 'scheduled' },
  start: { from: ['scheduled'], to: 'started' },
  complete: { from: ['started'], to: 'closed' },
  fail: { from: ['started'], to: 'closed' },
  timeOut: { from: ['started'], to: 'closed' },
  /** Sticky schedule-to-start timeout, or the sticky worker shut down. */
  moveToNormalQueue: { from: ['scheduled'], to: 'scheduled' },
  /** A speculative task whose updates were all rejected leaves no trace. */
  drop: { from: ['started'], to: 'closed' },
});

export type TimerStatus = 'started' | 'closed';
export const timerMachine = defineTransitions<TimerStatus, 'start' | 'fire' | 'cancel'>('timer', {
  start: { from: [null], to: 'started' },
  fire: { from: ['started'], to: 'closed' },
  cancel: { from: ['started'], to: 'closed' },
});

export type UpdateStatus = 'requested' | 'sent' | 'accepted' | 'completed';
export const updateMachine = defineTransitions<UpdateStatus, 'admit' | 'readmit' | 'send' | 'redeliver' | 'accept' | 'reject' | 'complete'>(
  'update',
  {
    admit: { from: [null], to: 'requested' },
    /** Reset: admitted durably in the new run, its request is in history (delivered with it). */
    readmit: { from: [null], to: 'sent' },
    send: { from: ['requested'], to: 'sent' },
    /** The task it was sent in failed or timed out. */
    redeliver: { from: ['sent'], to: 'requested' },
    accept: { from: ['requested', 'sent'], to: 'accepted' },
    reject: { from: ['requested', 'sent'], to: 'completed' },
    complete: { from: ['accepted'], to: 'completed' },
  },
);

export type ChildStatus = 'initiated' | 'started' | 'closed';
export const childMachine = defineTransitions<ChildStatus, 'initiate' | 'start' | 'failStart' | 'close'>('child workflow', {
  initiate: { from: [null], to: 'initiated' },
  start: { from: ['initiated'], to: 'started' },
  failStart: { from: ['initiated'], to: 'closed' },
  close: { from: ['started'], to: 'closed' },
});

/** Signal or cancel of another workflow (commands SignalExternal / RequestCancelExternal): one table, two entities. */
export type ExternalStatus = 'initiated' | 'closed';
const externalMachine = (entity: string) =>
  defineTransitions<ExternalStatus, 'initiate' | 'deliver' | 'fail'>(entity, {
    initiate: { from: [null], to: 'initiated' },
    deliver: { from: ['initiated'], to: 'closed' },
    fail: { from: ['initiated'], to: 'closed' },
  });
export const externalSignalMachine = externalMachine('external signal');
export const externalCancelMachine = externalMachine('external cancel');
