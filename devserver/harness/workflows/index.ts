/** Test-only workflows for the devserver suite (and bench/devserver.ts). */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  patched,
  setHandler,
  sleep,
  upsertMemo,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities';
import { FAST_ACTIVITY_OPTIONS } from './three-activities';

const fast = proxyActivities<typeof activities>(FAST_ACTIVITY_OPTIONS);

export { threeActivities } from './three-activities';

export async function sequence(items: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const s of items) out.push(await fast.echo(s));
  return out;
}

/** Runs `n` activities (for long histories). */
export async function manyActivities(n: number): Promise<number> {
  for (let i = 0; i < n; i++) await fast.echo(String(i));
  return n;
}

export async function retryToSuccess(key: string, failTimes: number): Promise<number> {
  return fast.flaky(key, failTimes);
}

export interface FailureSummary {
  type: string;
  message: string;
  causeType?: string;
  causeMessage?: string;
  timeoutType?: string;
  retryState?: string;
  attempts?: number;
}

function summarize(err: unknown): FailureSummary {
  if (err instanceof ActivityFailure) {
    const cause = err.cause as { name?: string; message?: string; timeoutType?: string; type?: string } | undefined;
    return {
      type: 'ActivityFailure',
      message: err.message,
      causeType: cause?.name,
      causeMessage: cause?.message,
      timeoutType: cause?.timeoutType != null ? String(cause.timeoutType) : undefined,
      retryState: err.retryState != null ? String(err.retryState) : undefined,
    };
  }
  return { type: (err as Error)?.name ?? 'unknown', message: (err as Error)?.message ?? String(err) };
}

export async function retryExhausted(key: string): Promise<FailureSummary> {
  const acts = proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '10ms', backoffCoefficient: 1, maximumAttempts: 3 },
  });
  try {
    await acts.flaky(key, 100);
    return { type: 'none', message: 'unexpected success' };
  } catch (e) {
    return summarize(e);
  }
}

export async function nonRetryable(key: string, mode: 'flag' | 'type'): Promise<FailureSummary> {
  const acts = proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '10ms', maximumAttempts: 10, nonRetryableErrorTypes: ['FatalError'] },
  });
  try {
    await (mode === 'flag' ? acts.failNonRetryable(key) : acts.failWithType(key, 'FatalError'));
    return { type: 'none', message: 'unexpected success' };
  } catch (e) {
    return summarize(e);
  }
}

/** An activity whose result is `n` characters, retried up to 5 times; its failure summarized. */
export async function oversizedActivityResult(key: string, n: number): Promise<FailureSummary> {
  try {
    await fast.grow(key, n);
    return { type: 'none', message: 'unexpected success' };
  } catch (e) {
    return summarize(e);
  }
}

/** Schedules an activity whose input is `n` characters (built here, so the workflow's own input stays small). */
export async function oversizedActivityInput(n: number): Promise<string> {
  return fast.echo('i'.repeat(n));
}

export type TimeoutKind = 'startToClose' | 'scheduleToClose' | 'scheduleToStart' | 'heartbeat';

export async function activityTimeout(kind: TimeoutKind, key: string): Promise<FailureSummary> {
  const retry = { initialInterval: '10ms', backoffCoefficient: 1, maximumAttempts: 2 };
  try {
    if (kind === 'startToClose') {
      await proxyActivities<typeof activities>({ startToCloseTimeout: '300ms', retry }).sleepFor(key, 3000);
    } else if (kind === 'scheduleToClose') {
      await proxyActivities<typeof activities>({
        scheduleToCloseTimeout: '700ms',
        startToCloseTimeout: '300ms',
        retry: { initialInterval: '10ms', backoffCoefficient: 1 },
      }).sleepFor(key, 3000);
    } else if (kind === 'scheduleToStart') {
      await proxyActivities<typeof activities>({
        taskQueue: 'nobody-polls-this-queue',
        scheduleToStartTimeout: '300ms',
        startToCloseTimeout: '5s',
        retry,
      }).sleepFor(key, 10);
    } else {
      await proxyActivities<typeof activities>({ startToCloseTimeout: '10s', heartbeatTimeout: '300ms', retry }).heartbeatThenStall(key);
    }
    return { type: 'none', message: 'unexpected success' };
  } catch (e) {
    return summarize(e);
  }
}

/** Heartbeats progress; attempt 1 fails midway, attempt 2 resumes from the heartbeat details. */
export async function heartbeatResume(key: string): Promise<{ resumedFrom: number; total: number }> {
  return proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    heartbeatTimeout: '5s',
    retry: { initialInterval: '10ms', maximumAttempts: 3 },
  }).countWithHeartbeat(key, 6, 3);
}

export async function timerWorkflow(ms: number): Promise<number> {
  const start = Date.now();
  await sleep(ms);
  return Date.now() - start;
}

export async function cancelTimerWorkflow(): Promise<string> {
  const scope = new CancellationScope();
  const p = scope.run(() => sleep(60_000));
  await sleep(20);
  scope.cancel();
  try {
    await p;
    return 'fired';
  } catch (e) {
    return isCancellation(e) ? 'cancelled' : 'error';
  }
}

export const addSignal = defineSignal<[number]>('add');
export const doneSignal = defineSignal('done');
export const totalQuery = defineQuery<number>('total');
export const failingQuery = defineQuery<number>('failing');

export async function signalCounter(target: number): Promise<number> {
  let total = 0;
  let count = 0;
  setHandler(addSignal, (n: number) => {
    total += n;
    count++;
  });
  setHandler(totalQuery, () => total);
  setHandler(failingQuery, () => {
    throw new Error('query handler exploded');
  });
  await condition(() => count >= target);
  return total;
}

/** `signalCounter`, whose first workflow task runs a local activity of `ms` first (signals can arrive meanwhile). */
export async function slowStartSignalCounter(ms: number, target: number): Promise<number> {
  const local = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '5s' });
  await local.sleepFor(`slow-start-${workflowInfo().workflowId}`, ms);
  return signalCounter(target);
}

/** Long activity that gets cancelled; cleanup activity runs in a non-cancellable scope. */
export async function cancellableWithCleanup(key: string): Promise<string> {
  const acts = proxyActivities<typeof activities>({ startToCloseTimeout: '30s', heartbeatTimeout: '2s', retry: { maximumAttempts: 1 } });
  try {
    await acts.heartbeatUntilCancelled(key);
    return 'not cancelled';
  } catch (e) {
    if (isCancellation(e)) {
      await CancellationScope.nonCancellable(() => acts.cleanup(key));
    }
    throw e;
  }
}

export async function sleeper(ms: number): Promise<string> {
  await sleep(ms);
  return 'woke';
}

export const incrementUpdate = defineUpdate<number, [number]>('increment');
export const valueQuery = defineQuery<number>('value');

export async function updatable(): Promise<number> {
  let value = 0;
  let done = false;
  setHandler(
    incrementUpdate,
    async (n: number) => {
      value += n;
      return value;
    },
    {
      validator: (n: number) => {
        if (n < 0) throw new Error('negative increments are rejected');
      },
    },
  );
  setHandler(valueQuery, () => value);
  setHandler(doneSignal, () => {
    done = true;
  });
  await condition(() => done);
  return value;
}

export async function childWorker(x: number): Promise<number> {
  await sleep(10);
  return x * 2;
}

export async function parentWorkflow(n: number): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => executeChild(childWorker, { args: [i + 1], workflowId: `${workflowInfo().workflowId}-child-${i}` })),
  );
  return results.reduce((a, b) => a + b, 0);
}

export async function continuing(remaining: number, acc: number): Promise<number> {
  if (remaining <= 0) return acc;
  await sleep(5);
  return continueAsNew<typeof continuing>(remaining - 1, acc + 1);
}

export async function properties(): Promise<string> {
  upsertSearchAttributes({ CustomKeywordField: ['hello'] });
  upsertMemo({ note: 'updated' });
  await sleep(10);
  return 'ok';
}

export async function failingWorkflow(message: string): Promise<never> {
  throw ApplicationFailure.nonRetryable(message, 'TestFailure');
}

/** Throws a plain Error: the workflow task fails and is retried (the workflow itself stays open). */
export async function brokenWorkflowTask(): Promise<void> {
  throw new Error('boom in workflow task');
}

/** For the crash test: timers and activities interleaved. */
export async function durable(i: number): Promise<string> {
  await sleep(200 + (i % 5) * 50);
  const a = await fast.echo(`a${i}`);
  await sleep(300);
  const b = await fast.echo(`b${i}`);
  await sleep(100);
  return `${a}|${b}`;
}

export { CancelledFailure };

export async function asyncActivity(key: string, useSlowRetry: boolean): Promise<string> {
  return proxyActivities<typeof activities>({
    startToCloseTimeout: '30s',
    retry: useSlowRetry ? { initialInterval: '10s', maximumAttempts: 2 } : { maximumAttempts: 1 },
  }).completeLater(key);
}

/** Activity keeps failing with a long backoff, so describe() sees attempt > 1 and the last failure. */
export async function slowRetry(key: string): Promise<number> {
  return proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '30s', maximumAttempts: 5 },
  }).flaky(key, 100);
}

/** A long-running heartbeating activity (ResetActivity while it runs: its next attempt is attempt 1). */
export async function resetWhileRunning(key: string): Promise<number> {
  return proxyActivities<typeof activities>({
    startToCloseTimeout: '60s',
    heartbeatTimeout: '5s',
    retry: { initialInterval: '50ms', maximumAttempts: 2 },
  }).heartbeatUntilReset(key);
}

/** Local activities and patches are recorded as markers (RecordMarker command). */
export async function withMarkers(x: string): Promise<string> {
  const local = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '5s' });
  const v = await local.echo(x);
  if (patched('my-patch')) return `${v}-patched`;
  return v;
}
export * from './ops';
export * from './schedules';
export * from './limits';

/** Runs `echo` on a queue nobody polls with only a schedule-to-close timeout; returns the timeout type it failed with. */
export async function unpolledActivity(taskQueue: string, scheduleToCloseMs: number): Promise<string> {
  const { echo } = proxyActivities<typeof activities>({ taskQueue, scheduleToCloseTimeout: scheduleToCloseMs });
  try {
    await echo('never');
    return 'completed';
  } catch (e) {
    if (e instanceof ActivityFailure && e.cause instanceof TimeoutFailure) return e.cause.timeoutType ?? 'unknown';
    throw e;
  }
}

/** `updatable`, whose first workflow task runs a local activity of `ms` first (an update can arrive meanwhile). */
export async function slowStartUpdatable(ms: number): Promise<number> {
  const local = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '5s' });
  await local.sleepFor(`slow-start-${workflowInfo().workflowId}`, ms);
  return updatable();
}

/** Upserts a search attribute nobody registered (the server fails the workflow task). */
export async function upsertUnregistered(): Promise<void> {
  upsertSearchAttributes({ UnregisteredByWorkflow: ['x'] });
  await sleep('1 day');
}
