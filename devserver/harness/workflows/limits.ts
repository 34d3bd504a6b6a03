/** Workflows for the history-limit tests (test/devserver/history-limits.test.ts). */
import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

export interface GrowthReport {
  activities: number;
  historyLength: number;
  historySize: number;
  suggested: boolean;
  runs: number;
}

/**
 * Runs activities (each with a `pad`-long input) until the server suggests continue-as-new or `max` is reached;
 * with `continueRuns` > 0 it then continues as new that many times, carrying its count.
 */
export async function growUntilSuggested(max: number, pad: number, continueRuns = 0, runs = 1, done = 0): Promise<GrowthReport> {
  let n = 0;
  while (n < max && !workflowInfo().continueAsNewSuggested) {
    await echo('x'.repeat(pad));
    n++;
  }
  const info = workflowInfo();
  if (info.continueAsNewSuggested && continueRuns > 0) {
    await continueAsNew<typeof growUntilSuggested>(max, pad, continueRuns - 1, runs + 1, done + n);
  }
  return { activities: done + n, historyLength: info.historyLength, historySize: info.historySize, suggested: info.continueAsNewSuggested, runs };
}

/** Runs `n` activities ignoring any suggestion (to cross the error limits). */
export async function growPastLimits(n: number, pad: number): Promise<number> {
  for (let i = 0; i < n; i++) await echo('y'.repeat(pad));
  return n;
}

/**
 * Never yields: its first activation spins until the workflow thread's watchdog stops it (the SDK's
 * isolateExecutionTimeout; test/worker/activation-watchdog.test.ts). Each retry of its workflow task spins again.
 */
export async function runaway(): Promise<number> {
  let spins = 0;
  while (spins >= 0) spins++;
  return spins;
}
