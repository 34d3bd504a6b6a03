/**
 * The benchmarks' workflow (bench/three-activities.ts): three sequential `echo` activities. In a module of its own so
 * a bench can bundle it without the rest of the harness (bench/compare-workflows.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';

const { echo } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '20ms', backoffCoefficient: 2, maximumInterval: '200ms', maximumAttempts: 5 },
});

export async function threeActivities(x: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) out.push(await echo(`${x}-${i}`));
  return out;
}
