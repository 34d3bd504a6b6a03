/** Workflows for reset / task-queue / external-command tests. */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities';

export const pingSignal = defineSignal<[number]>('ping');

const acts = proxyActivities<typeof activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '20ms', maximumAttempts: 5 },
});

/** An activity, then waits for `target` ping signals, then another activity. */
export async function resettable(key: string, target: number): Promise<string> {
  const log: string[] = [];
  let pings = 0;
  setHandler(pingSignal, (n: number) => {
    pings++;
    log.push(`ping${n}`);
  });
  log.push(await acts.echo(`a-${key}`));
  await condition(() => pings >= target);
  log.push(await acts.echo('b'));
  return log.join(',');
}

/** A slow activity still running when a ping arrives (the reset point after the ping has it pending). */
export async function pendingAtReset(key: string, ms: number): Promise<string> {
  let got = 0;
  setHandler(pingSignal, (n: number) => {
    got += n;
  });
  const p = acts.sleepFor(key, ms);
  const t = sleep(ms);
  await condition(() => got > 0);
  await Promise.all([p, t]);
  return `done:${got}`;
}

/** Activity failing once with a one-hour backoff: only ResetActivity makes it run again soon. */
export async function longBackoff(key: string): Promise<number> {
  return proxyActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '1 hour', maximumAttempts: 10 },
  }).flaky(key, 1);
}

/** Waits for one ping; returns its value. */
export async function waitPing(): Promise<number> {
  let v = -1;
  setHandler(pingSignal, (n: number) => {
    v = n;
  });
  await condition(() => v >= 0);
  return v;
}

/** Signals another workflow by id; reports whether it worked. */
export async function signalOther(targetId: string, value: number): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).signal(pingSignal, value);
    return 'signaled';
  } catch (e) {
    return `failed:${(e as Error).name}`;
  }
}

/** Requests cancellation of another workflow by id; reports whether it worked. */
export async function cancelOther(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).cancel();
    return 'cancel-requested';
  } catch (e) {
    return `failed:${(e as Error).name}`;
  }
}

/** Starts a long child with the given parent close policy, then completes without waiting for it. */
export async function parentWithPolicy(policy: 'TERMINATE' | 'REQUEST_CANCEL' | 'ABANDON'): Promise<string> {
  const map = {
    TERMINATE: ParentClosePolicy.TERMINATE,
    REQUEST_CANCEL: ParentClosePolicy.REQUEST_CANCEL,
    ABANDON: ParentClosePolicy.ABANDON,
  } as const;
  const child = await startChild(waitPing, { workflowId: `${workflowInfo().workflowId}-child`, parentClosePolicy: map[policy] });
  return child.workflowId;
}

/** Starts a child whose id is already in use: the start fails with WorkflowExecutionAlreadyStartedError. */
export async function childIdTaken(childId: string): Promise<string> {
  try {
    await executeChild(waitPing, { workflowId: childId });
    return 'started';
  } catch (e) {
    return `failed:${(e as Error).name}`;
  }
}

/** Continue-as-new chain keeping memo and search attributes; returns the info seen by the last run. */
export async function canChain(remaining: number): Promise<{ continuedFrom?: string; firstRunId: string; memo: unknown }> {
  const info = workflowInfo();
  if (remaining > 0) return continueAsNew<typeof canChain>(remaining - 1);
  if (!info.continuedFromExecutionRunId) throw ApplicationFailure.nonRetryable('no continuedFromExecutionRunId');
  return { continuedFrom: info.continuedFromExecutionRunId, firstRunId: info.firstExecutionRunId, memo: info.memo };
}

/** Starts a child, waits for a ping, then for the child's result. */
export async function parentAwaitsChild(): Promise<string> {
  let pinged = false;
  setHandler(pingSignal, () => {
    pinged = true;
  });
  const child = await startChild(waitPing, { workflowId: `${workflowInfo().workflowId}-kid` });
  await condition(() => pinged);
  return `child:${await child.result()}`;
}
