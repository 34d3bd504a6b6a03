/**
 * The mutable state of one run, kept as jsonb in ds_executions.state. Only JSON-safe values: times are epoch
 * milliseconds, protobuf blobs (payloads, failures, memo) are base64 of the encoded message.
 */

import type { ActivityStatus, ChildStatus, TimerStatus, UpdateStatus, WorkflowTaskStatus } from './entity-machines';

export interface RetryPolicyState {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number; // 0 = unlimited
  nonRetryableErrorTypes: string[];
}

export interface ActivityState {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  attempt: number;
  /** scheduled = waiting in a task queue, started = a worker has it, backoff = waiting for the retry timer. */
  state: ActivityStatus;
  /** Recent transitions (engine/entity-machines.ts activityMachine). */
  transitions?: string[];
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime?: number;
  lastHeartbeatTime?: number;
  heartbeatDetails?: string; // b64 Payloads
  lastFailure?: string; // b64 Failure
  lastWorkerIdentity?: string;
  lastStartedIdentity?: string;
  lastStartRequestId?: string;
  cancelRequested: boolean;
  cancelRequestedEventId?: number;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retry: RetryPolicyState;
  /** ResetActivity while the attempt runs: its retry starts over at attempt 1. */
  resetRequested?: boolean;
}

export interface TimerState {
  timerId: string;
  state?: TimerStatus;
  transitions?: string[];
  startedEventId: number;
  fireAt: number;
}

export interface WorkflowTaskState {
  scheduledEventId: number;
  startedEventId: number; // 0 until started
  attempt: number;
  state: WorkflowTaskStatus;
  transitions?: string[];
  taskQueue: string;
  sticky: boolean;
  scheduledTime: number;
  startedTime: number;
  startToCloseMs: number;
  identity?: string;
  /** Scheduled only to deliver an update: dropped from history if the update is rejected. */
  speculative?: boolean;
}

export interface BufferedEvent {
  b64: string; // encoded HistoryEvent with eventId 0
  /** Attribute key whose `startedEventId` must point at the event written just before (activity Started → Completed). */
  linkKey?: string;
}

export interface UpdateState {
  updateId: string;
  /** requested = waiting for delivery to a workflow task; sent = delivered in a started task; accepted; completed. */
  state: UpdateStatus;
  transitions?: string[];
  /** Rejected by the validator: kept only here (dedup + answer to pollers), never in history. */
  rejected?: boolean;
  /**
   * b64 temporal.api.update.v1.Request, kept until the update is accepted or rejected: from then on the request is in
   * history (UpdateAccepted) or no longer needed, and the state is written whole with every change of the run.
   */
  request?: string;
  acceptedEventId?: number;
  /** The UpdateCompleted event: the outcome is read from it (as Temporal's mutable state keeps only the event id). */
  completedEventId?: number;
  /** b64 temporal.api.update.v1.Outcome of a rejection (in no event); completed updates of older states carry theirs too. */
  outcome?: string;
  /** Admitted durably (reset reapply): its request is in history, never sent as a message. */
  admittedEventId?: number;
  /** Attempt of the workflow task the request was delivered in. */
  sentInWftScheduledEventId?: number;
}

export interface ChildState {
  initiatedEventId: number;
  state?: ChildStatus;
  transitions?: string[];
  namespace: string;
  namespaceId: string;
  workflowId: string;
  workflowType: string;
  runId?: string;
  startedEventId?: number;
  parentClosePolicy: number;
}

export interface ParentRef {
  namespace: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
  initiatedEventId: number;
}

export interface ResetPoint {
  binaryChecksum: string;
  buildId: string;
  runId: string;
  firstWorkflowTaskCompletedId: number;
  createTime: number;
  resettable: boolean;
}

export interface RunState {
  namespaceId: string;
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId: string;
  workflowType: string;
  taskQueue: string;
  status: number; // WorkflowExecutionStatus
  startTime: number;
  executionTime: number;
  closeTime: number | null;
  nextEventId: number;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  executionExpiresAt: number; // 0 = never
  taskTimeoutMs: number;
  memo?: string; // b64 Memo
  searchAttributes?: string; // b64 SearchAttributes
  startRequestId: string;
  previousStartedEventId: number;
  wft: WorkflowTaskState | null;
  wftAttempt: number;
  sticky: { taskQueue: string; scheduleToStartMs: number } | null;
  activities: Record<string, ActivityState>; // by scheduledEventId
  timers: Record<string, TimerState>; // by timerId
  buffered: BufferedEvent[];
  cancelRequested: boolean;
  completionEventId: number;
  newExecutionRunId?: string;
  updates: Record<string, UpdateState>;
  children: Record<string, ChildState>; // by initiatedEventId
  parent?: ParentRef;
  historySizeBytes: number;
  /** Auto reset points: the first WorkflowTaskCompleted of each worker binary (carried over by continue-as-new and reset). */
  resetPoints?: ResetPoint[];
  /** Set on a run that was reset: the latest run created from it. */
  resetRunId?: string;
  /** Set on a run created by a reset. */
  lastResetTime?: number;
  originalStartTime?: number;
  /** A cron workflow's schedule: each run is followed by the next (engine/cron.ts). */
  cronSchedule?: string;
}
