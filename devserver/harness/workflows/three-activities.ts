/**
 * The benchmarks' workflow (bench/three-activities.ts): three sequential `echo` activities. In a module of its own so
 * a bench can bundle it without the rest of the harness (bench/compare-workflows.ts).
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type * as activities from '../activities';

/** The harness's quick activities: short timeout, fast retries (the harness's `fast` proxy uses them too). */
export const FAST_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10s',
  retry: { initialInterval: '20ms', backoffCoefficient: 2, maximumInterval: '200ms', maximumAttempts: 5 },
};

const { echo } = proxyActivities<typeof activities>(FAST_ACTIVITY_OPTIONS);

export async function threeActivities(x: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) out.push(await echo(`${x}-${i}`));
  return out;
}
