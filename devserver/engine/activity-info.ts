/** An activity as DescribeWorkflowExecution shows it (`pendingActivities`). */
import { decodeB64, durFromMs, enums, Failure, Payloads, tsFromMs } from '../proto';
import type { ActivityState } from './state';
import { retryPolicyProto } from './activity-retry';

export function pendingActivityInfo(act: ActivityState, now: number) {
  const PS = enums.PendingActivityState;
  return {
    activityId: act.activityId,
    activityType: { name: act.activityType },
    state: act.cancelRequested
      ? PS.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
      : act.state === 'started'
        ? PS.PENDING_ACTIVITY_STATE_STARTED
        : PS.PENDING_ACTIVITY_STATE_SCHEDULED,
    heartbeatDetails: decodeB64(Payloads, act.heartbeatDetails),
    lastHeartbeatTime: act.lastHeartbeatTime ? tsFromMs(act.lastHeartbeatTime) : null,
    lastStartedTime: act.startedTime ? tsFromMs(act.startedTime) : null,
    attempt: act.attempt,
    maximumAttempts: act.retry.maximumAttempts,
    scheduledTime: tsFromMs(act.currentAttemptScheduledTime),
    expirationTime: act.scheduleToCloseMs ? tsFromMs(act.scheduledTime + act.scheduleToCloseMs) : null,
    lastFailure: decodeB64(Failure, act.lastFailure),
    lastWorkerIdentity: act.lastStartedIdentity ?? '',
    currentRetryInterval: act.state === 'backoff' ? durFromMs(Math.max(0, act.currentAttemptScheduledTime - now)) : null,
    activityOptions: {
      taskQueue: { name: act.taskQueue },
      scheduleToCloseTimeout: durFromMs(act.scheduleToCloseMs),
      scheduleToStartTimeout: durFromMs(act.scheduleToStartMs),
      startToCloseTimeout: durFromMs(act.startToCloseMs),
      heartbeatTimeout: durFromMs(act.heartbeatMs),
      retryPolicy: retryPolicyProto(act.retry),
    },
  };
}
