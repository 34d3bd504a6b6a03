/**
 * The benches' numeric options from their environment, checked once and alike: a typo'd count is an error that
 * names the variable before anything starts, never a NaN that a loop silently runs zero times.
 */

import type { WorkerOptions } from '@temporalio/worker';
import { parseWholeNumberSetting } from '../domain/whole-number';

/**
 * The whole number in `env[name]`, or `fallback` when it is unset or empty. Digits only (no sign, exponent or
 * fraction), and at least `min`.
 */
export function wholeNumberEnv(env: Record<string, string | undefined>, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  const n = parseWholeNumberSetting(raw);
  if (n === undefined) return fallback;
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return n;
}

/**
 * The comma-separated names in `env[name]` (spaces around them ignored), each one of `known`, in the order given;
 * all of `known` when the variable is unset or empty. An unknown or repeated name is an error naming the variable.
 */
export function nameListEnv<K extends string>(env: Record<string, string | undefined>, name: string, known: readonly K[]): K[] {
  const raw = env[name]?.trim();
  if (!raw) return [...known];
  const names = raw.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`${name}: unknown ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${known.join(', ')})`);
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length) throw new Error(`${name}: ${repeated.map((n) => `"${n}"`).join(', ')} named more than once`);
  return names as K[];
}

/** The worker options a bench's poller settings ask for (each unset one left to the SDK), and a label for its report. */
export function pollerTuning(env: Record<string, string | undefined>): { options: Partial<WorkerOptions>; label: string } {
  const set = (name: string) => (parseWholeNumberSetting(env[name]) === undefined ? undefined : wholeNumberEnv(env, name, 0));
  const wftPolls = set('BENCH_WORKFLOW_TASK_POLLERS');
  const atPolls = set('BENCH_ACTIVITY_TASK_POLLERS');
  const wftSlots = set('BENCH_WORKFLOW_TASK_SLOTS');
  // The SDK's sticky and normal workflow-task pollers share the maximum: it needs two at least.
  if (wftPolls !== undefined && wftPolls < 2) throw new Error(`BENCH_WORKFLOW_TASK_POLLERS must be a whole number ≥ 2, got "${env.BENCH_WORKFLOW_TASK_POLLERS}"`);
  const options: Partial<WorkerOptions> = {
    ...(wftPolls === undefined ? {} : { workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: wftPolls } as const }),
    ...(atPolls === undefined ? {} : { activityTaskPollerBehavior: { type: 'simple-maximum', maximum: atPolls } as const }),
    ...(wftSlots === undefined ? {} : { maxConcurrentWorkflowTaskExecutions: wftSlots }),
  };
  const label = [
    `workflow-task polls ${wftPolls ?? '10 (SDK default)'}`,
    `activity-task polls ${atPolls ?? '10 (SDK default)'}`,
    `workflow-task slots ${wftSlots ?? '40 (SDK default)'}`,
  ].join(', ');
  return { options, label };
}
