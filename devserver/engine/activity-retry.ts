/**
 * An activity's retry policy: the command's policy with Temporal's defaults, its wire form, the backoff before the
 * next attempt and whether a failed attempt is retried at all (activities.ts applies the decision).
 */
import type { temporal } from '@temporalio/proto';
import { durFromMs, enums, msFromDur } from '../proto';
import type { ActivityState, RetryPolicyState } from './state';

type IFailure = temporal.api.failure.v1.IFailure;
const RS = enums.RetryState;

export function normalizeRetryPolicy(rp: temporal.api.common.v1.IRetryPolicy | null | undefined): RetryPolicyState {
  const initialIntervalMs = msFromDur(rp?.initialInterval) || 1000;
  const backoffCoefficient = rp?.backoffCoefficient && rp.backoffCoefficient >= 1 ? rp.backoffCoefficient : 2;
  const maximumIntervalMs = msFromDur(rp?.maximumInterval) || initialIntervalMs * 100;
  return {
    initialIntervalMs,
    backoffCoefficient,
    maximumIntervalMs,
    maximumAttempts: rp?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: [...(rp?.nonRetryableErrorTypes ?? [])],
  };
}

export function retryPolicyProto(r: RetryPolicyState) {
  return {
    initialInterval: durFromMs(r.initialIntervalMs),
    backoffCoefficient: r.backoffCoefficient,
    maximumInterval: durFromMs(r.maximumIntervalMs),
    maximumAttempts: r.maximumAttempts,
    nonRetryableErrorTypes: r.nonRetryableErrorTypes,
  };
}

export function nextBackoffMs(act: ActivityState): number {
  const r = act.retry;
  const ms = r.initialIntervalMs * Math.pow(r.backoffCoefficient, act.attempt - 1);
  return Math.min(ms, r.maximumIntervalMs > 0 ? r.maximumIntervalMs : ms);
}

/** Decides whether the failed attempt is retried; returns the RetryState when it is final. */
export function retryDecision(now: number, act: ActivityState, failure: IFailure | null): number | null {
  const info = failure?.applicationFailureInfo;
  // As Temporal's isRetryable: a non-retryable server failure (e.g. an oversized result) is final too.
  if (info?.nonRetryable || failure?.serverFailureInfo?.nonRetryable) return RS.RETRY_STATE_NON_RETRYABLE_FAILURE;
  if (info?.type && act.retry.nonRetryableErrorTypes.includes(info.type)) return RS.RETRY_STATE_NON_RETRYABLE_FAILURE;
  if (act.retry.maximumAttempts > 0 && act.attempt >= act.retry.maximumAttempts) return RS.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED;
  let backoff = nextBackoffMs(act);
  const nextDelay = info?.nextRetryDelay ? msFromDur(info.nextRetryDelay) : 0;
  if (nextDelay > 0) backoff = nextDelay;
  if (act.scheduleToCloseMs > 0 && now + backoff >= act.scheduledTime + act.scheduleToCloseMs) return RS.RETRY_STATE_TIMEOUT;
  return null;
}
