/**
 * The engine worker's workflow cache (the SDK's sticky cache: `maxCachedWorkflows`). A cached case answers its next
 * workflow task at once; an evicted one is replayed from its history first (a waiting birth case: ~12 events, 2
 * workflow tasks). Every cached case holds heap in the worker's workflow thread that each of its major garbage
 * collections marks: about 0.5 MB of the worker's resident memory per cached case in bench:scale (docs/performance.md).
 * WORKER_MAX_CACHED_WORKFLOWS sets it; unset, the SDK sizes it from the heap limit (about 2,300 on a 4 GB heap).
 * Called by entry points only, with `process.env`.
 */

export class InvalidWorkflowCacheSizeError extends Error {
  readonly code = 'INVALID_WORKFLOW_CACHE_SIZE';
  constructor(value: string) {
    super(`WORKER_MAX_CACHED_WORKFLOWS must be 0 (no cache: every workflow task replays) or a whole number ≥ 2, got "${value}"`);
  }
}

/** The cache size WORKER_MAX_CACHED_WORKFLOWS asks for, or undefined (the SDK's default); throws when malformed. */
export function workflowCacheSize(env: Record<string, string | undefined>): number | undefined {
  const raw = env.WORKER_MAX_CACHED_WORKFLOWS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  // The SDK would turn 1 into 2 with a warning: an explicit setting it would not honour is an error here.
  if (!Number.isSafeInteger(n) || n === 1) throw new InvalidWorkflowCacheSizeError(raw);
  return n;
}
