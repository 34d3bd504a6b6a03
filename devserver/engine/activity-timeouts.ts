/**
 * The timeouts of a ScheduleActivityTask command, deduced and validated as Temporal does
 * (`ValidateActivityScheduleAttributes`): schedule-to-close is capped by the run timeout; schedule-to-start
 * and start-to-close default to schedule-to-close and never exceed it; with only start-to-close set,
 * schedule-to-close and schedule-to-start are the run timeout (0 = none); heartbeat never exceeds
 * start-to-close. Neither start-to-close nor schedule-to-close set is a command error naming both fields.
 */
import type { temporal } from '@temporalio/proto';
import { enums, msFromDur } from '../proto';

type ScheduleActivity = temporal.api.command.v1.IScheduleActivityTaskCommandAttributes;

export interface ActivityTimeouts {
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
}

/** An invalid command: the workflow task fails with `cause`, and the worker is answered INVALID_ARGUMENT. */
export class CommandValidationError extends Error {
  readonly code = 'COMMAND_INVALID';
  constructor(
    readonly failedCause: number, // WorkflowTaskFailedCause
    message: string,
  ) {
    super(message);
  }
}

const BAD_ATTRIBUTES = enums.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES;
const minPositive = (a: number, b: number) => (b > 0 ? Math.min(a, b) : a);

export function activityTimeouts(a: ScheduleActivity, runTimeoutMs: number): ActivityTimeouts {
  if (!a.activityId) throw new CommandValidationError(BAD_ATTRIBUTES, 'ActivityId is not set on ScheduleActivityTaskCommand.');
  if (!a.activityType?.name) throw new CommandValidationError(BAD_ATTRIBUTES, 'ActivityType is not set on ScheduleActivityTaskCommand.');
  let scheduleToCloseMs = msFromDur(a.scheduleToCloseTimeout);
  let scheduleToStartMs = msFromDur(a.scheduleToStartTimeout);
  let startToCloseMs = msFromDur(a.startToCloseTimeout);
  let heartbeatMs = msFromDur(a.heartbeatTimeout);
  if (scheduleToCloseMs < 0 || scheduleToStartMs < 0 || startToCloseMs < 0 || heartbeatMs < 0)
    throw new CommandValidationError(BAD_ATTRIBUTES, 'A valid timeout may not be negative.');
  if (scheduleToCloseMs > 0) {
    scheduleToCloseMs = minPositive(scheduleToCloseMs, runTimeoutMs);
    scheduleToStartMs = scheduleToStartMs > 0 ? Math.min(scheduleToStartMs, scheduleToCloseMs) : scheduleToCloseMs;
    startToCloseMs = startToCloseMs > 0 ? Math.min(startToCloseMs, scheduleToCloseMs) : scheduleToCloseMs;
  } else if (startToCloseMs > 0) {
    scheduleToCloseMs = runTimeoutMs;
    if (scheduleToStartMs <= 0) scheduleToStartMs = runTimeoutMs;
  } else {
    throw new CommandValidationError(
      BAD_ATTRIBUTES,
      'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
    );
  }
  heartbeatMs = Math.min(heartbeatMs, startToCloseMs);
  return { scheduleToCloseMs, scheduleToStartMs, startToCloseMs, heartbeatMs };
}
