/**
 * The engine worker's tuning from its environment: its workflow cache and its workflow threads. Called by entry
 * points only, with `process.env`; a malformed value is an error that names the variable, never a silent default.
 *
 * The workflow cache (the SDK's sticky cache: `maxCachedWorkflows`). A cached case answers its next workflow task at
 * once; an evicted one is replayed from its history first (a waiting birth case: ~12 events, 2 workflow tasks).
 * Every cached case holds heap in a workflow thread that each of its major garbage collections marks: about 0.5 MB
 * of the worker's resident memory per cached case in bench:scale (docs/performance.md).
 * WORKER_MAX_CACHED_WORKFLOWS sets it; unset, the SDK sizes it from the heap limit (about 2,300 on a 4 GB heap).
 *
 * The workflow threads (the SDK's `workflowThreadPoolSize`): see ENGINE_WORKFLOW_THREADS in worker/agency-worker.ts
 * for the default; WORKER_WORKFLOW_THREADS sets it.
 */

import { parseWholeNumberSetting } from '../domain/whole-number';

export class InvalidWorkflowCacheSizeError extends Error {
  readonly code = 'INVALID_WORKFLOW_CACHE_SIZE';
  constructor(value: string) {
    super(`WORKER_MAX_CACHED_WORKFLOWS must be 0 (no cache: every workflow task replays) or a whole number ≥ 2, got "${value}"`);
  }
}

export class InvalidWorkflowThreadCountError extends Error {
  readonly code = 'INVALID_WORKFLOW_THREAD_COUNT';
  constructor(value: string) {
    super(`WORKER_WORKFLOW_THREADS must be a whole number from 1 to 64, got "${value}"`);
  }
}

type Env = Record<string, string | undefined>;

/** The cache size WORKER_MAX_CACHED_WORKFLOWS asks for, or undefined (the SDK's default); throws when malformed. */
export function workflowCacheSize(env: Env): number | undefined {
  const raw = env.WORKER_MAX_CACHED_WORKFLOWS;
  const n = parseWholeNumberSetting(raw);
  if (n === undefined) return undefined;
  // The SDK would turn 1 into 2 with a warning: an explicit setting it would not honour is an error here.
  if (!Number.isSafeInteger(n) || n === 1) throw new InvalidWorkflowCacheSizeError(raw!);
  return n;
}

/** The engine worker's options its environment sets (WORKER_MAX_CACHED_WORKFLOWS, WORKER_WORKFLOW_THREADS); the rest left to defaults. */
export function engineTuningOptions(env: Env): { maxCachedWorkflows?: number; workflowThreadPoolSize?: number } {
  const maxCachedWorkflows = workflowCacheSize(env);
  const workflowThreadPoolSize = workflowThreadCount(env);
  return {
    ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
    ...(workflowThreadPoolSize === undefined ? {} : { workflowThreadPoolSize }),
  };
}

/** The workflow threads WORKER_WORKFLOW_THREADS asks for, or undefined (the engine's default); throws when malformed. */
export function workflowThreadCount(env: Env): number | undefined {
  const raw = env.WORKER_WORKFLOW_THREADS;
  const n = parseWholeNumberSetting(raw);
  if (n === undefined) return undefined;
  // Each thread is a V8 isolate with its own copy of the workflow code: far more threads than cores only costs memory.
  if (!Number.isSafeInteger(n) || n < 1 || n > 64) throw new InvalidWorkflowThreadCountError(raw!);
  return n;
}
