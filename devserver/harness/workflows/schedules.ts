/** Test workflows for schedules and cron workflows. */
import { ApplicationFailure, condition, defineSignal, setHandler, workflowInfo } from '@temporalio/workflow';

export const releaseSignal = defineSignal('release');

/** What a schedule starts: 'ok' returns, 'fail' fails, 'block' runs until released (or cancelled). */
export async function scheduledTask(mode: 'ok' | 'fail' | 'block'): Promise<string> {
  if (mode === 'fail') throw ApplicationFailure.nonRetryable('scheduled failure');
  if (mode === 'block') {
    let released = false;
    setHandler(releaseSignal, () => void (released = true));
    await condition(() => released);
  }
  return `done:${workflowInfo().workflowId}`;
}

export interface CronRunInfo {
  n: number;
  lastResult: number | null;
  lastFailure: string | null;
}

/** A cron run counts on from the last completion result; run number `failOn` fails once. */
export async function cronCounter(failOn: number): Promise<CronRunInfo> {
  const info = workflowInfo();
  const lastResult = (info.lastResult as CronRunInfo | undefined)?.n ?? null;
  const n = (lastResult ?? 0) + 1;
  if (n === failOn && !info.lastFailure) throw ApplicationFailure.nonRetryable(`cron run ${n} fails`);
  return { n, lastResult, lastFailure: info.lastFailure?.message ?? null };
}
